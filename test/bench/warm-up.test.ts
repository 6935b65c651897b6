import { describe, expect, it } from "vitest";
import { warmUntilSteady } from "../../bench/src/warm-up.js";

/** A run whose rates come from a list, in order. */
const runs = (rates: number[]) => {
  let i = 0;
  return async () => rates[i++];
};

describe("warmUntilSteady", () => {
  it("keeps warming while the rate climbs and stops at the first two runs in a row that agree", async () => {
    const w = await warmUntilSteady(runs([1.8, 2.2, 3.3, 4.6, 5.3, 5.4, 5.5, 5.5]), { min: 3, max: 8, within: 0.1 });
    expect(w).toEqual({ rates: [1.8, 2.2, 3.3, 4.6, 5.3, 5.4], steady: true });
  });

  it("does not count agreement before the minimum number of runs", async () => {
    const w = await warmUntilSteady(runs([2.0, 2.05, 4.0, 5.0, 5.1]), { min: 3, max: 8, within: 0.1 });
    expect(w.rates).toEqual([2.0, 2.05, 4.0, 5.0, 5.1]);
    expect(w.steady).toBe(true);
  });

  it("stops at the cap and says the rate was not steady", async () => {
    const w = await warmUntilSteady(runs([1, 2, 4, 8, 16]), { min: 2, max: 4, within: 0.1 });
    expect(w).toEqual({ rates: [1, 2, 4, 8], steady: false });
  });
});
