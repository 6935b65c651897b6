import type { Clock, Timer } from "./clock.js";

interface Entry {
  at: number;
  seq: number;
  fn: (() => void) | null;
}

/**
 * A clock that moves only when a test moves it. Timers fire in (time, scheduling order), so the same
 * sequence of calls gives the same sequence of events: the basis of reproducible simulations.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #heap: Entry[] = [];
  #live = 0;

  constructor(start = 0) {
    this.#now = start;
  }

  /** The virtual time in milliseconds; it moves only when `runUntil` and friends move it. */
  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, fn: () => void): Timer {
    const entry: Entry = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#push(entry);
    this.#live++;
    return {
      cancel: () => {
        if (entry.fn !== null) {
          entry.fn = null;
          this.#live--;
        }
      },
    };
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get pending(): number {
    return this.#live;
  }

  /** Time of the next live timer, or undefined when none is pending. */
  nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Fire every timer due up to `now + ms`, in order, then set the time to `now + ms`. */
  advance(ms: number): void {
    this.runUntil(this.#now + ms);
  }

  /** Run every timer due at or before `time`, in order, and set the clock to `time`. */
  runUntil(time: number): void {
    for (;;) {
      this.#dropCancelled();
      const top = this.#heap[0];
      if (top === undefined || top.at > time) break;
      this.#fireTop();
    }
    if (time > this.#now) this.#now = time;
  }

  /**
   * Fire timers in order until none is left or `limitMs` of virtual time has passed (a guard against a
   * connection that re-arms a timer forever). Returns true when the queue drained.
   */
  runUntilIdle(limitMs = 24 * 3600 * 1000): boolean {
    const deadline = this.#now + limitMs;
    for (;;) {
      this.#dropCancelled();
      const top = this.#heap[0];
      if (top === undefined) return true;
      if (top.at > deadline) {
        this.#now = deadline;
        return false;
      }
      this.#fireTop();
    }
  }

  /** Fire timers until `done()` is true, or fail after `limitMs` of virtual time. */
  runUntilCondition(done: () => boolean, limitMs = 24 * 3600 * 1000): boolean {
    const deadline = this.#now + limitMs;
    while (!done()) {
      this.#dropCancelled();
      const top = this.#heap[0];
      if (top === undefined || top.at > deadline) return done();
      this.#fireTop();
    }
    return true;
  }

  #fireTop(): void {
    const top = this.#pop();
    if (top.at > this.#now) this.#now = top.at;
    const fn = top.fn;
    top.fn = null;
    this.#live--;
    fn?.();
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && this.#heap[0].fn === null) this.#pop();
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  #pop(): Entry {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l], h[m])) m = l;
        if (r < h.length && this.#less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
