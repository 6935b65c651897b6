/**
 * Time for everything above the wire: timers of the TCP engine, link delays, capture timestamps.
 *
 * `now()` is milliseconds (fractional allowed) on the clock's own timeline. The real clock's timeline is
 * Unix time, so captures carry wall-clock timestamps; a virtual clock starts where its creator says.
 */
export interface Clock {
  /** Milliseconds on this clock's timeline (fractional allowed). */
  now(): number;
  /** Run `fn` once `delayMs` from now (0 = as soon as the current work is done). Returns a cancel handle. */
  schedule(delayMs: number, fn: () => void): Timer;
}

/** What `Clock.schedule` returns. */
export interface Timer {
  /** The callback will not run (no effect once it has). */
  cancel(): void;
}
