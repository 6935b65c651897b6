import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReceiveBuffer } from "../../src/tcp/receive-buffer.js";
import { SendBuffer } from "../../src/tcp/send-buffer.js";
import { INITIAL_RING } from "../../src/tcp/sized-ring.js";
import { ACK, L, R, established } from "./fixture.js";

/** A ring that starts tiny and grows, or (the default) one that starts at the capacity and never grows. */
const initialRing = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 16 }), weight: 3 },
  { arbitrary: fc.constant(INITIAL_RING), weight: 1 },
);

describe("SendBuffer (ring)", () => {
  it("behaves like a byte queue across wrap-around and growth; holds a ring only while it holds bytes (model-based)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        initialRing,
        // Writes outweigh consumes so the ring fills, wraps and grows while wrapped.
        fc.array(
          fc.oneof(
            { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }), weight: 3 },
            { arbitrary: fc.nat(30), weight: 2 },
            { arbitrary: fc.tuple(fc.nat(300), fc.nat(300)), weight: 1 },
          ),
          { maxLength: 80, size: "max" },
        ),
        (cap, initial, ops) => {
          const b = new SendBuffer(cap, initial);
          expect(b.allocated).toBe(0);
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
            expect(b.free).toBe(cap - model.length);
            expect(b.allocated).toBeGreaterThanOrEqual(model.length);
            expect(b.allocated).toBeLessThanOrEqual(cap);
            if (model.length === 0) expect(b.allocated).toBe(0);
          }
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe("SendBuffer (chunks taken over without a copy)", () => {
  it("mixes copied and taken-over writes as one byte queue; peeks inside a taken chunk are views of it (model-based)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        initialRing,
        fc.array(
          fc.oneof(
            { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }), weight: 2 },
            { arbitrary: fc.record({ take: fc.uint8Array({ minLength: 1, maxLength: 60 }) }), weight: 2 },
            { arbitrary: fc.nat(30), weight: 2 },
            { arbitrary: fc.tuple(fc.nat(300), fc.nat(300)), weight: 2 },
          ),
          { maxLength: 80, size: "max" },
        ),
        (cap, initial, ops) => {
          const b = new SendBuffer(cap, initial);
          // Which chunk each model byte lives in (null: copied), and where.
          let model: { v: number; chunk: Uint8Array | null; at: number }[] = [];
          for (const op of ops) {
            if (op instanceof Uint8Array) {
              const n = b.write(op);
              expect(n).toBe(Math.min(op.length, cap - model.length));
              for (let i = 0; i < n; i++) model.push({ v: op[i], chunk: null, at: 0 });
            } else if (typeof op === "number") {
              b.consume(op);
              model = model.slice(Math.min(op, model.length));
            } else if ("take" in op) {
              const n = b.writeNoCopy(op.take);
              expect(n).toBe(Math.min(op.take.length, cap - model.length));
              for (let i = 0; i < n; i++) model.push({ v: op.take[i], chunk: op.take, at: i });
            } else {
              const off = Math.min(op[0], model.length);
              const len = Math.min(op[1], model.length - off);
              const got = b.peek(off, len);
              expect([...got]).toEqual(model.slice(off, off + len).map((m) => m.v));
              const first = model[off];
              const oneChunk =
                len > 0 &&
                first.chunk !== null &&
                model.slice(off, off + len).every((m, i) => m.chunk === first.chunk && m.at === first.at + i);
              if (oneChunk) {
                expect(got.buffer).toBe(first.chunk!.buffer);
                expect(got.byteOffset).toBe(first.chunk!.byteOffset + first.at);
              }
            }
            expect(b.length).toBe(model.length);
            expect(b.free).toBe(cap - model.length);
            if (model.length === 0) expect(b.allocated).toBe(0);
          }
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe("ReceiveBuffer (ring + reassembly)", () => {
  it("delivers exactly the stream whatever order and overlap the segments arrive in, the ring growing to cover any in-window segment and given back when read empty (model-based)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 400 }),
        initialRing,
        // Segments placed relative to RCV.NXT: old duplicates (negative), in order (0), out of order (positive).
        fc.array(fc.tuple(fc.integer({ min: -40, max: 150 }), fc.integer({ min: 1, max: 40 })), {
          maxLength: 80,
          size: "max",
        }),
        fc.array(fc.nat(24), { maxLength: 80, size: "max" }),
        (cap, initial, segs, reads) => {
          const stream = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13 + 5) & 255);
          const rb = new ReceiveBuffer(cap, 4, initial);
          let nxt = 0; // stream offset of RCV.NXT
          const out: number[] = [];
          const check = () => {
            expect(rb.free).toBe(cap - rb.length); // the window follows the configured size, never the ring
            expect(rb.allocated).toBeLessThanOrEqual(cap);
            const reach = rb.length + (rb.outOfOrderRanges.at(-1) ?? 0);
            expect(rb.allocated).toBeGreaterThanOrEqual(reach);
            if (reach === 0) expect(rb.allocated).toBe(0); // read empty: the ring went back
          };
          segs.forEach(([rel, len], i) => {
            const start = Math.max(0, nxt + rel);
            // Trim to the window as the engine does.
            const s = Math.max(start, nxt);
            const e = Math.min(start + len, nxt + rb.free, stream.length);
            if (e > s) {
              const adv = rb.insert(s - nxt, stream.subarray(s, e));
              if (adv > 0) nxt += adv;
            }
            check();
            const r = reads[i] ?? 0;
            if (r > 0 && rb.length > 0) out.push(...rb.read(r));
            check();
          });
          out.push(...rb.read(rb.length));
          expect(out).toEqual([...stream.subarray(0, out.length)]);
          expect(out.length).toBe(nxt);
          if (rb.outOfOrderRanges.length === 0) expect(rb.allocated).toBe(0);
          expect(rb.outOfOrderRanges.length).toBeLessThanOrEqual(8);
        },
      ),
      { numRuns: 200, seed: 4 },
    );
  });

  it("refuses a segment that would need a range past the bound, and allocates nothing until data arrives", () => {
    const rb = new ReceiveBuffer(100, 1);
    expect(rb.allocated).toBe(0);
    expect(rb.insert(20, new Uint8Array(200))).toBe(-1); // past the window: refused, nothing allocated
    expect(rb.allocated).toBe(0);
    expect(rb.insert(10, new Uint8Array(2))).toBe(0);
    expect(rb.insert(20, new Uint8Array(2))).toBe(-1);
    expect(rb.insert(12, new Uint8Array(3))).toBe(0);
    expect(rb.outOfOrderRanges).toEqual([10, 15]);
    expect(rb.insert(0, new Uint8Array(10))).toBe(15);
  });
});

