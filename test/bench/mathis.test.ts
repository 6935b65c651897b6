import { describe, expect, it } from "vitest";
import { MATHIS_C, mathisBound } from "../../bench/src/mathis.js";

describe("mathisBound", () => {
  it("is MSS/RTT * sqrt(3/2)/sqrt(p) in bit/s", () => {
    // 1460 B every 50 ms is 233,600 bit/s; sqrt(1.5)/sqrt(0.01) = 12.247...
    expect(mathisBound(1460, 50, 0.01)).toBeCloseTo(233_600 * Math.sqrt(1.5) * 10, 3);
    expect(MATHIS_C).toBeCloseTo(1.224744871, 9);
  });

  it("halves when the loss rate quadruples and doubles when the RTT halves", () => {
    expect(mathisBound(1448, 50, 0.04) / mathisBound(1448, 50, 0.01)).toBeCloseTo(0.5, 12);
    expect(mathisBound(1448, 25, 0.01) / mathisBound(1448, 50, 0.01)).toBeCloseTo(2, 12);
  });

  it("takes another constant (sqrt(3/4) for delayed ACKs)", () => {
    expect(mathisBound(1000, 100, 0.01, Math.sqrt(0.75))).toBeCloseTo(80_000 * Math.sqrt(0.75) * 10, 3);
  });

  it("refuses a loss rate outside (0, 1] and non-positive sizes", () => {
    expect(() => mathisBound(1460, 50, 0)).toThrow(RangeError);
    expect(() => mathisBound(1460, 50, 1.5)).toThrow(RangeError);
    expect(() => mathisBound(0, 50, 0.01)).toThrow(RangeError);
    expect(() => mathisBound(1460, 0, 0.01)).toThrow(RangeError);
  });
});
