import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidTimestampError } from "../../src/pcap/index.js";
import { nanosHiLo, splitTime } from "../../src/pcap/timestamp.js";

describe("clock milliseconds to capture time", () => {
  it("recovers every nanosecond a double in milliseconds can hold", () => {
    // Below 2^33 ms (about 100 days) a double's ms still has sub-nanosecond precision.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 33n * 1_000_000n }), (ns) => {
        const ms = Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
        const t = splitTime(ms);
        expect(BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos)).toBe(ns);
      }),
      { numRuns: 2000 },
    );
  });

  it("splits into whole seconds and nanoseconds below one second", () => {
    expect(splitTime(0)).toEqual({ seconds: 0, nanos: 0 });
    expect(splitTime(0.001)).toEqual({ seconds: 0, nanos: 1000 });
    expect(splitTime(999.9999999)).toEqual({ seconds: 1, nanos: 0 }); // rounds up into the next second
    expect(splitTime(1_763_700_000_123.25)).toEqual({ seconds: 1_763_700_000, nanos: 123_250_000 });
  });

  it("rejects times no capture format can hold with a typed error", () => {
    for (const bad of [-0.5, -1000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => splitTime(bad)).toThrow(InvalidTimestampError);
    }
  });

  it("forms pcapng's 64-bit nanosecond count exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        const { hi, lo } = nanosHiLo({ seconds, nanos });
        const exact = BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
        expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(exact);
        expect(lo).toBeLessThan(2 ** 32);
      }),
      { numRuns: 2000 },
    );
    expect(() => nanosHiLo({ seconds: 2 ** 35, nanos: 0 })).toThrow(InvalidTimestampError);
  });
});