describe("rings sized to use: growth, wrap-around across growth, release", () => {
  it("SendBuffer: starts small, doubles to what a write needs, keeps the order of wrapped bytes when it grows", () => {
    const b = new SendBuffer(1000, 8);
    const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);
    expect(b.write(bytes(0, 5))).toBe(5);
    expect(b.allocated).toBe(8);
    b.consume(4); // head at 4 of 8
    expect(b.write(bytes(5, 7))).toBe(7); // 8 bytes held, wrapped: 4..7 then 0..3
    expect(b.allocated).toBe(8);
    expect(b.write(bytes(12, 20))).toBe(20); // needs 28: 8 -> 32, wrapped bytes moved in order
    expect(b.allocated).toBe(32);
    expect([...b.peek(0, 28)]).toEqual([...bytes(4, 28)]);
    expect(b.write(bytes(32, 900))).toBe(900); // 928: doubling stops at the capacity
    expect(b.allocated).toBe(1000);
    expect(b.write(bytes(0, 100))).toBe(72);
    expect(b.free).toBe(0);
  });

  it("SendBuffer: a ring given back when the ACKs empty it is taken again by the next burst (no regrowth, no new allocation)", () => {
    const b = new SendBuffer(5000, 16);
    b.write(new Uint8Array(3000).fill(7));
    expect(b.allocated).toBe(4096);
    const ring = b.peek(0, 1).buffer;
    b.consume(3000);
    expect(b.allocated).toBe(0);
    b.write(new Uint8Array(10).fill(9));
    expect(b.allocated).toBe(4096);
    expect(b.peek(0, 1).buffer).toBe(ring);
    expect([...b.peek(0, 10)]).toEqual(Array(10).fill(9));
    b.clear();
    expect(b.allocated).toBe(0);
  });

  it("ReceiveBuffer: an out-of-order segment past the ring grows it to cover the segment's offset; the window stays the configured one", () => {
    const stream = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
    const rb = new ReceiveBuffer(1000, 4, 8);
    expect(rb.insert(0, stream.subarray(0, 6))).toBe(6);
    expect(rb.allocated).toBe(8);
    expect([...rb.read(4)]).toEqual([...stream.subarray(0, 4)]); // head at 4: the next bytes wrap
    expect(rb.insert(2, stream.subarray(8, 12))).toBe(0); // wraps in the 8-byte ring
    expect(rb.allocated).toBe(8);
    expect(rb.insert(500, stream.subarray(506, 516))).toBe(0); // reaches 2 + 500 + 10 = 512
    expect(rb.allocated).toBe(512);
    expect(rb.free).toBe(998);
    expect(rb.outOfOrderRanges).toEqual([2, 6, 500, 510]);
    expect(rb.insert(0, stream.subarray(6, 8))).toBe(6); // fills the first hole: 4..12 in order
    expect(rb.insert(0, stream.subarray(12, 506))).toBe(504);
    expect(rb.length).toBe(512);
    expect([...rb.read(1000)]).toEqual([...stream.subarray(4, 516)]);
    expect(rb.allocated).toBe(0);
    expect(rb.free).toBe(1000);
  });
});

describe("rings sized to use, in the engine", () => {
  it("an out-of-order segment far past the first ring is held and the window offered stays the configured one; a request and reply leave no ring", () => {
    const f = established({ receiveBufferSize: 60000 });
    f.recv({ seq: R(1 + 50000), ack: L(1), flags: ACK, payload: "tail" });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, window: 60000 }]); // duplicate ACK: RCV.NXT unmoved
    expect(f.conn.receiveBuffer.allocated).toBeGreaterThanOrEqual(50004);
    const head = Uint8Array.from({ length: 50000 }, (_, i) => i & 255);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: head });
    f.expectSent([{ seq: L(1), ack: R(50005), flags: ACK, window: 60000 - 50004 }]);
    const got: number[] = [];
    for (let d = f.conn.read(); d !== null; d = f.conn.read()) got.push(...d);
    expect(got).toEqual([...head, ...new TextEncoder().encode("tail")]);
    expect(f.conn.receiveBuffer.allocated).toBe(0);

    expect(f.conn.write(new TextEncoder().encode("reply"))).toBe(5);
    expect(f.conn.sendBuffer.allocated).toBe(4096);
    f.clock.runUntilIdle();
    const reply = f.sent.filter((s) => s.payload.length > 0);
    expect(new TextDecoder().decode(reply[0].payload)).toBe("reply");
    f.recv({ seq: R(50005), ack: L(6), flags: ACK });
    expect(f.conn.sendBuffer.length).toBe(0);
    expect(f.conn.sendBuffer.allocated).toBe(0);
  });
});
