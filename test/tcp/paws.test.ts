import { describe, expect, it } from "vitest";
import { ACK, FIN, L, LOCAL_ISS, PSH, R, RST } from "./fixture.js";
import { PEER_TS, establishedWith, linuxOffer } from "./options-helpers.js";

const ourTs = (t: number) => LOCAL_ISS + t;
const ts = (tsval: number, tsecr = ourTs(0)) => ({ timestamps: { tsval, tsecr } });

/** ESTABLISHED with timestamps agreed; TS.Recent = PEER_TS; no window scaling, to keep windows plain. */
const withTs = () =>
  establishedWith({ windowScale: false, noDelay: true }, { ...linuxOffer(ourTs(0)), windowScale: undefined });

describe("RFC 7323 §5.3 PAWS", () => {
  it("a segment whose TSval is older than TS.Recent is dropped with an ACK echoing TS.Recent (R1)", () => {
    const f = withTs();
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "new", options: ts(PEER_TS + 10) });
    f.clock.advance(40);
    f.sent.length = 0;
    // An old duplicate from an earlier incarnation of the sequence space: in the window, but older by its timestamp.
    f.recv({ seq: R(4), ack: L(1), flags: ACK | PSH, payload: "old", options: ts(PEER_TS + 5) });
    f.expectSent([
      { seq: L(1), ack: R(4), flags: ACK, options: { timestamps: { tsval: ourTs(40), tsecr: PEER_TS + 10 } } },
    ]);
    expect(f.drops).toEqual(["paws-rejected"]);
    expect(f.conn.readableLength).toBe(3);
    // The same bytes with a current timestamp are taken.
    f.recv({ seq: R(4), ack: L(1), flags: ACK | PSH, payload: "now", options: ts(PEER_TS + 11) });
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("newnow");
  });

  it("a segment dropped for its ACK (RFC 5961 §5.2) or challenged leaves TS.Recent alone", () => {
    // Found by packetdrill's ts_recent/invalid_ack.pkt: a forged in-window segment with an ACK for data never
    // sent and a far-future TSval moved TS.Recent, and PAWS then dropped everything the real peer sent.
    const f = withTs();
    f.recv({ seq: R(1), ack: L(9999), flags: ACK | FIN, options: ts(PEER_TS + 100_000) });
    expect(f.drops).toEqual(["ack-out-of-window"]);
    f.recv({ seq: R(100), ack: L(1), flags: RST, options: ts(PEER_TS + 200_000) });
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "data", options: ts(PEER_TS + 1) });
    expect(f.conn.readableLength).toBe(4);
    f.clock.advance(40);
    expect(f.sent.at(-1)?.options?.timestamps?.tsecr).toBe(PEER_TS + 1);
  });

  it("timestamps compare modulo 2^32: a TSval just past the wrap is newer", () => {
    const f = establishedWith(
      { windowScale: false },
      { mss: 1460, timestamps: { tsval: 0xfffffff0, tsecr: ourTs(0) } },
    );
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "a", options: ts(0x00000005) });
    expect(f.drops).toEqual([]);
    expect(f.conn.readableLength).toBe(1);
  });

  it("an RST is judged by its sequence number alone, whatever its timestamp (§5.2)", () => {
    const f = withTs();
    f.recv({ seq: R(1), ack: L(1), flags: RST, options: ts(PEER_TS - 1000) });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["reset"]);
  });

  it("after 24 days of idleness TS.Recent is invalid and an older TSval is taken (§5.5)", () => {
    const f = withTs();
    f.clock.advance(25 * 24 * 3600 * 1000);
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "late", options: ts(PEER_TS - 50) });
    expect(f.drops).toEqual([]);
    expect(f.conn.readableLength).toBe(4);
  });
});

