import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type QueuedDeadline, TimerQueue } from "../../src/clock/timer-queue.js";
import { VirtualClock } from "../../src/clock/virtual-clock.js";

/** An owner that records when it came due, and can set its next deadline from the callback. */
function owner(name: string, log: [string, number][], clock: VirtualClock, then?: (o: QueuedDeadline) => void) {
  const o: QueuedDeadline = {
    queueIndex: -1,
    deadlinePassed() {
      log.push([name, clock.now()]);
      then?.(o);
    },
  };
  return o;
}

describe("TimerQueue", () => {
  it("passes deadlines in time order, equal ones in the order they were set, on one clock timer", () => {
    const clock = new VirtualClock(1000);
    const queue = new TimerQueue(clock);
    const log: [string, number][] = [];
    const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => owner(n, log, clock));
    queue.set(a, 1300);
    queue.set(b, 1100);
    queue.set(c, 1300);
    queue.set(d, 1200);
    expect(clock.pending).toBe(1);
    clock.advance(1000);
    expect(log).toEqual([
      ["b", 1100],
      ["d", 1200],
      ["a", 1300],
      ["c", 1300],
    ]);
    expect(queue.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it("moves a deadline earlier or later, and a removed one never passes", () => {
    const clock = new VirtualClock(0);
    const queue = new TimerQueue(clock);
    const log: [string, number][] = [];
    const [a, b, c] = ["a", "b", "c"].map((n) => owner(n, log, clock));
    queue.set(a, 500);
    queue.set(b, 600);
    queue.set(c, 700);
    queue.set(c, 50); // earlier: the clock timer moves with it
    queue.set(a, 900); // later: the clock timer fires early and waits again
    queue.remove(b);
    queue.remove(b); // not queued any more: nothing
    clock.advance(1000);
    expect(log).toEqual([
      ["c", 50],
      ["a", 900],
    ]);
    expect(b.queueIndex).toBe(-1);
    expect(clock.pending).toBe(0);
  });

  it("removing the last deadline cancels the clock timer", () => {
    const clock = new VirtualClock(0);
    const queue = new TimerQueue(clock);
    const a = owner("a", [], clock);
    queue.set(a, 100);
    expect(clock.pending).toBe(1);
    queue.remove(a);
    expect(clock.pending).toBe(0);
  });

  it("a deadline set at once by an owner as it passes waits for the next clock timer, not this loop", () => {
    const clock = new VirtualClock(0);
    const queue = new TimerQueue(clock);
    const log: [string, number][] = [];
    let again = 3;
    const a = owner("a", log, clock, (o) => {
      if (again-- > 0) queue.set(o, clock.now());
    });
    queue.set(a, 10);
    clock.advance(10);
    // Each pass queued the next at the same time; each ran on its own clock timer, all at 10 ms.
    expect(log).toEqual([
      ["a", 10],
      ["a", 10],
      ["a", 10],
      ["a", 10],
    ]);
  });

  it("an owner that throws leaves the other deadlines armed", () => {
    const clock = new VirtualClock(0);
    const queue = new TimerQueue(clock);
    const log: [string, number][] = [];
    const bad: QueuedDeadline = {
      queueIndex: -1,
      deadlinePassed() {
        throw new Error("owner failed");
      },
    };
    const b = owner("b", log, clock);
    queue.set(bad, 10);
    queue.set(b, 20);
    expect(() => clock.advance(10)).toThrow("owner failed");
    clock.advance(100);
    expect(log).toEqual([["b", 20]]);
  });

  it("agrees with a sorted list under any sequence of sets and removals", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: -1, max: 400 })), { maxLength: 120 }),
        (ops) => {
          const clock = new VirtualClock(0);
          const queue = new TimerQueue(clock);
          const log: [string, number][] = [];
          const owners = Array.from({ length: 8 }, (_, i) => owner(String(i), log, clock));
          // The model: each owner's deadline and when it was set (the tie-break).
          const model = new Map<number, [number, number]>();
          ops.forEach(([who, at], step) => {
            if (at < 0) {
              queue.remove(owners[who]);
              model.delete(who);
            } else {
              queue.set(owners[who], at);
              model.set(who, [at, step]);
            }
          });
          clock.advance(1000);
          const expected = [...model]
            .sort(([, x], [, y]) => x[0] - y[0] || x[1] - y[1])
            .map(([who, [at]]): [string, number] => [String(who), at]);
          expect(log).toEqual(expected);
          expect(queue.size).toBe(0);
        },
      ),
    );
  });
});
