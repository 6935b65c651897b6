import type { QueuedDeadline, TimerQueue } from "../clock/timer-queue.js";

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
 * The connection's deadlines, with one place in the stack's timer queue (clock/timer-queue.ts) for the
 * earliest. Setting a deadline is a store; the queue entry only moves when a deadline moves earlier, so
 * restarting the RTO on every ACK costs nothing. An entry that comes due early (its deadline moved later)
 * just takes its place again for the new earliest.
 *
 * Memory (an idle connection holds this for as long as it lives): the deadlines are a plain array (a
 * Float64Array and its ArrayBuffer cost 184 bytes), the owner is called as an object (no closure per
 * connection), and the queue holds the connection only while its entry is queued (clearAll takes it off).
 */
export class ConnectionTimers implements QueuedDeadline {
  readonly #queue: TimerQueue;
  readonly #owner: TimerOwner;
  /** The deadlines by kind, then (at ARMED_AT) when the queue entry comes due: a double array, no boxed numbers. */
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
  queueIndex = -1;

  constructor(queue: TimerQueue, owner: TimerOwner) {
    this.#queue = queue;
    this.#owner = owner;
  }

  set(kind: TimerKind, delayMs: number): void {
    const at = this.#queue.clock.now() + delayMs;
    this.#deadlines[kind] = at;
    if (at < this.#deadlines[ARMED_AT]) this.#arm(at);
  }

  /** Set only if not already running. */
  ensure(kind: TimerKind, delayMs: number): void {
    if (this.#deadlines[kind] === Infinity) this.set(kind, delayMs);
  }

  /** Milliseconds until `kind` fires (Infinity when it is not set). */
  remaining(kind: TimerKind): number {
    return this.#deadlines[kind] - this.#queue.clock.now();
  }

  /**
   * The queue entry stays: it comes due once, finds nothing due and is not queued again. Taking it off
   * here would cost a removal and a new entry per flight of segments in bulk transfer.
   */
  clear(kind: TimerKind): void {
    this.#deadlines[kind] = Infinity;
  }

  clearAll(): void {
    this.#deadlines.fill(Infinity);
    this.#queue.remove(this);
  }

  #arm(at: number): void {
    this.#deadlines[ARMED_AT] = at;
    this.#queue.set(this, at);
  }

  deadlinePassed(): void {
    this.#deadlines[ARMED_AT] = Infinity;
    const now = this.#queue.clock.now();
    const deadlines = this.#deadlines;
    for (let k = 0; k < KINDS; k++) {
      if (deadlines[k] <= now) {
        deadlines[k] = Infinity;
        this.#owner.onTimer(k as TimerKind);
      }
    }
    this.#rearm();
  }

  #rearm(): void {
    let earliest = Infinity;
    for (let k = 0; k < KINDS; k++) if (this.#deadlines[k] < earliest) earliest = this.#deadlines[k];
    if (earliest === Infinity) return;
    if (earliest < this.#deadlines[ARMED_AT]) this.#arm(earliest);
  }
}
