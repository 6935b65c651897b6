/**
 * A peer whose ISN is at or above 2^31 (half of all ISNs): its sequence numbers are doubles in JS, and the
 * segment text step takes them as signed 32-bit integers across its call (arrives.ts processText). The
 * data, the ACKs and the SACK blocks must be the same as for any other ISN, through the wrap at 2^32 too.
 */
import { describe, expect, it } from "vitest";
import { ACK, FIN, L, LOCAL_ISS, MSS, SYN, synSent } from "./fixture.js";

const PEER_ISS = 0xffff_fe00; // 511 bytes of data before the sequence space wraps
const P = (n: number) => (PEER_ISS + n) >>> 0;
const bytes = (n: number, first: number) => new Uint8Array(n).map((_, i) => (first + i) & 255);

function establishedHigh() {
  const f = synSent({ timestamps: false, windowScale: false });
  f.recv({
    seq: PEER_ISS,
    ack: LOCAL_ISS + 1,
    flags: SYN | ACK,
    window: 65535,
    options: { mss: MSS, sackPermitted: true },
  });
  f.expectSent([{ seq: L(1), ack: P(1), flags: ACK }]);
  return f;
}

describe("a peer's sequence numbers past 2^31", () => {
  it("in-order data across the wrap is delivered and acknowledged with unsigned numbers", () => {
    const f = establishedHigh();
    f.recv({ seq: P(1), ack: L(1), flags: ACK, payload: bytes(1000, 0) });
    f.recv({ seq: P(1001), ack: L(1), flags: ACK, payload: bytes(1000, 1000) });
    f.expectSent([{ seq: L(1), ack: P(2001), flags: ACK }]);
    expect(P(2001)).toBeLessThan(2 ** 31); // the ACK is past the wrap
    expect([...(f.conn.read(4000) ?? [])]).toEqual([...bytes(2000, 0)]);
  });

  it("an out-of-order segment above 2^31 is reported in a SACK block with unsigned edges, then joined", () => {
    const f = establishedHigh();
    f.recv({ seq: P(101), ack: L(1), flags: ACK, payload: bytes(100, 100) });
    f.expectSent([{ seq: L(1), ack: P(1), flags: ACK, options: { sackBlocks: [{ left: P(101), right: P(201) }] } }]);
    expect(P(101)).toBeGreaterThanOrEqual(2 ** 31);
    f.recv({ seq: P(1), ack: L(1), flags: ACK, payload: bytes(100, 0) });
    f.expectSent([{ seq: L(1), ack: P(201), flags: ACK }]);
    expect([...(f.conn.read(1000) ?? [])]).toEqual([...bytes(200, 0)]);
  });

  it("a FIN held behind a hole is taken when the hole fills", () => {
    const f = establishedHigh();
    f.recv({ seq: P(501), ack: L(1), flags: ACK | FIN, payload: bytes(100, 500) });
    f.sent.length = 0;
    f.recv({ seq: P(1), ack: L(1), flags: ACK, payload: bytes(500, 0) });
    f.expectSent([{ seq: L(1), ack: P(602), flags: ACK }]);
    expect(f.conn.state).toBe("CLOSE-WAIT");
    expect([...(f.conn.read(1000) ?? [])]).toEqual([...bytes(600, 0)]);
  });
});
