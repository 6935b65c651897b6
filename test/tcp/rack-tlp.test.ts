import { describe, expect, it } from "vitest";
import type { TcpConfig } from "../../src/tcp/config.js";
import { ACK, L, LOCAL_ISS, MSS, R, REMOTE_ISS, SYN, synSent, type Fixture } from "./fixture.js";

const data = (n: number) => new Uint8Array(n);
/** Start of segment k (0-based) written after the first, timing segment. */
const S = (k: number) => L(1 + (k + 1) * MSS);
const blocks = (...pairs: Array<[number, number]>) => ({
  sackBlocks: pairs.map(([a, b]) => ({ left: S(a), right: S(b) })),
});
const seqs = (f: Fixture) => f.sent.splice(0).map((s) => (s.seq - S(0)) / MSS);
const sack = (f: Fixture, ack: number, ...pairs: Array<[number, number]>) =>
  f.recv({ seq: R(1), ack: S(ack), flags: ACK, options: blocks(...pairs) });

/**
 * SACK agreed (RACK-TLP, the default), no timestamps, Nagle off, NewReno. The SYN-ACK and one timing segment
 * each take 100 ms, so SRTT = RACK.min_RTT = 100 ms and the RTO is 250 ms; the clock stands at 200 ms.
 */
function rack(cfg: Partial<TcpConfig> = {}): Fixture {
  const f = synSent({ windowScale: false, timestamps: false, noDelay: true, congestionControl: "newreno", ...cfg });
  f.clock.advance(100);
  f.recv({
    seq: REMOTE_ISS,
    ack: LOCAL_ISS + 1,
    flags: SYN | ACK,
    window: 65535,
    options: { mss: MSS, sackPermitted: true },
  });
  f.conn.write(data(MSS));
  f.clock.advance(100);
  f.recv({ seq: R(1), ack: S(0), flags: ACK });
  f.sent.length = 0;
  expect(f.conn.info()).toMatchObject({ srtt: 100, rto: Math.max(250, cfg.minRto ?? 0), cwnd: 10 * MSS });
  return f;
}

/** `rack(cfg)` with `bytes` written and sent (the record of them cleared). */
function sent(bytes: number, cfg: Partial<TcpConfig> = {}): Fixture {
  const f = rack(cfg);
  f.conn.write(data(bytes));
  f.sent.length = 0;
  return f;
}

