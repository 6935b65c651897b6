import { describe, expect, it } from "vitest";
import { FrameRate } from "../../src/link/frame-rate.js";

describe("FrameRate", () => {
  it("passes a burst of one second's frames, then the rate, on its clock", () => {
    let now = 1000;
    const rate = new FrameRate(10, () => now);
    const burst = Array.from({ length: 12 }, () => rate.take());
    expect(burst.filter(Boolean).length).toBe(10);
    expect(burst.slice(10)).toEqual([false, false]);
    now += 250; // 2.5 frames' worth
    expect([rate.take(), rate.take(), rate.take()]).toEqual([true, true, false]);
    now += 60_000; // a long idle fills the bucket to one second's worth, not more
    expect(Array.from({ length: 11 }, () => rate.take()).filter(Boolean).length).toBe(10);
  });
});
