import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PacketQueue } from "../../src/link/packet-queue.js";

describe("packet queue (a ring that doubles)", () => {
  it("is a FIFO of packets, due times and indices across wrap-around and growth while wrapped (model-based)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 200 }), { maxLength: 60 }), (ops) => {
        const q = new PacketQueue();
        const model: Array<{ p: Uint8Array; due: number; index: number }> = [];
        let next = 0;
        for (const op of ops) {
          // A positive op pushes that many packets, a negative one shifts that many (as far as there are).
          for (let i = 0; i < op; i++) {
            const e = { p: new Uint8Array([next & 255]), due: next * 0.5, index: next };
            next++;
            q.push(e.p, e.due, e.index);
            model.push(e);
          }
          for (let i = 0; i < -op * 40 && model.length > 0; i++) {
            const e = model.shift()!;
            expect(q.headIndex).toBe(e.index);
            expect(q.headDue).toBe(e.due);
            expect(q.shift()).toBe(e.p);
          }
          expect(q.size).toBe(model.length);
          expect(q.headDue).toBe(model.length > 0 ? model[0].due : Infinity);
          expect(q.tailDue).toBe(model.length > 0 ? model[model.length - 1].due : -Infinity);
        }
        const discarded: Uint8Array[] = [];
        expect(q.clear((p) => discarded.push(p))).toBe(model.length);
        expect(discarded).toEqual(model.map((e) => e.p));
        expect(q.size).toBe(0);
      }),
      { numRuns: 200, seed: 17 },
    );
  });
});