/** Ten segments out at 200 ms; 100 ms later the peer reports segments 1..3 (three SACKed): 0 is lost at once. */
function recovering(): Fixture {
  const f = rack();
  f.conn.write(data(10 * MSS));
  expect(seqs(f)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  f.clock.advance(100);
  sack(f, 0, [1, 4]);
  expect(seqs(f)).toEqual([0]);
  return f;
}

describe("RFC 8985 RACK: time-based loss detection", () => {
  it("is the default loss recovery with SACK", () => {
    expect(rack().conn.info().lossRecovery).toBe("rack");
  });

  it("§6.2 step 5: a segment sent before a delivered one is lost once older than RACK.rtt + reo_wnd (min_RTT/4), found by the reordering timer (§6.4)", () => {
    const f = sent(10 * MSS);
    f.clock.advance(100);
    // Segment 1 arrives, 0 does not: 0 was sent before it but is not yet 100 + 25 ms old.
    sack(f, 0, [1, 2]);
    expect(f.sent).toEqual([]);
    f.clock.advance(24);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([0]);
    expect(f.traces).toContain(`${f.conn.id} fast retransmit, recovery start (RACK), cwnd=${5 * MSS}`);
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, fastRetransmits: 1, timeouts: 0, lossProbes: 0 });
  });

  it("§6.2 step 4: with no reordering seen and DupThresh segments SACKed the window is zero: the hole goes at once", () => {
    const f = recovering();
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, sackedBytes: 3 * MSS });
  });

  it("§6.2 step 3: a segment delivered below RACK.fack, never resent, is reordering: the window stays min_RTT/4 with three SACKed", () => {
    const f = sent(10 * MSS);
    f.clock.advance(100);
    sack(f, 0, [1, 2]);
    f.clock.advance(10);
    // Segment 0 was only late: the cumulative ACK covers it, and 3..5 are SACKed above a new hole at 2.
    sack(f, 2, [3, 6]);
    expect(f.sent).toEqual([]);
    expect(f.conn.info().fastRetransmits).toBe(0);
    // Without the reordering this hole would go at once (previous test); now 2 waits reo_wnd = 25 ms.
    f.clock.advance(24);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([2]);
  });

  it("§6.2 step 3: a segment whose ACK the peer delayed, acknowledged by the ACK that SACKs past a hole, is not reordering", () => {
    const f = sent(10 * MSS);
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: S(3), flags: ACK });
    // 3 arrived (its ACK delayed), 4 is lost, 5 arrives: the ACK covers 3 and SACKs 5, above 3.
    sack(f, 4, [5, 6]);
    expect(f.sent).toEqual([]);
    // 6 and 7 arrive: three SACKed and no reordering seen, so reo_wnd = 0 and 4 goes at once.
    sack(f, 4, [5, 8]);
    expect(seqs(f)).toEqual([4]);
  });

  it("§6.2 step 4: a D-SACK doubles the window (reo_wnd_mult) for the next losses", () => {
    const f = recovering();
    f.clock.advance(50);
    // The resent 0 was spurious: the peer reports it as a duplicate (a D-SACK below the cumulative ACK).
    f.recv({ seq: R(1), ack: S(10), flags: ACK, options: blocks([0, 1]) });
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(true);
    f.conn.write(data(5 * MSS));
    expect(seqs(f)).toEqual([10, 11, 12, 13, 14]);
    f.clock.advance(100);
    sack(f, 10, [11, 12]);
    // reo_wnd = 2 * min_RTT / 4 = 50 ms now.
    f.clock.advance(49);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([10]);
  });

  it("§6.2: a lost retransmission is found when data sent after it is delivered, without an RTO", () => {
    const f = recovering();
    f.conn.write(data(4 * MSS));
    f.clock.advance(10);
    // Everything but 0 arrived: pipe = 1 (the resent 0) against cwnd 5, so four new segments go.
    sack(f, 0, [1, 10]);
    expect(seqs(f)).toEqual([10, 11, 12, 13]);
    f.clock.advance(100);
    // Segment 10 arrives, 0 still missing: its second copy was sent before 10, so it was lost too.
    sack(f, 0, [1, 11]);
    expect(seqs(f)).toEqual([0]);
    expect(f.conn.info()).toMatchObject({ timeouts: 0, fastRetransmits: 1, retransmits: 2 });
  });

  it("§6.3: on RTO recovery ends and sending restarts from SND.UNA, skipping what the peer SACKed", () => {
    const f = recovering();
    // The resent 0 is lost and nothing was sent after it: the RTO (250 ms after the first transmission) fires.
    f.clock.advance(150);
    expect(seqs(f)).toEqual([0]);
    expect(f.conn.info()).toMatchObject({ timeouts: 1, cwnd: MSS });
    // 0 and 1 arrive, 2 and 3 are SACKed: slow start gives cwnd 3 segments from SND.UNA = 2; going back skips
    // 2..3 and sends 4, the one segment that fits.
    f.recv({ seq: R(1), ack: S(2), flags: ACK, options: blocks([2, 4]) });
    expect(seqs(f)).toEqual([4]);
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(true);
  });
});

