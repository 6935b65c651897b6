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

/**
 * One clock timer per connection, armed for the earliest deadline. Setting a deadline is a store; the clock
 * timer is only replaced when a deadline moves earlier, so restarting the RTO on every ACK costs nothing.
 * A timer that fires early (its deadline moved later) just re-arms for the new earliest one.
 */
export class ConnectionTimers {
  readonly #clock: Clock;
  readonly #fire: (kind: TimerKind) => void;
  readonly #deadlines = new Float64Array(KINDS).fill(Infinity);
  #handle: Timer | null = null;
  #armedAt = Infinity;

  constructor(clock: Clock, fire: (kind: TimerKind) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  set(kind: TimerKind, delayMs: number): void {
    const at = this.#clock.now() + delayMs;
    this.#deadlines[kind] = at;
    if (at < this.#armedAt) this.#arm(at);
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
    this.#armedAt = Infinity;
  }

  #arm(at: number): void {
    this.#handle?.cancel();
    this.#armedAt = at;
    this.#handle = this.#clock.schedule(Math.max(0, at - this.#clock.now()), this.#onTimer);
  }

  readonly #onTimer = (): void => {
    this.#handle = null;
    this.#armedAt = Infinity;
    const now = this.#clock.now();
    for (let k = 0; k < KINDS; k++) {
      if (this.#deadlines[k] <= now) {
        this.#deadlines[k] = Infinity;
        this.#fire(k as TimerKind);
      }
    }
    this.#rearm();
  };

  #rearm(): void {
    let earliest = Infinity;
    for (let k = 0; k < KINDS; k++) if (this.#deadlines[k] < earliest) earliest = this.#deadlines[k];
    if (earliest === Infinity) return;
    if (earliest < this.#armedAt) this.#arm(earliest);
  }
}
