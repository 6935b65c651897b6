import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { TimerQueue } from "../../src/clock/timer-queue.js";
import { ConnectionTimers, TimerKind } from "../../src/tcp/timers.js";

describe("ConnectionTimers", () => {
  // Every kind has its own deadline slot before the armed-at slot: a kind added to TimerKind without a slot
  // would leave the clock timer never armed (a merge once did exactly that).
  it("fires every kind at its deadline, earliest first, and each once", () => {
    const clock = new VirtualClock();
    const fired: [TimerKind, number][] = [];
    const timers = new ConnectionTimers(new TimerQueue(clock), { onTimer: (kind) => fired.push([kind, clock.now()]) });
    const kinds = Object.values(TimerKind);
    kinds.forEach((kind, i) => timers.set(kind, 100 * (kinds.length - i)));
    clock.advance(100 * kinds.length + 1);
    expect(fired).toEqual(kinds.map((kind, i) => [kind, 100 * (kinds.length - i)]).reverse());
    clock.advance(10_000);
    expect(fired.length).toBe(kinds.length);
  });

  it("a cleared kind does not fire; a moved deadline fires at the new time", () => {
    const clock = new VirtualClock();
    const fired: TimerKind[] = [];
    const timers = new ConnectionTimers(new TimerQueue(clock), { onTimer: (kind) => fired.push(kind) });
    timers.set(TimerKind.retransmit, 50);
    timers.set(TimerKind.recovery, 20);
    timers.clear(TimerKind.recovery);
    timers.set(TimerKind.retransmit, 200);
    clock.advance(100);
    expect(fired).toEqual([]);
    clock.advance(100);
    expect(fired).toEqual([TimerKind.retransmit]);
  });
});