describe("RFC 6937 PRR-SSRB: how much recovery sends", () => {
  it("cwnd = pipe + sndcnt: proportional (ssthresh/RecoverFS of what is delivered) above ssthresh, then slow start up to it", () => {
    // In bytes, RecoverFS = 10 segments and ssthresh = 5. The ACK that started recovery delivered 3 (SACKed)
    // and the retransmission of 0 went: sndcnt = ceil(3 * 5/10) - 1 = 0.5 segment on pipe 7.
    const f = recovering();
    expect(f.conn.info().cwnd).toBe(7.5 * MSS);
    f.conn.write(data(10 * MSS));
    expect(seqs(f)).toEqual([]);
    // One segment delivered per ACK: prr_delivered 4 -> sndcnt 2 - 1 = 1 on pipe 6: segment 10 goes.
    sack(f, 0, [1, 5]);
    expect(seqs(f)).toEqual([10]);
    // prr_delivered 5 -> 2.5 - 2 = half a segment: nothing.
    sack(f, 0, [1, 6]);
    expect(seqs(f)).toEqual([]);
    // pipe reaches ssthresh (5): the slow start bound min(ssthresh - pipe, ...) = 0, then one per ACK.
    sack(f, 0, [1, 7]);
    expect(seqs(f)).toEqual([]);
    sack(f, 0, [1, 8]);
    expect(seqs(f)).toEqual([11]);
    sack(f, 0, [1, 9]);
    expect(seqs(f)).toEqual([12]);
    expect(f.conn.info().cwnd).toBe(5 * MSS);
  });

  it("recovery ends with cwnd = ssthresh", () => {
    const f = recovering();
    f.recv({ seq: R(1), ack: S(10), flags: ACK });
    expect(f.conn.info()).toMatchObject({ cwnd: 5 * MSS, ssthresh: 5 * MSS });
    expect(f.traces).toContain(`${f.conn.id} recovery end, cwnd=${5 * MSS}`);
  });
});

describe("undo of a spurious recovery (RFC 2883 §5 D-SACK, RFC 3522 Eifel, RFC 4015 response)", () => {
  it("every retransmission D-SACKed: the cut is taken back and the recovery ends", () => {
    const f = recovering();
    expect(f.conn.info().ssthresh).toBe(5 * MSS);
    f.clock.advance(50);
    f.recv({ seq: R(1), ack: S(10), flags: ACK, options: blocks([0, 1]) });
    expect(f.traces).toContain(`${f.conn.id} spurious recovery undone, cwnd=${10 * MSS}`);
    // Back in slow start, the same ACK grows the restored window by 2 SMSS.
    expect(f.conn.info()).toMatchObject({ cwnd: 12 * MSS, ssthresh: 0x7fffffff, undos: 1 });
  });

  it("one of two retransmissions needed: the cut stands", () => {
    const f = sent(10 * MSS);
    f.clock.advance(100);
    // 0 and 4 missing below three SACKed each: both resent.
    sack(f, 0, [1, 4], [5, 8]);
    expect(seqs(f)).toEqual([0, 4]);
    f.clock.advance(50);
    // 0's copy was a duplicate (D-SACK), 4's was needed.
    f.recv({ seq: R(1), ack: S(10), flags: ACK, options: blocks([0, 1]) });
    expect(f.conn.info()).toMatchObject({ cwnd: 5 * MSS, ssthresh: 5 * MSS, undos: 0 });
  });

  it("Eifel: the ACK of the retransmission echoes the original's timestamp: the cut is taken back", () => {
    const f = synSent({ windowScale: false, timestamps: true, noDelay: true, congestionControl: "newreno" });
    const mss = MSS - 12;
    const T = (k: number) => L(1 + k * mss);
    const ts = (tsecr: number) => ({ timestamps: { tsval: 700_000 + f.clock.now(), tsecr } });
    f.clock.advance(100);
    f.recv({
      seq: REMOTE_ISS,
      ack: LOCAL_ISS + 1,
      flags: SYN | ACK,
      window: 65535,
      options: { mss: MSS, sackPermitted: true, timestamps: { tsval: 700_000, tsecr: LOCAL_ISS } },
    });
    f.conn.write(data(10 * mss));
    f.sent.length = 0;
    // Our TSval is the clock plus the ISS: the ten segments carry 1100.
    f.clock.advance(100);
    f.recv({
      seq: R(1),
      ack: T(0),
      flags: ACK,
      options: { ...ts(1100), sackBlocks: [{ left: T(1), right: T(4) }] },
    });
    expect(f.sent.map((x) => (x.seq - T(0)) / mss)).toEqual([0]);
    expect(f.conn.info().ssthresh).toBe(5 * mss);
    f.clock.advance(10);
    // The cumulative ACK echoes 1100, the original's TSval, not 1200 (the retransmission's).
    f.recv({ seq: R(1), ack: T(10), flags: ACK, options: ts(1100) });
    expect(f.conn.info()).toMatchObject({ ssthresh: 0x7fffffff, cwnd: 10 * mss, undos: 1 });
  });
});

