import type { Clock, Timer } from "./clock.js";

/**
 * Wall-clock time from `performance` (monotonic, sub-millisecond) anchored to Unix time.
 * Zero-delay work is batched into one macrotask turn, so a burst of packets costs one task, not one
 * `setTimeout` each, and I/O is never starved the way a microtask loop would starve it.
 */
export class RealClock implements Clock {
  readonly #origin = performance.timeOrigin;
  #soon: Array<(() => void) | null> = [];
  #soonArmed = false;

  now(): number {
    return this.#origin + performance.now();
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
    return { cancel: () => clearTimeout(handle) };
  }

  #armSoon(): void {
    if (this.#soonArmed) return;
    this.#soonArmed = true;
    macrotask(() => {
      this.#soonArmed = false;
      const queue = this.#soon;
      this.#soon = [];
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
