import { describe, expect, it } from "vitest";
import { ACK, L, LOCAL_ISS, MSS, R } from "./fixture.js";
import { PEER_TS, establishedWith, linuxOffer } from "./options-helpers.js";

const ourTs = (t: number) => LOCAL_ISS + t;
const seg = (n: number) => new Uint8Array(n);
/** SACK agreed, timestamps as asked, no window scaling. */
const withSack = (timestamps: boolean) =>
  establishedWith(
    { windowScale: false, timestamps },
    { mss: MSS, sackPermitted: true, ...(timestamps ? { timestamps: linuxOffer(ourTs(0)).timestamps } : {}) },
  );

describe("RFC 2018 §4 SACK blocks from the reassembly queue", () => {
  it("each out-of-order arrival is ACKed at once with its block first, then the earlier ones, most recent first", () => {
    const f = withSack(false);
    // Holes at R(1), R(201), R(401), R(601), R(801): five islands of 100 bytes after them.
    const islands = [101, 301, 501, 701, 901];
    const expected = [
      [[101]],
      [[301], [101]],
      [[501], [301], [101]],
      [[701], [501], [301], [101]],
      // Only 4 fit without timestamps: the oldest report drops off.
      [[901], [701], [501], [301]],
    ];
    islands.forEach((start, i) => {
      f.recv({ seq: R(start), ack: L(1), flags: ACK, payload: seg(100) });
      const blocks = expected[i].map(([s]) => ({ left: R(s), right: R(s + 100) }));
      f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, options: { sackBlocks: blocks } }]);
    });
  });

  it("an arrival that extends a block reports the merged block first; a filled hole leaves the rest", () => {
    const f = withSack(false);
    f.recv({ seq: R(201), ack: L(1), flags: ACK, payload: seg(100) });
    f.recv({ seq: R(501), ack: L(1), flags: ACK, payload: seg(100) });
    f.sent.length = 0;
    f.recv({ seq: R(301), ack: L(1), flags: ACK, payload: seg(100) });
    f.expectSent([
      {
        seq: L(1),
        ack: R(1),
        flags: ACK,
        options: {
          sackBlocks: [
            { left: R(201), right: R(401) },
            { left: R(501), right: R(601) },
          ],
        },
      },
    ]);
    // The first hole fills: RCV.NXT moves to 401, one block is left.
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: seg(200) });
    f.expectSent([{ seq: L(1), ack: R(401), flags: ACK, options: { sackBlocks: [{ left: R(501), right: R(601) }] } }]);
    // The last hole fills: no blocks at all.
    f.recv({ seq: R(401), ack: L(1), flags: ACK, payload: seg(100) });
    f.expectSent([{ seq: L(1), ack: R(601), flags: ACK }]);
  });

  it("with timestamps, three blocks fit beside them", () => {
    const f = withSack(true);
    for (const s of [101, 301, 501, 701])
      f.recv({
        seq: R(s),
        ack: L(1),
        flags: ACK,
        payload: seg(100),
        options: { timestamps: { tsval: PEER_TS + 1, tsecr: 0 } },
      });
    const last = f.sent.at(-1)!;
    expect(last.options?.sackBlocks).toEqual([701, 501, 301].map((s) => ({ left: R(s), right: R(s + 100) })));
    expect(last.options?.timestamps).toBeDefined();
  });

  it("a full-sized data segment has no room for blocks (RFC 6691); a short one carries as many as fit", () => {
    const f = withSack(false);
    f.conn.setNoDelay(true);
    f.recv({ seq: R(101), ack: L(1), flags: ACK, payload: seg(100) });
    f.recv({ seq: R(301), ack: L(1), flags: ACK, payload: seg(100) });
    f.sent.length = 0;
    f.conn.write(seg(MSS + MSS - 12));
    expect(f.sent.map((s) => [s.payload.length, s.options?.sackBlocks?.length ?? 0])).toEqual([
      [MSS, 0],
      // MSS - 12 bytes leave 12 option bytes: the 4-byte header and one block.
      [MSS - 12, 1],
    ]);
  });

  it("without SACK agreed, out-of-order arrivals get plain duplicate ACKs", () => {
    const f = establishedWith({ windowScale: false, timestamps: false }, { mss: MSS });
    f.recv({ seq: R(101), ack: L(1), flags: ACK, payload: seg(100) });
    expect(f.sent[0].options).toBeUndefined();
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
  });
});

describe("RFC 2883 D-SACK", () => {
  const withDsack = () => withSack(false);

  it("can be turned off: a duplicate then draws a plain ACK", () => {
    const f = establishedWith(
      { windowScale: false, timestamps: false, dsack: false },
      { mss: MSS, sackPermitted: true },
    );
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: seg(100) });
    f.clock.advance(40);
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: seg(100) });
    expect(f.sent[0].options).toBeUndefined();
  });

  it("a segment we already acknowledged is reported once, as the first block of the ACK it draws", () => {
    const f = withDsack();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: seg(100) });
    f.clock.advance(40);
    f.expectSent([{ seq: L(1), ack: R(101), flags: ACK }]);
    // A spurious retransmission of the same bytes.
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: seg(100) });
    f.expectSent([{ seq: L(1), ack: R(101), flags: ACK, options: { sackBlocks: [{ left: R(1), right: R(101) }] } }]);
    // Only once: the next ACK carries no block.
    f.recv({ seq: R(101), ack: L(1), flags: ACK, payload: seg(10) });
    f.clock.advance(40);
    expect(f.sent[0].options).toBeUndefined();
  });

  it("a segment partly old reports the old part ahead of the reassembly blocks, and is ACKed at once", () => {
    const f = withDsack();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: seg(100) });
    f.recv({ seq: R(301), ack: L(1), flags: ACK, payload: seg(100) });
    f.sent.length = 0;
    f.recv({ seq: R(51), ack: L(1), flags: ACK, payload: seg(100) });
    f.expectSent([
      {
        seq: L(1),
        ack: R(151),
        flags: ACK,
        options: {
          sackBlocks: [
            { left: R(51), right: R(101) },
            { left: R(301), right: R(401) },
          ],
        },
      },
    ]);
  });
});
