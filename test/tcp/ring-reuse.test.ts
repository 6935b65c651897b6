import { describe, expect, it } from "vitest";
import { ReceiveBuffer } from "../../src/tcp/receive-buffer.js";
import { SendBuffer } from "../../src/tcp/send-buffer.js";

// Rings given back go to a process-wide pool and are handed to the next buffer as they are, not zeroed
// (sized-ring.ts): what one connection wrote must never reach another's reader.
const secret = (n: number) => new Uint8Array(n).fill(0xaa);

describe("a reused ring never shows a previous connection's bytes", () => {
  it("receive: the next buffer's reader gets only its own bytes, out-of-order ones included", () => {
    const first = new SendBuffer(100_000, 4096);
    first.write(secret(3000));
    const ring = first.peek(0, 1).buffer;
    first.consume(3000); // drained: the ring goes back to the pool

    const next = new ReceiveBuffer(65535, 4, 4096);
    const mine = Uint8Array.from({ length: 3500 }, (_, i) => (i * 13 + 1) & 0x7f);
    // Its first bytes arrive past a hole, so it takes a ring before any in-order byte is in it.
    expect(next.insert(1000, mine.subarray(1000))).toBe(0);
    expect(next.allocated).toBe(4096);
    expect(next.length).toBe(0);
    expect(next.readInto(new Uint8Array(4096))).toBe(0); // nothing readable while the hole is open
    expect(next.insert(0, mine.subarray(0, 1000))).toBe(3500);
    const out = new Uint8Array(4096);
    expect(next.readInto(out)).toBe(3500);
    expect(out.subarray(0, 3500)).toEqual(mine);
    // The ring it used was the first buffer's (same size class, the pool's most recent).
    const probe = new SendBuffer(100_000, 4096);
    probe.write(new Uint8Array(1));
    expect(probe.peek(0, 1).buffer).toBe(ring);
    probe.clear();
  });

  it("send: the next buffer peeks only what it wrote, never past its length", () => {
    const first = new SendBuffer(100_000, 4096);
    first.write(secret(60_000));
    const ring = first.peek(0, 1).buffer;
    first.consume(60_000);
    const next = new SendBuffer(100_000, 4096);
    expect(next.write(new Uint8Array(50_000).fill(7))).toBe(50_000); // needs the same 64 KiB size
    expect(next.peek(0, 1).buffer).toBe(ring);
    expect(next.length).toBe(50_000);
    expect(next.peek(0, 50_000).every((x) => x === 7)).toBe(true);
    next.consume(49_000);
    expect(next.peek(0, 1000).every((x) => x === 7)).toBe(true);
    next.clear();
  });
});
