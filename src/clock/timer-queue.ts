import type { Clock, Timer } from "./clock.js";
import { doubles, references } from "./stable-arrays.js";

/** What a TimerQueue holds: an owner of one deadline, which the queue calls back when it passes. */
export interface QueuedDeadline {
  /** Its place in the queue, -1 while not queued: written only by the queue. */
  queueIndex: number;
  /** The deadline passed; the owner is off the queue already, and may set a new one. */
  deadlinePassed(): void;
}

/**
 * Many owners' deadlines on one clock timer: a binary min-heap by (deadline, order set), so deadlines that
 * fall at the same time pass in the order they were set, as a VirtualClock's own timers do. A stack's
 * connections share one (tcp-protocol.ts), as a kernel's share its timer wheel: with a clock timer per
 * connection, every deadline moved earlier cost a `setTimeout` (a Timeout object, a cancel closure, an
 * insertion into Node's lists) and 1,000 bulk connections made 11,581 of them to move 128 MiB; here the
 * same moves are a sift in three arrays, and the clock timer is replaced only when the earliest deadline
 * of all moves earlier. A deadline moved later leaves the clock timer as it was: it fires early, finds
 * nothing due and waits again for the earliest.
 *
 * The owner is the heap's element (its index lives in it), so setting, moving and removing a deadline
 * allocate nothing and need no search. The arrays only grow; removed slots are cleared so no owner is
 * kept alive by the queue.
 */
export class TimerQueue {
  /** The clock the deadlines are read on. */
  readonly clock: Clock;
  readonly #owners = references<QueuedDeadline | null>();
  readonly #at = doubles();
  /** When each was set, in a count: the tie-break for equal deadlines. */
  readonly #order = doubles();
  #n = 0;
  #sets = 0;
  #timer: Timer | null = null;
  /** When the clock timer fires (Infinity: not armed). */
  #timerAt = Number.POSITIVE_INFINITY;
  readonly #fire = (): void => this.#run();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Deadlines queued now. */
  get size(): number {
    return this.#n;
  }

  /** Sets `owner`'s deadline to `at` (clock milliseconds), whether it was queued or not. */
  set(owner: QueuedDeadline, at: number): void {
    let i = owner.queueIndex;
    const earlier = i < 0 || at < this.#at[i];
    if (i < 0) {
      i = this.#n++;
      owner.queueIndex = i;
      this.#owners[i] = owner;
    }
    this.#at[i] = at;
    this.#order[i] = ++this.#sets;
    if (earlier) this.#up(i);
    else this.#down(i);
    this.#armFor(this.#at[0]);
  }

  /** Takes `owner`'s deadline off the queue (nothing if it has none). */
  remove(owner: QueuedDeadline): void {
    const i = owner.queueIndex;
    if (i < 0) return;
    this.#removeAt(i);
    if (this.#n === 0 && this.#timer !== null) {
      this.#timer.cancel();
      this.#timer = null;
      this.#timerAt = Number.POSITIVE_INFINITY;
    }
  }

  #removeAt(i: number): void {
    const owners = this.#owners;
    owners[i]!.queueIndex = -1;
    const last = --this.#n;
    if (i !== last) {
      this.#place(i, owners[last]!, this.#at[last], this.#order[last]);
      owners[last] = null;
      this.#down(i);
      this.#up(i);
    } else {
      owners[last] = null;
    }
  }

  #armFor(at: number): void {
    if (at >= this.#timerAt) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = this.clock.schedule(Math.max(0, at - this.clock.now()), this.#fire);
  }

  #run(): void {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    // Deadlines set while these pass wait for the next clock timer, so an owner that sets one at once
    // again cannot keep this loop going.
    const last = this.#sets;
    try {
      while (this.#n > 0 && this.#at[0] <= now && this.#order[0] <= last) {
        const owner = this.#owners[0]!;
        this.#removeAt(0);
        owner.deadlinePassed();
      }
    } finally {
      // An owner that threw must not stop the others' timers: the clock timer waits for the next one.
      if (this.#n > 0) this.#armFor(this.#at[0]);
    }
  }

  #before(i: number, j: number): boolean {
    const a = this.#at[i];
    const b = this.#at[j];
    return a < b || (a === b && this.#order[i] < this.#order[j]);
  }

  #place(i: number, owner: QueuedDeadline, at: number, order: number): void {
    this.#owners[i] = owner;
    this.#at[i] = at;
    this.#order[i] = order;
    owner.queueIndex = i;
  }

  #swap(i: number, j: number): void {
    const owner = this.#owners[i]!;
    const at = this.#at[i];
    const order = this.#order[i];
    this.#place(i, this.#owners[j]!, this.#at[j], this.#order[j]);
    this.#place(j, owner, at, order);
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.#before(r, l) ? r : l;
      if (!this.#before(child, i)) return;
      this.#swap(i, child);
      i = child;
    }
  }
}