describe("RFC 7323 §4.3 TS.Recent", () => {
  it("an in-order segment's TSval becomes TS.Recent and the next ACK echoes it", () => {
    const f = withTs();
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "x", options: ts(PEER_TS + 7) });
    f.conn.write(new Uint8Array(5));
    f.expectSent([
      {
        seq: L(1),
        ack: R(2),
        flags: ACK | PSH,
        payload: 5,
        options: { timestamps: { tsval: ourTs(0), tsecr: PEER_TS + 7 } },
      },
    ]);
  });

  it("a segment beyond a hole does not move TS.Recent (it starts past Last.ACK.sent); the one filling the hole does", () => {
    const f = withTs();
    f.recv({ seq: R(101), ack: L(1), flags: ACK, payload: new Uint8Array(100), options: ts(PEER_TS + 20) });
    // Out of order: immediate duplicate ACK, still echoing the SYN-ACK's TSval, with a SACK block.
    f.expectSent([
      {
        seq: L(1),
        ack: R(1),
        flags: ACK,
        options: { timestamps: { tsval: ourTs(0), tsecr: PEER_TS }, sackBlocks: [{ left: R(101), right: R(201) }] },
      },
    ]);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: new Uint8Array(100), options: ts(PEER_TS + 30) });
    f.expectSent([
      { seq: L(1), ack: R(201), flags: ACK, options: { timestamps: { tsval: ourTs(0), tsecr: PEER_TS + 30 } } },
    ]);
  });

  it("an old TSval on an acceptable segment does not move TS.Recent back", () => {
    const f = withTs();
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "a", options: ts(PEER_TS + 50) });
    f.recv({ seq: R(2), ack: L(1), flags: ACK | PSH, payload: "b", options: ts(PEER_TS + 50) });
    f.sent.length = 0;
    f.conn.write(new Uint8Array(1));
    expect(f.sent[0].options?.timestamps?.tsecr).toBe(PEER_TS + 50);
  });
});

describe("RFC 7323 §4.1 RTT measurement from TSecr", () => {
  it("each ACK that advances SND.UNA gives a sample of now - TSecr, retransmissions included", () => {
    const f = withTs();
    f.conn.write(new Uint8Array(100));
    f.sent.length = 0;
    f.clock.advance(80);
    f.recv({ seq: R(1), ack: L(101), flags: ACK, options: ts(PEER_TS + 80, ourTs(0)) });
    // The handshake's sample was 0 ms; this one is 80 ms.
    expect(f.conn.info().srtt).toBeCloseTo(10);
    f.conn.write(new Uint8Array(100));
    f.sent.length = 0;
    // Lost: the RTO resends it; the echo names the retransmission, so the sample is exact (Karn would skip it).
    f.clock.advance(f.conn.info().rto);
    const resentAt = f.clock.now();
    expect(f.sent.map((s) => s.seq)).toEqual([L(101)]);
    f.clock.advance(30);
    f.recv({ seq: R(1), ack: L(201), flags: ACK, options: ts(PEER_TS + 300, ourTs(resentAt)) });
    expect(f.conn.info().srtt).toBeCloseTo(0.875 * 10 + 0.125 * 30);
  });

  it("an echo from the future is ignored", () => {
    const f = withTs();
    f.conn.write(new Uint8Array(100));
    f.clock.advance(50);
    f.recv({ seq: R(1), ack: L(101), flags: ACK, options: ts(PEER_TS + 50, ourTs(5000)) });
    // Falls back to timing the segment (Karn): 50 ms.
    expect(f.conn.info().srtt).toBeCloseTo(0.875 * 0 + 0.125 * 50);
  });
});

describe("RFC 7323 Appendix G", () => {
  it("with a window of samples per RTT, each moves SRTT by 1/8 divided by ceil(FlightSize / (2 * SMSS))", () => {
    const f = withTs();
    const mss = f.conn.info().mss;
    f.conn.write(new Uint8Array(10 * mss));
    f.sent.length = 0;
    f.clock.advance(100);
    // One segment acknowledged with 9 still in flight: ExpectedSamples = ceil(9 / 2) = 5.
    f.recv({ seq: R(1), ack: L(1 + mss), flags: ACK, options: ts(PEER_TS + 100, ourTs(0)) });
    const alpha = 0.125 / 5;
    expect(f.conn.info().srtt).toBeCloseTo((1 - alpha) * 0 + alpha * 100, 10);
  });
});
