import type { Clock, Timer } from "../clock/clock.js";

/** The connection's timers (RFC 9293 §3.8, RFC 6298, RFC 1122 §4.2.3). */
export const TimerKind = {
  retransmit: 0,
  persist: 1,
  delayedAck: 2,
  keepAlive: 3,
  timeWait: 4,
  connect: 5,
  user: 6,
  /** Loss recovery's own: RACK's reordering timer, TLP's probe timeout (RFC 8985). */
  recovery: 7,
} as const;
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];
const KINDS = 8;
const ARMED_AT = KINDS;

/** What the timers call when a deadline passes: the connection (timeouts.ts does the work). */
export interface TimerOwner {
  onTimer(kind: TimerKind): void;
}

/**
 * One clock timer per connection, armed for the earliest deadline. Setting a deadline is a store; the clock
 * timer is only replaced when a deadline moves earlier, so restarting the RTO on every ACK costs nothing.
 * A timer that fires early (its deadline moved later) just re-arms for the new earliest one.
 *
 * Memory (an idle connection holds this for as long as it lives): the deadlines are a plain array (a
 * Float64Array and its ArrayBuffer cost 184 bytes), the owner is called as an object (no closure per
 * connection), and the clock callback exists only while the clock timer is armed.
 */
export class ConnectionTimers {
  readonly #clock: Clock;
  readonly #owner: TimerOwner;
  /** The deadlines by kind, then (at ARMED_AT) when the clock timer fires: a double array, no boxed numbers. */
  // A literal, not new Array(n).fill(): it stays a packed double array. One slot per kind, then ARMED_AT.
  readonly #deadlines: number[] = [
    Infinity,
    Infinity,
    Infinity,
    Infinity,
    Infinity,
    Infinity,
    Infinity,
    Infinity,
    Infinity,
  ];
  #handle: Timer | null = null;
  #onTimer: (() => void) | null = null;

  constructor(clock: Clock, owner: TimerOwner) {
    this.#clock = clock;
    this.#owner = owner;
  }

  set(kind: TimerKind, delayMs: number): void {
    const at = this.#clock.now() + delayMs;
    this.#deadlines[kind] = at;
    if (at < this.#deadlines[ARMED_AT]) this.#arm(at);
  }

  /** Set only if not already running. */
  ensure(kind: TimerKind, delayMs: number): void {
    if (this.#deadlines[kind] === Infinity) this.set(kind, delayMs);
  }

  /** Milliseconds until `kind` fires (Infinity when it is not set). */
  remaining(kind: TimerKind): number {
    return this.#deadlines[kind] - this.#clock.now();
  }

  /**
   * The clock timer stays armed: it fires once, finds nothing due and is not re-armed. Cancelling it here
   * would cost a cancel and a re-arm per flight of segments in bulk transfer.
   */
  clear(kind: TimerKind): void {
    this.#deadlines[kind] = Infinity;
  }

  clearAll(): void {
    this.#deadlines.fill(Infinity);
    this.#handle?.cancel();
    this.#handle = null;
    this.#onTimer = null;
  }

  #arm(at: number): void {
    this.#handle?.cancel();
    this.#deadlines[ARMED_AT] = at;
    this.#onTimer ??= () => this.#run();
    this.#handle = this.#clock.schedule(Math.max(0, at - this.#clock.now()), this.#onTimer);
  }

  #run(): void {
    this.#handle = null;
    this.#deadlines[ARMED_AT] = Infinity;
    const now = this.#clock.now();
    const deadlines = this.#deadlines;
    for (let k = 0; k < KINDS; k++) {
      if (deadlines[k] <= now) {
        deadlines[k] = Infinity;
        this.#owner.onTimer(k as TimerKind);
      }
    }
    this.#rearm();
    // Nothing left to wait for: the callback goes too, until a deadline is set again.
    if (this.#handle === null) this.#onTimer = null;
  }

  #rearm(): void {
    let earliest = Infinity;
    for (let k = 0; k < KINDS; k++) if (this.#deadlines[k] < earliest) earliest = this.#deadlines[k];
    if (earliest === Infinity) return;
    if (earliest < this.#deadlines[ARMED_AT]) this.#arm(earliest);
  }
}
