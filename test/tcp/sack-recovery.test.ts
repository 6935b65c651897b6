import { describe, expect, it } from "vitest";
import type { TcpConfig } from "../../src/tcp/config.js";
import { CUBIC_BETA } from "../../src/tcp/cubic.js";
import { ACK, L, LOCAL_ISS, MSS, R, SYN, synSent, type Fixture } from "./fixture.js";
import { establishedWith } from "./options-helpers.js";

const data = (n: number) => new Uint8Array(n);
/** Start of segment k (0-based) of our data. */
const S = (k: number) => L(1 + k * MSS);
/** SACK blocks covering segments [a, b) for each pair. */
const blocks = (...pairs: Array<[number, number]>) => ({
  sackBlocks: pairs.map(([a, b]) => ({ left: S(a), right: S(b) })),
});

/** SACK agreed, no timestamps (full-sized MSS), Nagle off; `segments` full segments written. */
function sending(segments: number, cfg: Partial<TcpConfig> = {}): Fixture {
  const f = establishedWith(
    {
      windowScale: false,
      timestamps: false,
      noDelay: true,
      congestionControl: "newreno",
      lossRecovery: "rfc6675",
      ...cfg,
    },
    { mss: MSS, sackPermitted: true },
  );
  f.conn.write(data(segments * MSS));
  return f;
}
const seqs = (f: Fixture) => f.sent.splice(0).map((s) => [(s.seq - S(0)) / MSS, s.payload.length]);
const dup = (f: Fixture, ...pairs: Array<[number, number]>) =>
  f.recv({ seq: R(1), ack: S(0), flags: ACK, options: blocks(...pairs) });

/** Ten segments out, segment 0 lost, 1..3 SACKed one duplicate at a time: recovery starts, 0 is resent. */
function recovering(cfg: Partial<TcpConfig> = {}): Fixture {
  const f = sending(10, cfg);
  f.sent.length = 0;
  dup(f, [1, 2]);
  dup(f, [1, 3]);
  dup(f, [1, 4]);
  expect(seqs(f)).toEqual([[0, MSS]]);
  return f;
}

