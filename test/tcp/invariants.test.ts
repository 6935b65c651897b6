import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TcpConnection } from "../../src/tcp/connection.js";
import { seqDiff, seqLe } from "../../src/wire/seq.js";
import { ACK, FIN, L, R, RST, established, synReceived, synSent, type Fixture } from "./fixture.js";

/** Segments near the connection's windows (so they exercise the engine rather than bounce off it). */
const segmentArb = fc.record({
  seq: fc.integer({ min: -2000, max: 80_000 }),
  ack: fc.integer({ min: -3000, max: 3000 }),
  flags: fc.oneof(fc.constant(ACK), fc.constant(ACK | FIN), fc.integer({ min: 0, max: 63 })),
  window: fc.oneof(fc.constant(65535), fc.integer({ min: 0, max: 65535 })),
  len: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1460 })),
});

const eventArb = fc.oneof(
  { weight: 6, arbitrary: segmentArb.map((s) => ({ kind: "segment" as const, ...s })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => ({ kind: "write" as const, n })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => ({ kind: "read" as const, n })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3000 }).map((ms) => ({ kind: "advance" as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: "shutdown" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "abort" as const }) },
);

function check(f: Fixture): void {
  const c = f.conn as TcpConnection;
  const t = c.tcb;
  expect(seqLe(t.sndUna, t.sndNxt), "SND.UNA <= SND.NXT").toBe(true);
  expect(seqLe(t.sndNxt, t.sndMax), "SND.NXT <= highest sent").toBe(true);
  expect(c.sendBuffer.length).toBeLessThanOrEqual(c.sendBuffer.capacity);
  expect(c.receiveBuffer.length).toBeLessThanOrEqual(c.receiveBuffer.capacity);
  expect(t.rcvWnd).toBeLessThanOrEqual(65535);
  expect(seqDiff(t.rcvAdv, t.rcvNxt)).toBeGreaterThanOrEqual(-1);
  for (const s of f.sent) {
    // Nothing beyond what the connection has ever sent, and every ACK carries RCV.NXT.
    if (!(s.flags & RST)) expect(seqLe(s.seq + s.payload.length, t.sndMax + 1)).toBe(true);
    if (s.flags & ACK && !(s.flags & RST)) expect(s.ack).toBe(t.rcvNxt);
    expect(s.window).toBeLessThanOrEqual(65535);
  }
  f.sent.length = 0;
}

describe("engine invariants under random events in every state", () => {
  const starts: Array<[string, () => Fixture]> = [
    ["SYN-SENT", () => synSent({ receiveBufferSize: 4000, sendBufferSize: 6000 })],
    ["SYN-RECEIVED", () => synReceived({ receiveBufferSize: 4000, sendBufferSize: 6000 })],
    ["ESTABLISHED", () => established({ receiveBufferSize: 4000, sendBufferSize: 6000 })],
  ];
  for (const [name, start] of starts) {
    it(`from ${name}: SND.UNA <= SND.NXT <= SND.MAX, buffers bounded, ACKs carry RCV.NXT, timers drain after abort`, () => {
      fc.assert(
        fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
          const f = start();
          for (const e of events) {
            const c = f.conn;
            switch (e.kind) {
              case "segment":
                f.recv({
                  seq: R(1 + e.seq),
                  ack: L(1 + e.ack),
                  flags: e.flags,
                  window: e.window,
                  payload: new Uint8Array(e.len),
                });
                break;
              case "write":
                c.write(new Uint8Array(e.n));
                break;
              case "read":
                c.read(e.n);
                break;
              case "advance":
                f.clock.advance(e.ms);
                break;
              case "shutdown":
                c.shutdown();
                break;
              case "abort":
                c.abort();
                break;
            }
            check(f);
          }
          f.conn.abort();
          expect(f.conn.state).toBe("CLOSED");
          expect(f.clock.runUntilIdle(1e9)).toBe(true);
          expect(f.clock.pending).toBe(0);
        }),
        { numRuns: 300, seed: 11 },
      );
    });
  }
});
