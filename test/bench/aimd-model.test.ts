import { describe, expect, it } from "vitest";
import { aimdModel } from "../../bench/src/aimd-model.js";
import { mathisBound } from "../../bench/src/mathis.js";

const base = { mss: 1448, rttMs: 50, seed: 1 } as const;

describe("aimdModel", () => {
  it("Reno under 1% Bernoulli loss lands on the Mathis bound it idealizes", () => {
    const r = aimdModel({ ...base, algorithm: "reno", loss: 0.01, rounds: 100_000 });
    expect(r.vsMathis).toBeGreaterThan(0.95);
    expect(r.vsMathis).toBeLessThan(1.05);
    // sqrt(3/2)/sqrt(p) = 12.2 segments per RTT on average.
    expect(r.meanWindow).toBeGreaterThan(11.5);
    expect(r.meanWindow).toBeLessThan(13.5);
    expect(r.goodputBps).toBeCloseTo(r.vsMathis * mathisBound(1448, 50, 0.01), 3);
  });

  it("CUBIC (beta 0.7, Reno-friendly alpha) gains a few percent on Reno at 1%, far from 1.2x", () => {
    const reno = aimdModel({ ...base, algorithm: "reno", loss: 0.01, rounds: 100_000 });
    const cubic = aimdModel({ ...base, algorithm: "cubic", loss: 0.01, rounds: 100_000 });
    expect(cubic.vsMathis).toBeGreaterThan(reno.vsMathis);
    expect(cubic.vsMathis).toBeLessThan(1.12);
    // beta 0.7 cuts less, alpha 0.53 grows slower: about as many cuts per round as Reno, not half as many.
    expect(cubic.cutsPerRound).toBeGreaterThan(0.9 * reno.cutsPerRound);
  });

  it("grows Reno one segment per round by byte counting while nothing is lost", () => {
    // p = 1e-12: no loss in 100 rounds. A whole window acknowledged adds one segment: 10, 11, ..., 109.
    const r = aimdModel({ ...base, algorithm: "reno", loss: 1e-12, rounds: 100, warmupRounds: 0, initialWindow: 10 });
    expect(r.cutsPerRound).toBe(0);
    expect(r.meanWindow).toBe(59.5);
    expect(r.goodputBps).toBe((59.5 * 100 * 1448 * 8) / 5);
  });

  it("cuts once per window: at 5% loss the losses of one window (and of the data sent before they are found) are one cut", () => {
    const p = 0.05;
    const r = aimdModel({ ...base, algorithm: "reno", loss: p, rounds: 20_000 });
    const deliveredPerRound = (r.goodputBps * (base.rttMs / 1000)) / (8 * base.mss);
    const lostPerRound = (deliveredPerRound / (1 - p)) * p;
    // About 0.26 segments lost per round, under 0.2 cuts: a quarter of the losses share a cut.
    expect(r.cutsPerRound).toBeLessThan(0.8 * lostPerRound);
    expect(r.cutsPerRound).toBeGreaterThan(0.5 * lostPerRound);
  });

  it("is deterministic per seed and differs across seeds", () => {
    const a = aimdModel({ ...base, algorithm: "cubic", loss: 0.01, rounds: 5_000 });
    const b = aimdModel({ ...base, algorithm: "cubic", loss: 0.01, rounds: 5_000 });
    const c = aimdModel({ ...base, algorithm: "cubic", loss: 0.01, rounds: 5_000, seed: 2 });
    expect(a).toEqual(b);
    expect(c.goodputBps).not.toBe(a.goodputBps);
  });

  it("refuses a loss rate outside (0, 1), non-positive sizes and a bad round count", () => {
    expect(() => aimdModel({ ...base, algorithm: "reno", loss: 0, rounds: 10 })).toThrow(RangeError);
    expect(() => aimdModel({ ...base, algorithm: "reno", loss: 1, rounds: 10 })).toThrow(RangeError);
    expect(() => aimdModel({ ...base, mss: 0, algorithm: "reno", loss: 0.01, rounds: 10 })).toThrow(RangeError);
    expect(() => aimdModel({ ...base, algorithm: "reno", loss: 0.01, rounds: 0 })).toThrow(RangeError);
  });
});
