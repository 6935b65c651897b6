import type { Clock, Timer } from "./clock.js";
import { references } from "./stable-arrays.js";

/**
 * Wall-clock time from `performance` (monotonic, sub-millisecond) anchored to Unix time.
 * Zero-delay work is batched into one macrotask turn, so a burst of packets costs one task, not one
 * `setTimeout` each, and I/O is never starved the way a microtask loop would starve it.
 *
 * `now()` is the time of the current turn, as libuv's loop time is: read once, then held until the
 * running code and its microtasks end. A burst of segments asks for the time dozens of times per packet
 * (timers, timestamps, RTT), and each `performance.now()` costs about 55 ns; within one turn they would
 * differ by microseconds, which no timer or TCP timestamp (1 ms ticks) can tell apart.
 */
export class RealClock implements Clock {
  readonly #origin = performance.timeOrigin;
  // A new queue each turn: made holding references from the start (stable-arrays.ts).
  #soon = references<(() => void) | null>();
  #soonArmed = false;
  /** This turn's time, or -1 when it has not been read yet. */
  #turnTime = -1;
  readonly #endTurn = (): void => {
    this.#turnTime = -1;
  };

  /** Unix time in milliseconds, held for the current turn (see the class comment). */
  now(): number {
    let t = this.#turnTime;
    if (t < 0) {
      t = this.#turnTime = this.#origin + performance.now();
      queueMicrotask(this.#endTurn);
    }
    return t;
  }

  schedule(delayMs: number, fn: () => void): Timer {
    if (delayMs <= 0) {
      const index = this.#soon.length;
      const queue = this.#soon;
      queue.push(fn);
      this.#armSoon();
      return { cancel: () => void (queue[index] = null) };
    }
    const handle = setTimeout(fn, delayMs);
    // Engine and link timers only housekeep: what holds a Node process is what the user waits for
    // (src/api/loop-hold.ts). Browsers return a number, which has no unref.
    if (typeof handle === "object") handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }

  #armSoon(): void {
    if (this.#soonArmed) return;
    this.#soonArmed = true;
    macrotask(() => {
      this.#soonArmed = false;
      const queue = this.#soon;
      this.#soon = references();
      for (const fn of queue) fn?.();
    });
  }
}

const macrotask: (fn: () => void) => void =
  typeof setImmediate === "function"
    ? (fn) => void setImmediate(fn)
    : (() => {
        // Browsers: a MessageChannel post runs as a task without setTimeout's 4 ms clamp.
        const channel = new MessageChannel();
        const waiting: Array<() => void> = [];
        channel.port1.onmessage = () => waiting.shift()?.();
        return (fn: () => void) => {
          waiting.push(fn);
          channel.port2.postMessage(0);
        };
      })();
