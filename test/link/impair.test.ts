import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { impair, type Link, memoryLinkPair } from "../../src/link/index.js";
import { Prng } from "../../src/link/prng.js";

function numbered(n: number, size = 40): Uint8Array {
  const p = new Uint8Array(size);
  p[0] = n >> 8;
  p[1] = n & 0xff;
  return p;
}
const num = (p: Uint8Array): number => (p[0] << 8) | p[1];

/** A clean pair on a virtual clock with `wrap` applied to end a. */
function wrapped(wrap: (inner: Link, clock: VirtualClock) => Link) {
  const clock = new VirtualClock();
  const [inner, b] = memoryLinkPair({ clock });
  const a = wrap(inner, clock);
  const atA: number[] = [];
  const atB: number[] = [];
  a.onReceive = (p) => atA.push(num(p));
  b.onReceive = (p) => atB.push(num(p));
  return { clock, a, b, atA, atB };
}

describe("impair() middleware", () => {
  it("is a counted pass-through when given no impairment", () => {
    const { clock, a, b, atA, atB } = wrapped((inner, clock) => impair(inner, { clock }));
    for (let i = 0; i < 5; i++) a.send(numbered(i));
    for (let i = 0; i < 3; i++) b.send(numbered(100 + i));
    clock.runUntilIdle();
    expect(atB).toEqual([0, 1, 2, 3, 4]);
    expect(atA).toEqual([100, 101, 102]);
    const counters = (a as ReturnType<typeof impair>).counters;
    expect(counters.tx.delivered).toBe(5);
    expect(counters.rx.delivered).toBe(3);
    expect(clock.pending).toBe(0);
  });

  it("impairs only the chosen direction", () => {
    const { clock, a, b, atA, atB } = wrapped((inner, clock) =>
      impair(inner, { clock, loss: 0.5, seed: 1, direction: "tx" }),
    );
    for (let i = 0; i < 1000; i++) {
      a.send(numbered(i));
      b.send(numbered(i));
    }
    clock.runUntilIdle();
    expect(atA).toHaveLength(1000);
    expect(atB.length).toBeGreaterThan(400);
    expect(atB.length).toBeLessThan(600);
    const rxOnly = wrapped((inner, clock) => impair(inner, { clock, loss: 0.5, seed: 1, direction: "rx" }));
    for (let i = 0; i < 1000; i++) {
      rxOnly.a.send(numbered(i));
      rxOnly.b.send(numbered(i));
    }
    rxOnly.clock.runUntilIdle();
    expect(rxOnly.atB).toHaveLength(1000);
    expect(rxOnly.atA.length).toBeGreaterThan(400);
    expect(rxOnly.atA.length).toBeLessThan(600);
  });

  it("adds delay in both directions by default", () => {
    const { clock, a, b, atA, atB } = wrapped((inner, clock) => impair(inner, { clock, delay: 30 }));
    a.send(numbered(1));
    b.send(numbered(2));
    clock.advance(29);
    expect([atA, atB]).toEqual([[], []]);
    clock.advance(1);
    expect([atA, atB]).toEqual([[2], [1]]);
  });

  it("lowers the MTU in both directions, never raises it", () => {
    const { clock, a, b, atA, atB } = wrapped((inner, clock) => impair(inner, { clock, mtu: 576 }));
    expect(a.mtu).toBe(576);
    a.send(numbered(1, 600));
    b.send(numbered(2, 600));
    b.send(numbered(3, 576));
    clock.runUntilIdle();
    expect(atB).toEqual([]);
    expect(atA).toEqual([3]);
    const raised = wrapped((inner, clock) => impair(inner, { clock, mtu: 9000 }));
    expect(raised.a.mtu).toBe(1500);
  });

  it("close() closes the inner link and leaves no timer", () => {
    const { clock, a, b, atB } = wrapped((inner, clock) => impair(inner, { clock, delay: 10 }));
    a.send(numbered(1));
    a.close();
    b.send(numbered(2));
    clock.runUntilIdle();
    expect(atB).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});

describe("Prng", () => {
  it("is reproducible per seed and stream, and uniform enough", () => {
    const draw = (seed: number, stream = 0) => {
      const r = new Prng(seed, stream);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
    const r = new Prng(7);
    const buckets = new Array(16).fill(0);
    const n = 160_000;
    for (let i = 0; i < n; i++) buckets[r.below(16)]++;
    for (const b of buckets) expect(Math.abs(b - n / 16)).toBeLessThan(5 * Math.sqrt((n / 16) * (15 / 16)));
  });
});
