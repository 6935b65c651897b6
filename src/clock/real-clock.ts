import type { Clock, Timer } from "./clock.js";
import { references } from "./stable-arrays.js";

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
  // Holding references from the start (stable-arrays.ts): each clock makes its own two. Their lengths
  // only grow (a count says how many are queued): `length = 0` would drop V8's backing store, and the
  // next push allocate one again, 150 bytes per flush, two flushes per 1-byte round trip.
  #soon = references<SoonTimer | null>();
  #spare = references<SoonTimer | null>();
  #soonCount = 0;
  #soonArmed = false;
  /** The armed flush is a microtask (it runs in this checkpoint), not a macrotask. */
  #soonQueued = false;
  /** A flush is running: it drops the turn's time when it ends. */
  #flushing = false;
  /** Flushes run as microtasks since the last one that ran as a macrotask. */
  #chained = 0;
  /** This turn's time, or -Infinity when it has not been read yet (a double either way: one field shape). */
  #turnTime = Number.NEGATIVE_INFINITY;
  readonly #endTurn = (): void => {
    this.#turnTime = Number.NEGATIVE_INFINITY;
  };

  /** Unix time in milliseconds, held for the current turn (see the class comment). */
  now(): number {
    let t = this.#turnTime;
    if (t < 0) {
      t = this.#turnTime = this.#origin + performance.now();
      // A flush ends the turn it runs in, and one already queued as a microtask starts a new one: either
      // way this reading is dropped by then with no job of its own (two fewer per 1-byte round trip).
      if (!this.#flushing && !this.#soonQueued) microtask(this.#endTurn);
    }
    return t;
  }

  schedule(delayMs: number, fn: () => void): Timer {
    if (delayMs <= 0) {
      const timer = new SoonTimer(fn);
      this.#soon[this.#soonCount++] = timer;
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
      this.#soonQueued = true;
      microtask(this.#runSoon);
    } else {
      macrotask(this.#runSoonAfterTurn);
    }
  }

  readonly #runSoon = (): void => {
    this.#soonArmed = false;
    this.#soonQueued = false;
    // The flush is a turn of its own: it reads the time afresh and holds it until it ends.
    this.#turnTime = Number.NEGATIVE_INFINITY;
    this.#flushing = true;
    const queue = this.#soon;
    const n = this.#soonCount;
    this.#soon = this.#spare;
    this.#soonCount = 0;
    this.#spare = queue;
    let i = 0;
    try {
      while (i < n) {
        const timer = queue[i] as SoonTimer;
        queue[i++] = null;
        timer.run();
      }
    } finally {
      // A callback threw: the rest of this flush still runs, in the next one (one connection's failure
      // must not lose other connections' work), and no slot here keeps a callback.
      if (i < n) {
        while (i < n) {
          this.#soon[this.#soonCount++] = queue[i];
          queue[i++] = null;
        }
        this.#armSoon();
      }
      this.#flushing = false;
      this.#turnTime = Number.NEGATIVE_INFINITY;
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
