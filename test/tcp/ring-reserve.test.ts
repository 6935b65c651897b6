import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { MemoryBudget } from "../../src/tcp/memory-budget.js";
import { ReceiveBuffer } from "../../src/tcp/receive-buffer.js";
import { QUIET_MS } from "../../src/tcp/ring-reserve.js";
import { SendBuffer } from "../../src/tcp/send-buffer.js";
import { ringReserve } from "../../src/tcp/sized-ring.js";

function stackBudget(limit = 1 << 20) {
  const clock = new VirtualClock();
  const budget = new MemoryBudget(limit);
  const rings = ringReserve(clock, budget);
  budget.rings = rings;
  return { clock, budget, rings };
}

const secret = (n: number) => new Uint8Array(n).fill(0xaa);

describe("a stack's reserve of drained rings", () => {
  it("passes a drained ring to the next connection's buffer, which reads back only its own bytes", () => {
    const { budget, rings } = stackBudget();
    const first = new ReceiveBuffer(65535, 4, 4096, budget);
    expect(first.insert(0, secret(3000))).toBe(3000);
    expect(first.readInto(new Uint8Array(3000))).toBe(3000); // drained: the ring goes to the reserve
    expect(rings.bytes).toBe(4096);

    // The next connection's first bytes arrive out of order, past a hole: its ring is the reused one.
    const next = new ReceiveBuffer(65535, 4, 4096, budget);
    const mine = Uint8Array.from({ length: 3500 }, (_, i) => (i * 13 + 1) & 0x7f);
    expect(next.insert(1000, mine.subarray(1000))).toBe(0);
    expect(rings.bytes).toBe(0);
    expect(next.allocated).toBe(4096);
    // Nothing readable while the hole is open, whatever the ring held before.
    expect(next.length).toBe(0);
    expect(next.readInto(new Uint8Array(4096))).toBe(0);
    expect(next.insert(0, mine.subarray(0, 1000))).toBe(3500);
    const out = new Uint8Array(4096);
    expect(next.readInto(out)).toBe(3500);
    expect(out.subarray(0, 3500)).toEqual(mine);
    expect(out.subarray(0, 3500).includes(0xaa)).toBe(false);
  });

  it("a send buffer takes a drained ring back without regrowth and peeks only what was written into it", () => {
    const { budget, rings } = stackBudget();
    const first = new SendBuffer(100_000, 4096, budget);
    first.write(secret(60_000));
    const ring = first.peek(0, 1).buffer;
    first.consume(60_000);
    expect(rings.bytes).toBe(65536);
    const next = new SendBuffer(100_000, 4096, budget);
    expect(next.write(new Uint8Array(50_000).fill(7))).toBe(50_000); // needs 64 KiB: the reserve's
    expect(next.peek(0, 1).buffer).toBe(ring);
    expect(next.length).toBe(50_000);
    expect(next.peek(0, 50_000).every((x) => x === 7)).toBe(true);
  });

  it("hands its rings on once a quiet period passes with none taken, or when the stack closes", () => {
    const { clock, budget, rings } = stackBudget();
    const a = new SendBuffer(10_000, 4096, budget);
    a.write(new Uint8Array(100));
    a.consume(100);
    expect(rings.bytes).toBe(4096);
    clock.advance(QUIET_MS / 2);
    a.write(new Uint8Array(100)); // taken again: busy
    a.consume(100);
    clock.advance(QUIET_MS);
    expect(rings.bytes).toBe(4096); // a ring was taken in that period: kept another one
    clock.advance(QUIET_MS);
    expect(rings.bytes).toBe(0); // a whole period with none taken: handed on
    expect(clock.pending).toBe(0);

    a.write(new Uint8Array(100));
    a.consume(100);
    expect(rings.bytes).toBe(4096);
    rings.close();
    expect([rings.bytes, clock.pending]).toEqual([0, 0]);
    a.write(new Uint8Array(100));
    a.consume(100);
    expect(rings.bytes).toBe(0); // closed: keeps nothing more
  });

  it("never holds more than the budget leaves free beside what is charged, and empties before a fresh ring passes the limit", () => {
    const { budget, rings } = stackBudget(100_000);
    const buffers = Array.from({ length: 3 }, () => new SendBuffer(40_000, 4096, budget));
    for (const b of buffers) b.write(new Uint8Array(30_000)); // 3 x 32 KiB charged
    for (const b of buffers.slice(0, 2)) {
      b.consume(30_000);
      expect(budget.used + rings.bytes).toBeLessThanOrEqual(budget.limit);
    }
    expect(rings.bytes).toBe(65536);
    const other = new SendBuffer(60_000, 4096, budget);
    // A fresh 50,000-byte ring (what its share allows), a size the reserve does not hold: with the 64 KiB
    // kept it would pass the limit, so the reserve lets its rings go first.
    other.write(new Uint8Array(50_000));
    expect(other.allocated).toBe(50_000);
    expect(rings.bytes).toBe(0);
    expect(budget.used).toBeLessThanOrEqual(budget.limit);
  });
});
