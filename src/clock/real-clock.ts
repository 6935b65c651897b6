import type { Clock, Timer } from "./clock.js";

/**
 * Wall-clock time from `performance` (monotonic, sub-millisecond) anchored to Unix time.
 * Zero-delay work is batched into one flush, so a burst of packets costs one, not one `setTimeout` each.
 * A flush runs as a microtask, up to SOON_CHAIN of them in a row, then as a macrotask: work that answers
 * work (a request and its reply between two stacks in one process) goes on without a turn of the event
 * loop for each (a `setImmediate` hop costs about 1.3 us of CPU, a 1-byte round trip's two of them a
 * fifth of its time), and I/O still gets a turn at least every SOON_CHAIN flushes, which a plain
 * microtask loop would starve.
 *
 * `now()` is the time of the current turn, as libuv's loop time is: read once, then held until the
 * running code and its microtasks end. A burst of segments asks for the time dozens of times per packet
 * (timers, timestamps, RTT), and each `performance.now()` costs about 55 ns; within one turn they would
 * differ by microseconds, which no timer or TCP timestamp (1 ms ticks) can tell apart.
 */
export class RealClock implements Clock {
  readonly #origin = performance.timeOrigin;
  /** Zero-delay work for the next flush; the flush runs it from the other array, and the two swap. */
  #soon: SoonTimer[] = [];
  #spare: SoonTimer[] = [];
  #soonArmed = false;
  /** Flushes run as microtasks since the last one that ran as a macrotask. */
  #chained = 0;
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
      microtask(this.#endTurn);
    }
    return t;
  }

  schedule(delayMs: number, fn: () => void): Timer {
    if (delayMs <= 0) {
      const timer = new SoonTimer(fn);
      this.#soon.push(timer);
      this.#armSoon();
      return timer;
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
    if (this.#chained < SOON_CHAIN) {
      this.#chained++;
      microtask(this.#runSoon);
    } else {
      macrotask(this.#runSoonAfterTurn);
    }
  }

  readonly #runSoon = (): void => {
    this.#soonArmed = false;
    const queue = this.#soon;
    this.#soon = this.#spare;
    try {
      for (let i = 0; i < queue.length; i++) queue[i].run();
    } finally {
      queue.length = 0;
      this.#spare = queue;
    }
  };

  readonly #runSoonAfterTurn = (): void => {
    this.#chained = 0;
    this.#runSoon();
  };
}

/**
 * Microtask flushes in a row before one waits for a turn of the event loop. A count, not a clock read:
 * a chain ended early (nothing more to do) leaves its count, which only brings the next macrotask closer.
 */
const SOON_CHAIN = 32;

/** One zero-delay callback: the handle cancel() clears, one object where a closure would be two. */
class SoonTimer implements Timer {
  #fn: (() => void) | null;

  constructor(fn: () => void) {
    this.#fn = fn;
  }

  cancel(): void {
    this.#fn = null;
  }

  run(): void {
    const fn = this.#fn;
    if (fn === null) return;
    this.#fn = null;
    fn();
  }
}

const settled = Promise.resolve();

/**
 * A resolved promise's `then`, not `queueMicrotask`: Node wraps each queueMicrotask callback in an
 * AsyncResource, 4% of a 1-byte round trip's time, twice per turn here; a reaction job carries none.
 */
function microtask(fn: () => void): void {
  void settled.then(fn);
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