describe("RFC 6675 SACK-based loss recovery", () => {
  it("limited transmit on the first two duplicates, then recovery on the third: cwnd = ssthresh, the hole resent once", () => {
    const f = sending(12);
    // IW10: ten segments out, two wait.
    expect(seqs(f).length).toBe(10);
    // Segment 0 is lost; 1, 2, 3 arrive and are SACKed. Each of the first two duplicates lets one new segment go.
    dup(f, [1, 2]);
    expect(seqs(f)).toEqual([[10, MSS]]);
    dup(f, [1, 3]);
    expect(seqs(f)).toEqual([[11, MSS]]);
    expect(f.conn.info().sackedBytes).toBe(2 * MSS);
    dup(f, [1, 4]);
    // Recovery: ssthresh = FlightSize / 2 (NewReno), FlightSize without the two segments Limited Transmit
    // sent (RFC 5681 §3.2 step 2): 10 / 2; cwnd = ssthresh; only the lost segment goes (pipe = 9 > 5).
    expect(seqs(f)).toEqual([[0, MSS]]);
    const i = f.conn.info();
    expect(i.ssthresh).toBe(5 * MSS);
    expect(i.cwnd).toBe(5 * MSS);
    expect(i.fastRetransmits).toBe(1);
    expect(f.traces).toContain(`${f.conn.id} fast retransmit, recovery start (SACK), cwnd=${5 * MSS}`);
  });

  it("while recovering, new data goes out only as SACKs take bytes out of the pipe", () => {
    const f = sending(12);
    f.sent.length = 0;
    dup(f, [1, 2]);
    dup(f, [1, 3]);
    dup(f, [1, 4]);
    f.sent.length = 0;
    f.conn.write(data(5 * MSS));
    // pipe = 1 (segment 0, resent) + 8 (segments 4..11) = 9 segments against cwnd 5: nothing may go.
    expect(f.sent).toEqual([]);
    dup(f, [1, 5]);
    dup(f, [1, 6]);
    dup(f, [1, 7]);
    dup(f, [1, 8]);
    expect(f.sent).toEqual([]);
    // pipe 8 -> 7 -> 6 -> 5 -> 4: one segment of room, for new data (segment 12), then one per SACKed segment.
    dup(f, [1, 9]);
    expect(seqs(f)).toEqual([[12, MSS]]);
    dup(f, [1, 10]);
    expect(seqs(f)).toEqual([[13, MSS]]);
  });

  it("a second hole becomes lost once three segments above it are SACKed (IsLost) and is resent; the full ACK ends recovery", () => {
    // Segments 0 and 4 are lost.
    const f = recovering();
    expect(f.conn.info().cwnd).toBe(5 * MSS);
    dup(f, [1, 4], [5, 6]);
    dup(f, [1, 4], [5, 7]);
    // Segment 4 has only two segments SACKed above it: not lost yet.
    expect(f.sent).toEqual([]);
    dup(f, [1, 4], [5, 8]);
    // Rule (1) resends 4; with room left and nothing else to send, rule (4) resends the tail (9) once.
    expect(seqs(f)).toEqual([
      [4, MSS],
      [9, MSS],
    ]);
    // The resent segment 0 arrives: a partial ACK up to the second hole. Recovery goes on, cwnd unchanged.
    f.recv({ seq: R(1), ack: S(4), flags: ACK, options: blocks([5, 8]) });
    expect(f.conn.info()).toMatchObject({ cwnd: 5 * MSS, sackedBytes: 3 * MSS });
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(false);
    f.recv({ seq: R(1), ack: S(10), flags: ACK });
    expect(f.traces).toContain(`${f.conn.id} recovery end, cwnd=${5 * MSS}`);
    expect(f.conn.info()).toMatchObject({ cwnd: 5 * MSS, ssthresh: 5 * MSS, sackedBytes: 0, retransmits: 3 });
  });

  it("rule (4): with nothing else to send, the tail is resent once per recovery (rescue retransmission)", () => {
    // Segments 0 and 9 are lost: 9 is above every SACK, so never "lost" by IsLost.
    const f = recovering();
    // pipe = 1 (segment 0, resent) + segments 4..9 = 7 against cwnd 5; each SACK takes one out.
    dup(f, [1, 5]);
    dup(f, [1, 6]);
    expect(f.sent).toEqual([]);
    // pipe 4: no lost hole, no new data, no hole below the highest SACK: the rescue sends segment 9.
    dup(f, [1, 7]);
    expect(seqs(f)).toEqual([[9, MSS]]);
    // Once only.
    dup(f, [1, 8]);
    dup(f, [1, 9]);
    expect(f.sent).toEqual([]);
    f.recv({ seq: R(1), ack: S(10), flags: ACK });
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(true);
    expect(f.conn.info().timeouts).toBe(0);
  });

  it("with CUBIC the loss cuts ssthresh to 0.7 * FlightSize", () => {
    const f = recovering({ congestionControl: "cubic" });
    expect(f.conn.info().ssthresh).toBe(Math.floor(10 * MSS * CUBIC_BETA));
    expect(f.conn.info().cwnd).toBe(Math.floor(10 * MSS * CUBIC_BETA));
  });

  it("duplicates that SACK nothing new do not count; without SACK blocks no recovery starts", () => {
    const f = sending(10);
    f.sent.length = 0;
    dup(f, [1, 2]);
    dup(f, [1, 2]);
    dup(f, [1, 2]);
    f.recv({ seq: R(1), ack: S(0), flags: ACK });
    expect(f.sent).toEqual([]);
    expect(f.conn.info().fastRetransmits).toBe(0);
  });

  it("a lost retransmission is resent on the SACK that proves it lost (RFC 8985 §6.2), without an RTO", () => {
    const f = recovering();
    f.conn.write(data(10 * MSS));
    // The resent segment 0 left with SND.MAX at segment 10. 4..9 are SACKed: new data 10, 11, ... goes.
    for (let k = 5; k <= 10; k++) dup(f, [1, k]);
    expect(seqs(f).map(([k]) => k)).toEqual([10, 11, 12, 13]);
    // Segment 10, sent after the retransmission of 0, arrives while 0 is still missing: that copy was lost.
    // It goes again at once, out of the pipe (0 + 10..13 = 5, less 10 SACKed, less 0 lost = 3 against cwnd
    // 5), and then new data 14.
    dup(f, [1, 11]);
    expect(seqs(f)).toEqual([
      [0, MSS],
      [14, MSS],
    ]);
    // Proven once, resent once: SACKs of data sent before the second copy prove nothing more.
    dup(f, [1, 12]);
    expect(seqs(f)).toEqual([[15, MSS]]);
    dup(f, [1, 13]);
    expect(seqs(f)).toEqual([[16, MSS]]);
    expect(f.conn.info()).toMatchObject({ timeouts: 0, fastRetransmits: 1, retransmits: 2, cwnd: 5 * MSS });
    expect(f.traces).toContain(`${f.conn.id} lost retransmission found, ${MSS} bytes`);
    // The second copy arrives: the cumulative ACK passes RecoveryPoint and ends the recovery.
    f.recv({ seq: R(1), ack: S(17), flags: ACK });
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(true);
  });

  it("a retransmission with no data sent after it is left to the timer", () => {
    const f = recovering();
    // Nothing new to send: only the rescue retransmission of the tail (9) goes, and SACKs of the old window
    // never prove the resent segment 0 lost.
    for (let k = 5; k <= 10; k++) dup(f, [1, k]);
    expect(seqs(f)).toEqual([[9, MSS]]);
    expect(f.conn.info().retransmits).toBe(2);
    f.clock.advance(f.conn.info().rto);
    expect(seqs(f)).toEqual([[0, MSS]]);
    expect(f.conn.info().timeouts).toBe(1);
  });

  it("an RTO inside the recovery's window keeps the ssthresh the recovery set; one after it recomputes", () => {
    // CUBIC: recovery on segment 0 with ten out cuts ssthresh to 0.7 * 10 segments.
    const f = recovering({ congestionControl: "cubic" });
    const cut = Math.floor(10 * MSS * CUBIC_BETA);
    f.conn.write(data(20 * MSS));
    // 4..9 arrive and are SACKed: the pipe drains and recovery sends new data (10, 11, ...), growing
    // FlightSize (SND.MAX - SND.UNA) past the window that was cut.
    for (let k = 5; k <= 10; k++) dup(f, [1, k]);
    expect(seqs(f).map(([k]) => k)).toEqual([10, 11, 12, 13, 14, 15]);
    // The retransmission of 0 is lost: the RTO fires with 16 segments outstanding.
    f.clock.advance(f.conn.info().rto);
    expect(seqs(f)).toEqual([[0, MSS]]);
    // Same congestion event: ssthresh stays (0.7 * 16 segments would be 15.4 kB, above the cut).
    expect(f.conn.info()).toMatchObject({ cwnd: MSS, ssthresh: cut, timeouts: 1 });
    // Everything through 15 acknowledged: slow start (cwnd 1 + 2 segments) sends 16..18. Their loss is a new
    // congestion event, so that timeout recomputes ssthresh from its own FlightSize: 0.7 * 3 segments.
    f.recv({ seq: R(1), ack: S(16), flags: ACK });
    expect(seqs(f)).toEqual([
      [16, MSS],
      [17, MSS],
      [18, MSS],
    ]);
    f.clock.advance(f.conn.info().rto);
    expect(seqs(f)).toEqual([[16, MSS]]);
    expect(f.conn.info()).toMatchObject({ cwnd: MSS, ssthresh: Math.floor(3 * MSS * CUBIC_BETA), timeouts: 2 });
  });

  it("an RTO ends recovery; going back from SND.UNA skips what the peer SACKed", () => {
    const f = sending(10);
    f.sent.length = 0;
    // Segments 0 and 2 lost, 1 and 3..6 SACKed. Recovery resends 0 at once, and 2 once it counts as lost
    // (three segments SACKed above it) and the pipe has room.
    dup(f, [1, 2]);
    dup(f, [1, 2], [3, 4]);
    dup(f, [1, 2], [3, 5]);
    expect(seqs(f)).toEqual([[0, MSS]]);
    dup(f, [1, 2], [3, 6]);
    expect(f.sent).toEqual([]);
    dup(f, [1, 2], [3, 7]);
    expect(seqs(f)).toEqual([[2, MSS]]);
    // Both retransmissions are lost too: the RTO fires.
    f.clock.advance(f.conn.info().rto);
    expect(seqs(f)).toEqual([[0, MSS]]);
    expect(f.conn.info().cwnd).toBe(MSS);
    expect(f.traces.filter((t) => t.includes("recovery end"))).toEqual([]);
    // The peer now has 0 and 1: cumulative ACK to 2, segments 3..6 still SACKed. Going back from SND.UNA
    // resends 2 and skips 3..6 (which the two-segment window counts as in flight).
    f.recv({ seq: R(1), ack: S(2), flags: ACK, options: blocks([3, 7]) });
    expect(seqs(f)).toEqual([[2, MSS]]);
    // Everything through 6 arrives: 7, 8, 9 (never SACKed) follow.
    f.recv({ seq: R(1), ack: S(7), flags: ACK });
    expect(seqs(f)).toEqual([
      [7, MSS],
      [8, MSS],
      [9, MSS],
    ]);
    expect(f.conn.info()).toMatchObject({ fastRetransmits: 1, timeouts: 1, sackedBytes: 0 });
  });
});

