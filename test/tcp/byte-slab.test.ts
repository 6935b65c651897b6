/** Fresh memory for bytes handed to users: exact, their own, and plain Uint8Arrays even under Node. */
import { expect, it } from "vitest";
import { ByteSlab, overwrittenBytes } from "../../src/tcp/byte-slab.js";
import { ReceiveBuffer } from "../../src/tcp/receive-buffer.js";

it("overwrittenBytes gives a plain Uint8Array over an ArrayBuffer of exactly its size", () => {
  const a = overwrittenBytes(100_000);
  expect(Object.getPrototypeOf(a)).toBe(Uint8Array.prototype);
  expect(a.byteOffset).toBe(0);
  expect(a.buffer.byteLength).toBe(100_000);
  a.fill(7);
  // A Uint8Array's slice copies (a Buffer's would share the memory).
  const copy = a.slice(0, 10);
  copy[0] = 1;
  expect(a[0]).toBe(7);
  expect(overwrittenBytes(100_000).buffer).not.toBe(a.buffer);
});

it("a large carve is a buffer of its own; small ones share a slab without overlapping", () => {
  const slab = new ByteSlab();
  const big = slab.allocate(20_000);
  expect(big.byteOffset).toBe(0);
  expect(big.buffer.byteLength).toBe(20_000);
  const x = slab.allocate(10);
  const y = slab.allocate(10);
  expect(x.buffer).toBe(y.buffer);
  expect(y.byteOffset).toBeGreaterThanOrEqual(x.byteOffset + 10);
});

it("a slab of 1 MiB carves up to 256 KiB: sixteen 64 KiB reads share one buffer, apart, then a new one", () => {
  const slab = new ByteSlab(1 << 20);
  const chunks = Array.from({ length: 17 }, (_, i) => slab.allocate(65536).fill(i));
  expect(new Set(chunks.slice(0, 16).map((c) => c.buffer)).size).toBe(1);
  expect(chunks[16].buffer).not.toBe(chunks[0].buffer);
  chunks.forEach((c, i) => expect(c.every((b) => b === i)).toBe(true));
  expect(slab.allocate(300_000).buffer.byteLength).toBe(300_000);
});

it("a read of a window's worth is carved from the bulk slab, and stays the reader's as more arrives", () => {
  const rb = new ReceiveBuffer(1 << 20, 4);
  const fill = (v: number) => rb.insert(0, new Uint8Array(65536).fill(v));
  fill(1);
  const first = rb.read(1 << 20);
  fill(2);
  const second = rb.read(1 << 20);
  expect(first.length).toBe(65536);
  expect(first.buffer).toBe(second.buffer);
  expect(first.every((b) => b === 1) && second.every((b) => b === 2)).toBe(true);
});
