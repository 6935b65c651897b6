import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReceiveBuffer } from "../../src/tcp/receive-buffer.js";
import { SendBuffer } from "../../src/tcp/send-buffer.js";

describe("SendBuffer (ring)", () => {
  it("behaves like a byte queue across wrap-around (model-based)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.nat(100), fc.tuple(fc.nat(100), fc.nat(100))), { maxLength: 60 }),
        (cap, ops) => {
          const b = new SendBuffer(cap);
          let model: number[] = [];
          for (const op of ops) {
            if (op instanceof Uint8Array) {
              const n = b.write(op);
              expect(n).toBe(Math.min(op.length, cap - model.length));
              model.push(...op.subarray(0, n));
            } else if (typeof op === "number") {
              b.consume(op);
              model = model.slice(Math.min(op, model.length));
            } else {
              const off = Math.min(op[0], model.length);
              const len = Math.min(op[1], model.length - off);
              expect([...b.peek(off, len)]).toEqual(model.slice(off, off + len));
            }
            expect(b.length).toBe(model.length);
          }
        },
      ),
      { numRuns: 300, seed: 1 },
    );
  });
});

describe("ReceiveBuffer (ring + reassembly)", () => {
  it("delivers exactly the stream whatever order and overlap the segments arrive in", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 200 }),
        fc.array(fc.tuple(fc.nat(300), fc.integer({ min: 1, max: 40 })), { maxLength: 80 }),
        fc.array(fc.nat(50), { maxLength: 80 }),
        (cap, segs, reads) => {
          const stream = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7 + 3) & 255);
          const rb = new ReceiveBuffer(cap, 4);
          let nxt = 0; // stream offset of RCV.NXT
          const out: number[] = [];
          segs.forEach(([start, len], i) => {
            // Trim to the window as the engine does.
            const s = Math.max(start, nxt);
            const e = Math.min(start + len, nxt + rb.free, stream.length);
            if (e > s) {
              const adv = rb.insert(s - nxt, stream.subarray(s, e));
              if (adv > 0) nxt += adv;
            }
            const r = reads[i] ?? 0;
            if (r > 0 && rb.length > 0) out.push(...rb.read(r));
          });
          out.push(...rb.read(rb.length));
          expect(out).toEqual([...stream.subarray(0, out.length)]);
          expect(out.length).toBe(nxt);
          expect(rb.outOfOrderRanges.length).toBeLessThanOrEqual(8);
        },
      ),
      { numRuns: 300, seed: 2 },
    );
  });

  it("refuses a segment that would need a range past the bound, and allocates nothing until data arrives", () => {
    const rb = new ReceiveBuffer(100, 1);
    expect(rb.insert(10, new Uint8Array(2))).toBe(0);
    expect(rb.insert(20, new Uint8Array(2))).toBe(-1);
    expect(rb.insert(12, new Uint8Array(3))).toBe(0);
    expect(rb.outOfOrderRanges).toEqual([10, 15]);
    expect(rb.insert(0, new Uint8Array(10))).toBe(15);
  });
});
