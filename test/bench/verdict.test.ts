import { describe, expect, it } from "vitest";
import type { Figure, Target } from "../../bench/src/suite.js";
import { rows, targetMet } from "../../bench/src/verdict.js";

const lwip = { name: "native lwIP", value: 8 };

describe("bench verdicts", () => {
  it("gives each figure its anchor and ratio, and null for a figure without one", () => {
    const figures: Figure[] = [
      { name: "bulk", value: 6, unit: "Gbit/s", anchor: lwip },
      { name: "alone", value: 3, unit: "x" },
    ];
    const [bulk, alone] = rows(figures, []);
    expect(bulk).toEqual({
      name: "bulk",
      value: 6,
      unit: "Gbit/s",
      anchor: 8,
      anchorName: "native lwIP",
      ratio: 0.75,
      target: null,
      met: null,
    });
    expect(alone.anchor).toBeNull();
    expect(alone.ratio).toBeNull();
  });

  it("applies a ratio target to the ratio and a value target to the value", () => {
    const f: Figure = { name: "bulk", value: 6, unit: "Gbit/s", anchor: lwip };
    const ratio: Target = { figure: "bulk", on: "ratio", atLeast: 1, what: "beat lwIP" };
    const value: Target = { figure: "bulk", atLeast: 5, what: "5 Gbit/s" };
    expect(targetMet(ratio, f)).toBe(false);
    expect(targetMet(value, f)).toBe(true);
    expect(targetMet(ratio, { ...f, value: 8 })).toBe(true);
    const [row] = rows([f], [ratio, value]);
    expect(row.met).toBe(false);
    expect(row.target).toContain("beat lwIP (ratio >= 1)");
  });

  it("misses a ratio target without an anchor and any target on a figure not measured", () => {
    const t: Target = { figure: "bulk", on: "ratio", atLeast: 1, what: "beat lwIP" };
    expect(targetMet(t, { name: "bulk", value: 100, unit: "Gbit/s" })).toBe(false);
    expect(targetMet(t, undefined)).toBe(false);
  });

  it("takes an upper bound for figures where less is better", () => {
    const t: Target = { figure: "mem", atMost: 2048, what: "idle connection <= 2 KB" };
    expect(targetMet(t, { name: "mem", value: 2900, unit: "B" })).toBe(false);
    expect(targetMet(t, { name: "mem", value: 1900, unit: "B" })).toBe(true);
  });
});