describe("RFC 6675 recovery: undo of a spurious episode (RFC 2883 §5, RFC 3522, RFC 4015) and F-RTO (RFC 5682)", () => {
  it("the one retransmission D-SACKed: the cut is taken back and the recovery ends", () => {
    const f = recovering();
    expect(f.conn.info().ssthresh).toBe(5 * MSS);
    // Everything acknowledged, and 0's second copy reported as a duplicate.
    f.recv({ seq: R(1), ack: S(10), flags: ACK, options: blocks([0, 1]) });
    expect(f.traces).toContain(`${f.conn.id} spurious recovery undone, cwnd=${10 * MSS}`);
    expect(f.conn.info()).toMatchObject({ ssthresh: 0x7fffffff, undos: 1 });
    expect(f.conn.info().cwnd).toBeGreaterThanOrEqual(10 * MSS);
  });

  it("without a D-SACK the retransmission was needed: the cut stands", () => {
    const f = recovering();
    f.recv({ seq: R(1), ack: S(10), flags: ACK });
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, cwnd: 5 * MSS, undos: 0 });
  });

  it("Eifel: the ACK of the retransmission echoes the original's timestamp: the cut is taken back", () => {
    const f = synSent({
      windowScale: false,
      timestamps: true,
      noDelay: true,
      congestionControl: "newreno",
      lossRecovery: "rfc6675",
    });
    const mss = MSS - 12;
    const T = (k: number) => L(1 + k * mss);
    const ts = (tsecr: number) => ({ timestamps: { tsval: 700_000 + f.clock.now(), tsecr } });
    f.clock.advance(100);
    f.recv({
      seq: R(0),
      ack: L(1),
      flags: SYN | ACK,
      window: 65535,
      options: { mss: MSS, sackPermitted: true, timestamps: { tsval: 700_000, tsecr: LOCAL_ISS } },
    });
    f.conn.write(data(10 * mss));
    f.sent.length = 0;
    // Our TSval is the clock plus the ISS: the ten segments carry 1100; three SACKed above 0 make it lost.
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: T(0), flags: ACK, options: { ...ts(1100), sackBlocks: [{ left: T(1), right: T(4) }] } });
    expect(f.sent.map((x) => (x.seq - T(0)) / mss)).toEqual([0]);
    expect(f.conn.info().ssthresh).toBe(5 * mss);
    f.clock.advance(10);
    // The cumulative ACK echoes 1100, the original's TSval, not 1200 (the retransmission's).
    f.recv({ seq: R(1), ack: T(10), flags: ACK, options: ts(1100) });
    expect(f.conn.info()).toMatchObject({ ssthresh: 0x7fffffff, cwnd: 10 * mss, undos: 1 });
  });

  /** Twenty segments written, ten out; nothing comes back until the RTO resends 0 with cwnd = 1 SMSS. */
  function timedOut(): Fixture {
    const f = sending(20);
    f.sent.length = 0;
    f.clock.advance(f.conn.info().rto);
    expect(seqs(f)).toEqual([[0, MSS]]);
    expect(f.conn.info()).toMatchObject({ timeouts: 1, cwnd: MSS });
    return f;
  }

  it("F-RTO: after the timeout the first ACK sends two new segments; a second advance makes it spurious: undone", () => {
    const f = timedOut();
    f.clock.advance(10);
    // The originals were only delayed: 0 and 1 arrive. Instead of going back to 1, two new segments go.
    f.recv({ seq: R(1), ack: S(2), flags: ACK });
    expect(seqs(f)).toEqual([
      [10, MSS],
      [11, MSS],
    ]);
    f.clock.advance(10);
    // 2 and 3 were never resent: the timeout was spurious.
    f.recv({ seq: R(1), ack: S(4), flags: ACK });
    expect(f.conn.info()).toMatchObject({ undos: 1, ssthresh: 0x7fffffff });
    expect(f.conn.info().cwnd).toBeGreaterThanOrEqual(10 * MSS);
    // Sending goes on from 12, not back from 4.
    expect(seqs(f)[0][0]).toBe(12);
  });

  it("F-RTO: a duplicate ACK second means loss: sending goes back to SND.UNA and the cut stands", () => {
    const f = timedOut();
    f.clock.advance(10);
    f.recv({ seq: R(1), ack: S(1), flags: ACK });
    expect(seqs(f)).toEqual([
      [10, MSS],
      [11, MSS],
    ]);
    f.clock.advance(10);
    // 10 and 11 arrived, 1.. are missing: a duplicate ACK.
    dup(f, [10, 12]);
    expect(f.conn.info()).toMatchObject({ undos: 0, ssthresh: 5 * MSS });
    f.recv({ seq: R(1), ack: S(1), flags: ACK, options: blocks([10, 12]) });
    expect(seqs(f)[0][0]).toBe(1);
  });
});
