/** Fresh memory for bytes handed to users: exact, their own, and plain Uint8Arrays even under Node. */
import { expect, it } from "vitest";
import { ByteSlab, overwrittenBytes } from "../../src/tcp/byte-slab.js";

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
