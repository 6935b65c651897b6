/**
 * Runs of full segments (output.ts sendRun): what a window's worth of new data puts on the wire is the
 * same, segment for segment, as sending them one by one: sequence numbers MSS apart, PSH only where the
 * buffer ends, the same ACK, window and options on each, and each segment its own record for recovery.
 */
import { describe, expect, it } from "vitest";
import { ACK, L, LOCAL_ISS, MSS, PSH, R, established } from "./fixture.js";
import { PEER_TS, establishedWith, linuxOffer } from "./options-helpers.js";

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 255);

describe("runs of full segments", () => {
  it("the initial window leaves as ten full segments in order, then the rest waits for cwnd", () => {
    const f = established();
    const bytes = data(12 * MSS + 100);
    expect(f.conn.write(bytes)).toBe(bytes.length);
    // RFC 6928: IW = min(10 MSS, max(2 MSS, 14600)) = 10 segments of 1460.
    f.expectSent(
      Array.from({ length: 10 }, (_, i) => ({
        seq: L(1 + i * MSS),
        ack: R(1),
        flags: ACK,
        window: 65535,
        payload: MSS,
      })),
    );
  });

  it("carries the written bytes in order, PSH on the segment that empties the buffer only", () => {
    const f = established();
    const bytes = data(3 * MSS);
    f.conn.write(bytes);
    const sent = f.sent.splice(0);
    expect(sent.map((s) => [s.seq, s.flags, s.payload.length])).toEqual([
      [L(1), ACK, MSS],
      [L(1 + MSS), ACK, MSS],
      [L(1 + 2 * MSS), ACK | PSH, MSS],
    ]);
    const joined = new Uint8Array(sent.reduce((n, s) => n + s.payload.length, 0));
    let at = 0;
    for (const s of sent) {
      joined.set(s.payload, at);
      at += s.payload.length;
    }
    expect(joined).toEqual(bytes);
  });

  it("every segment of a run carries the same timestamps, and each is its own record: SACKs past one make it lost", () => {
    const f = establishedWith(
      { windowScale: false, timestamps: true },
      { mss: MSS, sackPermitted: true, timestamps: linuxOffer(LOCAL_ISS).timestamps },
    );
    f.sent.length = 0;
    // The timestamps option takes 12 bytes of each segment.
    const mss = MSS - 12;
    f.conn.write(data(6 * mss + 1));
    const sent = f.sent.splice(0);
    // The last byte waits for Nagle (RFC 9293 §3.7.4).
    expect(sent.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5].map((i) => L(1 + i * mss)));
    const stamps = sent.map((s) => s.options?.timestamps);
    expect(new Set(stamps.map((t) => `${t?.tsval}/${t?.tsecr}`)).size).toBe(1);
    // The peer got all but the second segment. RACK (RFC 8985 §6.2) finds it lost once segments sent
    // after it are SACKed and the reordering window passes, long before the RTO: only if each segment of
    // the run is a record of its own are the SACKed ones delivered, and the one before them lost.
    f.recv({
      seq: R(1),
      ack: L(1 + mss),
      flags: ACK,
      options: {
        sackBlocks: [{ left: L(1 + 2 * mss), right: L(1 + 5 * mss) }],
        timestamps: { tsval: PEER_TS + 1, tsecr: stamps[0]!.tsval },
      },
    });
    f.clock.advance(50);
    // Data sent again (the held last byte may go as new data beside it).
    const resent = f.sent.filter((s) => s.payload.length > 0 && s.seq < L(1 + 6 * mss));
    expect(resent.map((s) => [s.seq, s.payload.length])).toEqual([[L(1 + mss), mss]]);
  });

  it("a window too small for the data sends only what it takes, in full segments", () => {
    const f = established({}, 4 * MSS + 500);
    f.conn.write(data(8 * MSS));
    f.expectSent([0, 1, 2, 3].map((i) => ({ seq: L(1 + i * MSS), ack: R(1), flags: ACK, payload: MSS })));
  });
});
