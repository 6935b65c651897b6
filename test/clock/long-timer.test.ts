import { describe, expect, it } from "vitest";
import type { Timer } from "../../src/clock/clock.js";
import { LONGEST_TIMER_MS, scheduleLong } from "../../src/clock/long-timer.js";
import { VirtualClock } from "../../src/clock/virtual-clock.js";

/** A virtual clock that records every delay it is asked for, as setTimeout would have to hold it. */
function recordingClock(): { clock: VirtualClock; delays: number[] } {
  const clock = new VirtualClock(0);
  const delays: number[] = [];
  const schedule = clock.schedule.bind(clock);
  clock.schedule = (delayMs: number, fn: () => void): Timer => {
    delays.push(delayMs);
    return schedule(delayMs, fn);
  };
  return { clock, delays };
}

describe("scheduleLong: delays past setTimeout's 2^31 - 1 ms", () => {
  it("an ND lifetime of 2^32 - 2 s fires at exactly that time, every step one a platform timer holds", () => {
    const { clock, delays } = recordingClock();
    const delay = (2 ** 32 - 2) * 1000;
    let firedAt = -1;
    scheduleLong(clock, delay, () => {
      firedAt = clock.now();
    });
    clock.runUntil(delay - 1);
    expect(firedAt).toBe(-1);
    clock.runUntil(delay);
    expect(firedAt).toBe(delay);
    expect(Math.max(...delays)).toBeLessThanOrEqual(LONGEST_TIMER_MS);
    expect(delays.length).toBe(Math.ceil(delay / LONGEST_TIMER_MS));
  });

  it("a short delay is one timer; cancelling between steps stops it; Infinity schedules nothing", () => {
    const { clock, delays } = recordingClock();
    let fired = 0;
    scheduleLong(clock, 1500, () => fired++);
    expect(delays).toEqual([1500]);
    const long = scheduleLong(clock, 3 * LONGEST_TIMER_MS, () => fired++);
    clock.runUntil(LONGEST_TIMER_MS + 1);
    long.cancel();
    scheduleLong(clock, Number.POSITIVE_INFINITY, () => fired++);
    clock.runUntil(10 * LONGEST_TIMER_MS);
    expect(fired).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