describe("RFC 5682 F-RTO: a spurious timeout", () => {
  /**
   * Twenty segments written, ten out at 200 ms; nothing comes back: the probe sends 10 at 400 ms, and the
   * RTO it re-armed resends 0 at 650.
   */
  function timedOut(): Fixture {
    const f = sent(20 * MSS);
    f.clock.advance(200);
    expect(seqs(f)).toEqual([10]);
    f.clock.advance(250);
    expect(seqs(f)).toEqual([0]);
    expect(f.conn.info()).toMatchObject({ timeouts: 1, cwnd: MSS });
    return f;
  }

  it("the first ACK after it sends two new segments; a second ACK advancing SND.UNA makes it spurious: the cut is undone", () => {
    const f = timedOut();
    f.clock.advance(10);
    // The originals were only delayed: 0 and 1 arrive. Instead of going back to 1, two new segments go.
    f.recv({ seq: R(1), ack: S(2), flags: ACK });
    expect(seqs(f)).toEqual([11, 12]);
    f.clock.advance(10);
    // 2 and 3 were never resent: the timeout was spurious.
    f.recv({ seq: R(1), ack: S(4), flags: ACK });
    expect(f.conn.info()).toMatchObject({ undos: 1, ssthresh: 0x7fffffff });
    expect(f.conn.info().cwnd).toBeGreaterThanOrEqual(10 * MSS);
    // Sending goes on from 13, not back from 4.
    expect(seqs(f)[0]).toBe(13);
  });

  it("a duplicate ACK second means loss: sending goes back to SND.UNA and the cut stands", () => {
    const f = timedOut();
    f.clock.advance(10);
    // Only the resent 0 arrived.
    f.recv({ seq: R(1), ack: S(1), flags: ACK });
    expect(seqs(f)).toEqual([11, 12]);
    f.clock.advance(10);
    // 10 and 11 arrived, 1.. are missing: a duplicate ACK.
    sack(f, 1, [10, 12]);
    expect(seqs(f)[0]).toBe(1);
    // The timeout cut ssthresh to half of the 11 segments out (0..9 and the probe), and that stands.
    expect(f.conn.info()).toMatchObject({ undos: 0, ssthresh: (11 * MSS) / 2 });
  });
});

