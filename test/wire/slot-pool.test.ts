import { describe, expect, it } from "vitest";
import { SlotPool } from "../../src/wire/slot-pool.js";

describe("slot pool: grows a chunk at a time up to its maximum, refuses (counted) beyond it", () => {
  it("starts with one chunk, grows by a chunk only when all are taken, and never past the maximum", () => {
    const pool = new SlotPool(1000, 100, 10, 4);
    expect([pool.capacity, pool.free, pool.max]).toEqual([4, 4, 10]);
    const taken = Array.from({ length: 10 }, () => pool.take());
    // Distinct slots, lowest first, each a slot's width apart from the base.
    expect(taken).toEqual([1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900]);
    expect([pool.capacity, pool.growths, pool.refused]).toEqual([10, 2, 0]); // 4 + 4 + the last 2
    expect(pool.take()).toBe(-1);
    expect(pool.take()).toBe(-1);
    expect(pool.refused).toBe(2);
    expect(pool.release(1500)).toBe(true);
    expect(pool.take()).toBe(1500);
    for (const a of taken) pool.release(a);
    expect([pool.free, pool.capacity]).toEqual([10, 10]);
  });

  it("a lowered maximum stops growth (never below the slots it has); addresses past its slots are not its own", () => {
    const pool = new SlotPool(0, 64, 100, 8);
    pool.max = 3; // below the first chunk: it keeps its 8
    expect(pool.max).toBe(8);
    for (let i = 0; i < 8; i++) expect(pool.take()).toBeGreaterThanOrEqual(0);
    expect(pool.take()).toBe(-1);
    expect(pool.refused).toBe(1);
    pool.max = 1000; // at most what is reserved
    expect(pool.max).toBe(100);
    expect(pool.take()).toBe(8 * 64);
    expect(pool.capacity).toBe(16);
    expect(pool.offsetIn(16 * 64 + 5)).toBe(-1); // reserved, but not yet a slot
    expect(pool.release(16 * 64)).toBe(false);
    expect(pool.offsetIn(8 * 64 + 5)).toBe(5);
    expect(() => {
      pool.max = 0;
    }).toThrow(RangeError);
  });

  it("a slot released twice is freed once", () => {
    const pool = new SlotPool(0, 64, 4, 4);
    const a = pool.take();
    pool.release(a);
    pool.release(a);
    expect(pool.free).toBe(4);
  });
});
