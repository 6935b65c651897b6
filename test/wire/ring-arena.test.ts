import { describe, expect, it } from "vitest";
import { giveRing, ringArenaCounters, takeRing } from "../../src/wire/ring-arena.js";
import { LinearView, RINGS, RINGS_SIZE } from "../../src/wire/wasm.js";

describe("ring arena", () => {
  it("hands out rings of the size asked for in linear memory, and the same block again once given back", () => {
    const a = takeRing(5000)!;
    expect(a).toBeInstanceOf(LinearView);
    expect(a.length).toBe(5000);
    const address = (a as LinearView).address;
    expect(address).toBeGreaterThanOrEqual(RINGS);
    const b = takeRing(8192)! as LinearView;
    // 5000 bytes take an 8 KiB block: the next one starts past it, and they never overlap.
    expect(b.address).toBe(address + 8192);
    giveRing(a);
    giveRing(a); // a second give must not put the block on the free list twice
    const c = takeRing(6000)! as LinearView;
    expect(c.address).toBe(address);
    expect((takeRing(8192) as LinearView).address).not.toBe(address);
    giveRing(new Uint8Array(8192)); // not one of its rings: ignored
    giveRing(b);
    giveRing(c);
  });

  it("splits a larger free block before carving fresh pages, and never hands out one byte twice", () => {
    const big = takeRing(1 << 20)! as LinearView;
    giveRing(big);
    const touched = ringArenaCounters().touched;
    const quarters = [0, 1, 2, 3].map(() => takeRing(200_000)! as LinearView); // 256 KiB blocks
    // All four come out of the 1 MiB block given back, each at its own 256 KiB, with nothing newly carved.
    expect(quarters.map((q) => q.address - big.address).sort((x, y) => x - y)).toEqual(
      [0, 1, 2, 3].map((i) => i << 18),
    );
    expect(ringArenaCounters().touched).toBe(touched);
    quarters.forEach((q, i) => q.fill(i + 1));
    quarters.forEach((q, i) => expect(q.every((x) => x === i + 1)).toBe(true));
    // The split block is gone as a whole: the next 1 MiB ring is carved elsewhere.
    const next = takeRing(1 << 20)! as LinearView;
    expect(next.address).not.toBe(big.address);
    expect(ringArenaCounters().touched).toBe(touched + (1 << 20));
    for (const q of quarters) giveRing(q);
    giveRing(next);
  });

  it("returns null once the region has no block of the size, and has again when one comes back", () => {
    const held: Uint8Array[] = [];
    const before = ringArenaCounters().fallbacks;
    for (let r = takeRing(1 << 20); r !== null; r = takeRing(1 << 20)) held.push(r);
    // The refusal is counted, and the region was carved to its end, no further.
    expect(ringArenaCounters().fallbacks).toBe(before + 1);
    expect(ringArenaCounters().touched).toBeLessThanOrEqual(RINGS_SIZE);
    expect(ringArenaCounters().touched).toBeGreaterThan(RINGS_SIZE - (1 << 20));
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThanOrEqual(RINGS_SIZE >> 20);
    const end = Math.max(...held.map((r) => (r as LinearView).address + r.length));
    expect(end).toBeLessThanOrEqual(RINGS + RINGS_SIZE);
    giveRing(held[3]);
    expect((takeRing(1 << 20) as LinearView).address).toBe((held[3] as LinearView).address);
  });
});