describe("RFC 8985 §7 TLP: the tail loss probe", () => {
  it("§7.2 PTO = 2*SRTT after the last new data; §7.3 the probe is new data when the window has it, and the RTO is re-armed", () => {
    const f = rack();
    f.conn.write(data(12 * MSS));
    // IW10: ten go, two wait for cwnd.
    expect(seqs(f)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    f.clock.advance(199);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    // The probe ignores cwnd.
    expect(seqs(f)).toEqual([10]);
    expect(f.conn.info()).toMatchObject({ lossProbes: 1, retransmits: 0 });
    expect(f.traces).toContain(`${f.conn.id} tail loss probe, ${MSS} bytes`);
    // One probe per episode; the RTO, restarted by the probe, follows 250 ms later.
    f.clock.advance(249);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([0]);
    expect(f.conn.info().timeouts).toBe(1);
  });

  it("§7.3 with nothing new to send the probe resends the last segment", () => {
    const f = sent(10 * MSS);
    f.clock.advance(200);
    expect(seqs(f)).toEqual([9]);
    expect(f.conn.info()).toMatchObject({ lossProbes: 1, retransmits: 1 });
  });

  it("§7.2 with one segment out the PTO adds max_ack_delay (200 ms)", () => {
    const f = sent(MSS, { minRto: 1000 });
    f.clock.advance(399);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([0]);
  });

  it("§7.2 the PTO is at least 10 ms (Linux's floor): on a 1 ms path a probe waits 10 ms, not 2*SRTT", () => {
    const f = synSent({ windowScale: false, timestamps: false, noDelay: true, congestionControl: "newreno" });
    f.clock.advance(1);
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK, options: { mss: MSS, sackPermitted: true } });
    f.conn.write(data(MSS));
    f.clock.advance(1);
    f.recv({ seq: R(1), ack: S(0), flags: ACK });
    expect(f.conn.info().srtt).toBe(1);
    f.sent.length = 0;
    f.conn.write(data(4 * MSS));
    f.sent.length = 0;
    f.clock.advance(9);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([3]);
    expect(f.conn.info().lossProbes).toBe(1);
  });

  it("§7.2 on a 1 ms path with one segment out the PTO is 2*SRTT + max_ack_delay, above the floor", () => {
    const f = synSent({ windowScale: false, timestamps: false, noDelay: true, minRto: 1000 });
    f.clock.advance(1);
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK, options: { mss: MSS, sackPermitted: true } });
    f.conn.write(data(MSS));
    f.clock.advance(1);
    f.recv({ seq: R(1), ack: S(0), flags: ACK });
    f.sent.length = 0;
    f.conn.write(data(MSS));
    f.sent.length = 0;
    f.clock.advance(201);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([0]);
  });

  it("§7.2 no probe is armed while SACKed data is outstanding", () => {
    const f = sent(10 * MSS);
    f.clock.advance(100);
    sack(f, 0, [1, 2]);
    // The reordering timer resends 0 at 325 ms; no probe follows it.
    f.clock.advance(100);
    expect(seqs(f)).toEqual([0]);
    expect(f.conn.info().lossProbes).toBe(0);
  });

  it("§7.4 a probe that repaired a loss (the ACK passes it with no D-SACK) cuts the window", () => {
    const f = sent(10 * MSS);
    f.clock.advance(200);
    expect(seqs(f)).toEqual([9]);
    f.clock.advance(50);
    // Everything acknowledged: the probe's copy of 9 may be the only one that arrived. Not known yet.
    f.recv({ seq: R(1), ack: S(10), flags: ACK });
    expect(f.conn.info().ssthresh).toBe(0x7fffffff);
    f.conn.write(data(MSS));
    f.clock.advance(100);
    // No D-SACK came for 9 and the ACK moves past the probe: 9 had been lost, the probe repaired it. The cut
    // is from the ten segments the last round had out (RFC 7661 §4.4), not the one left outstanding.
    f.recv({ seq: R(1), ack: S(11), flags: ACK });
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, cwnd: 5 * MSS });
    expect(f.traces).toContain(`${f.conn.id} loss repaired by the probe, cwnd=${5 * MSS}`);
  });

  it("§6.2 step 2: RACK.rtt is the latest-sent segment's: an older one cumulatively acknowledged with the probe's SACK does not hold the losses", () => {
    const f = sent(10 * MSS);
    f.clock.advance(100);
    // 0..5 arrive; the peer delays its ACK of 6; 7..9 are lost.
    f.recv({ seq: R(1), ack: S(6), flags: ACK });
    f.clock.advance(200);
    expect(seqs(f)).toEqual([9]);
    f.clock.advance(100);
    // The probe arrives out of order: the peer's ACK covers 6 (sent 400 ms ago) and SACKs the probe (100 ms).
    // RACK.rtt = 100 ms: 7 and 8, sent 400 ms ago, are past 100 + 25 ms and lost now, not 25 ms after 400.
    sack(f, 7, [9, 10]);
    expect(seqs(f)).toEqual([7, 8]);
    expect(f.conn.info()).toMatchObject({ fastRetransmits: 1, timeouts: 0, lossProbes: 1 });
  });

  it("§7.4 a D-SACK of the probe shows nothing was lost: the window stays", () => {
    const f = sent(10 * MSS);
    f.clock.advance(250);
    expect(seqs(f)).toEqual([9]);
    f.clock.advance(50);
    f.recv({ seq: R(1), ack: S(10), flags: ACK, options: blocks([9, 10]) });
    f.conn.write(data(MSS));
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: S(11), flags: ACK });
    expect(f.conn.info().ssthresh).toBe(0x7fffffff);
    expect(f.traces.some((t) => t.includes("repaired"))).toBe(false);
  });

  it("rfc6675 stays selectable: the same tail waits for the RTO", () => {
    const f = rack({ lossRecovery: "rfc6675" });
    expect(f.conn.info().lossRecovery).toBe("rfc6675");
    f.conn.write(data(10 * MSS));
    f.sent.length = 0;
    f.clock.advance(249);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    expect(seqs(f)).toEqual([0]);
    expect(f.conn.info()).toMatchObject({ lossProbes: 0, timeouts: 1 });
  });
});
