import { describe, expect, it } from "vitest";
import type { TcpConfig } from "../../src/tcp/config.js";
import {
  ACK,
  CWR,
  ECE,
  fixture,
  L,
  LOCAL_ISS,
  MSS,
  PSH,
  R,
  REMOTE_ISS,
  SYN,
  synSent,
  type Fixture,
} from "./fixture.js";

/** RFC 3168 §5: the ECN field's code points in the TOS byte. */
const ECT0 = 2;
const CE = 3;
const data = (n: number) => new Uint8Array(n);
const BASE: Partial<TcpConfig> = {
  ecn: true,
  windowScale: false,
  timestamps: false,
  sack: false,
  noDelay: true,
  congestionControl: "newreno",
};

/** Active open with ECN on; the peer's SYN-ACK carries `synAckFlags` (an ECN-setup SYN-ACK by default). */
function active(cfg: Partial<TcpConfig> = {}, synAckFlags = SYN | ACK | ECE): Fixture {
  const f = synSent({ ...BASE, ...cfg });
  f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: synAckFlags, options: { mss: MSS } });
  f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
  return f;
}

/** Passive open: the peer's SYN carries `synFlags`; returns the fixture with our SYN-ACK not yet checked. */
function passive(cfg: Partial<TcpConfig>, synFlags: number): Fixture {
  const f = fixture({ ...BASE, ...cfg });
  f.conn.openPassive({ seq: REMOTE_ISS, ack: 0, flags: synFlags, window: 65535, options: { mss: MSS } });
  return f;
}

/**
 * Established by an ECN-setup SYN-ACK 100 ms after the SYN (SRTT 100 ms), `n` segments sent (as many as cwnd
 * lets go) and `queued` more written behind them.
 */
function sending(n: number, queued = 0): Fixture {
  const f = synSent(BASE);
  f.clock.advance(100);
  f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK | ECE, options: { mss: MSS } });
  f.sent.length = 0;
  f.conn.write(data((n + queued) * MSS));
  expect(f.sent.map((s) => s.tos)).toEqual(Array(n).fill(ECT0));
  f.sent.length = 0;
  return f;
}

describe("RFC 3168 §6.1.1 ECN setup", () => {
  it("an active open with ECN on sends an ECN-setup SYN (ECE and CWR), not ECT; an ECN-setup SYN-ACK agrees", () => {
    const f = fixture(BASE);
    f.conn.openActive();
    expect(f.sent).toMatchObject([{ seq: LOCAL_ISS, flags: SYN | ECE | CWR, tos: 0 }]);
    f.sent.length = 0;
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK | ECE, options: { mss: MSS } });
    // The handshake's ACK is a pure ACK: no ECT, no ECE.
    expect(f.sent).toMatchObject([{ seq: L(1), ack: R(1), flags: ACK, tos: 0 }]);
    expect(f.conn.info()).toMatchObject({ state: "ESTABLISHED", ecn: true, ecnReductions: 0 });
  });

  it("with ECN off (the default) the SYN carries neither bit and an ECE on the SYN-ACK agrees to nothing", () => {
    const f = synSent({ ...BASE, ecn: undefined });
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK | ECE, options: { mss: MSS } });
    f.sent.length = 0;
    f.conn.write(data(10));
    expect(f.sent).toMatchObject([{ seq: L(1), flags: ACK | PSH, tos: 0 }]);
    expect(f.conn.info().ecn).toBe(false);
  });

  it("a SYN-ACK without ECE is a peer without ECN: data goes Not-ECT", () => {
    const f = active({}, SYN | ACK);
    expect(f.conn.info().ecn).toBe(false);
    f.conn.write(data(10));
    expect(f.sent).toMatchObject([{ seq: L(1), flags: ACK | PSH, tos: 0 }]);
  });

  it("a SYN-ACK with ECE and CWR both set is not an ECN-setup SYN-ACK (§6.1.1)", () => {
    const f = active({}, SYN | ACK | ECE | CWR);
    expect(f.conn.info().ecn).toBe(false);
  });

  it("a retransmitted SYN goes without ECE and CWR, and then an ECE on the SYN-ACK agrees to nothing (§6.1.1.1)", () => {
    const f = fixture(BASE);
    f.conn.openActive();
    f.sent.length = 0;
    f.clock.advance(1000);
    expect(f.sent).toMatchObject([{ seq: LOCAL_ISS, flags: SYN, tos: 0 }]);
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK | ECE, options: { mss: MSS } });
    expect(f.conn.info()).toMatchObject({ state: "ESTABLISHED", ecn: false });
  });

  it("a passive open answers an ECN-setup SYN with ECE alone on the SYN-ACK, not ECT", () => {
    const f = passive({}, SYN | ECE | CWR);
    expect(f.sent).toMatchObject([{ seq: LOCAL_ISS, ack: R(1), flags: SYN | ACK | ECE, tos: 0 }]);
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    expect(f.conn.info()).toMatchObject({ state: "ESTABLISHED", ecn: true });
    f.conn.write(data(10));
    expect(f.sent).toMatchObject([{ seq: L(1), flags: ACK | PSH, tos: ECT0 }]);
  });

  it("a passive open does not answer a SYN with ECE alone, nor any SYN when ECN is off", () => {
    const half = passive({}, SYN | ECE);
    expect(half.sent).toMatchObject([{ seq: LOCAL_ISS, flags: SYN | ACK, tos: 0 }]);
    const off = passive({ ecn: false }, SYN | ECE | CWR);
    expect(off.sent).toMatchObject([{ seq: LOCAL_ISS, flags: SYN | ACK, tos: 0 }]);
    off.sent.length = 0;
    off.recv({ seq: R(1), ack: L(1), flags: ACK });
    expect(off.conn.info().ecn).toBe(false);
  });
});

describe("RFC 3168 §6.1.2, §6.1.4-6: which segments are ECT", () => {
  it("new data is ECT(0); pure ACKs, retransmissions and window probes are not", () => {
    const f = sending(2);
    // A pure ACK for the peer's data.
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: "x" });
    f.clock.advance(40);
    expect(f.sent).toMatchObject([{ seq: L(1 + 2 * MSS), ack: R(2), flags: ACK, tos: 0 }]);
    f.sent.length = 0;
    // The RTO resends the first segment: Not-ECT (§6.1.5).
    f.clock.advance(1000);
    expect(f.sent.length).toBeGreaterThan(0);
    expect(f.sent.every((s) => s.seq === L(1) && s.payload.length === MSS && s.tos === 0)).toBe(true);
    expect(f.conn.info().timeouts).toBeGreaterThan(0);
    f.sent.length = 0;
    // Everything acknowledged with a zero window; the persist timer's probe is Not-ECT (§6.1.6).
    f.recv({ seq: R(2), ack: L(1 + 2 * MSS), flags: ACK, window: 0 });
    f.conn.write(data(100));
    f.sent.length = 0;
    f.clock.advance(60_000);
    expect(f.sent.length).toBeGreaterThan(0);
    expect(f.sent[0]).toMatchObject({ seq: L(1 + 2 * MSS), tos: 0 });
    expect(f.sent[0].payload.length).toBe(1);
  });
});

describe("RFC 3168 §6.1.3 the receiver: CE -> ECE until CWR", () => {
  it("a CE-marked segment is acknowledged at once with ECE, every ACK carries ECE until a CWR arrives", () => {
    const f = active();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "a", tos: CE });
    expect(f.sent).toMatchObject([{ seq: L(1), ack: R(2), flags: ACK | ECE, tos: 0 }]);
    f.sent.length = 0;
    // Unmarked data: the delayed ACK still echoes.
    f.recv({ seq: R(2), ack: L(1), flags: ACK, payload: "b", tos: ECT0 });
    f.clock.advance(40);
    expect(f.sent).toMatchObject([{ ack: R(3), flags: ACK | ECE }]);
    f.sent.length = 0;
    // Our own data carries it too.
    f.conn.write(data(5));
    expect(f.sent).toMatchObject([{ seq: L(1), ack: R(3), flags: ACK | PSH | ECE, tos: ECT0 }]);
    f.sent.length = 0;
    // CWR ends the echo.
    f.recv({ seq: R(3), ack: L(6), flags: ACK | CWR, payload: "c", tos: ECT0 });
    f.clock.advance(40);
    expect(f.sent).toMatchObject([{ ack: R(4), flags: ACK }]);
    expect(f.conn.info().ecnReductions).toBe(0);
  });

  it("a CWR segment that was itself CE-marked starts the echo again", () => {
    const f = active();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "a", tos: CE });
    f.sent.length = 0;
    f.recv({ seq: R(2), ack: L(1), flags: ACK | CWR, payload: "b", tos: CE });
    expect(f.sent).toMatchObject([{ ack: R(3), flags: ACK | ECE }]);
  });

  it("a CE mark on an unacceptable segment is ignored", () => {
    const f = active();
    f.recv({ seq: R(100_000), ack: L(1), flags: ACK, payload: "a", tos: CE });
    expect(f.sent).toMatchObject([{ ack: R(1), flags: ACK }]);
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "a", tos: ECT0 });
    f.clock.advance(40);
    expect(f.sent).toMatchObject([{ ack: R(2), flags: ACK }]);
  });
});

describe("RFC 3168 §6.1.2 the sender: ECE -> one reduction per window, CWR, nothing resent", () => {
  it("an ECE halves cwnd once for the window, resends nothing, and the next new segment alone carries CWR", () => {
    const f = sending(10, 20);
    expect(f.conn.info().cwnd).toBe(10 * MSS);
    f.clock.advance(100);
    // ACK of segment 0 with ECE: NewReno's ssthresh is half the flight the ACK found (10 segments), not the 9
    // left after it: cwnd is halved, as §6.1.2 has it.
    f.recv({ seq: R(1), ack: L(1 + MSS), flags: ACK | ECE });
    const cut = f.conn.info();
    expect(cut).toMatchObject({ ssthresh: 5 * MSS, retransmits: 0, ecnReductions: 1 });
    expect(cut.cwnd).toBe(cut.ssthresh);
    expect(f.events.filter((e) => e.type === "cwnd")).toMatchObject([{ reason: "ecn-echo", cwnd: cut.cwnd }]);
    expect(f.traces).toContain(`${f.conn.id} ECN-Echo, cwnd=${cut.cwnd}`);
    // cwnd (5 segments) is below the flight (9): nothing is sent, and certainly nothing resent.
    expect(f.sent).toEqual([]);
    // More ECEs for data sent before the reduction change nothing.
    for (let k = 2; k <= 6; k++) f.recv({ seq: R(1), ack: L(1 + k * MSS), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ ecnReductions: 1, retransmits: 0 });
    expect(f.sent.length).toBeGreaterThan(0);
    expect(f.sent.every((s) => s.seq >= L(1 + 10 * MSS) && s.tos === ECT0)).toBe(true);
    expect(f.sent.map((s) => (s.flags & CWR) !== 0)).toEqual([true, ...Array(f.sent.length - 1).fill(false)]);
    f.sent.length = 0;
    // An ECE on an ACK covering data sent after the reduction is new congestion: a second reduction.
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: L(1 + 11 * MSS), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ ecnReductions: 2, retransmits: 0 });
    f.recv({ seq: R(1), ack: L(1 + 14 * MSS), flags: ACK });
    expect(f.sent.filter((s) => s.flags & CWR).length).toBe(1);
  });

  it("an ECE during loss recovery takes no second cut, but CWR still goes out", () => {
    const f = sending(10, 5);
    f.clock.advance(100);
    for (let k = 0; k < 3; k++) f.recv({ seq: R(1), ack: L(1), flags: ACK });
    expect(f.conn.info()).toMatchObject({ fastRetransmits: 1 });
    const before = f.conn.info();
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(1), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ ecnReductions: 0, ssthresh: before.ssthresh });
    // The retransmission's ACK ends recovery (NewReno, RFC 6582); the first new segment after the ECE
    // carries CWR (Limited Transmit sent two before it, without).
    f.recv({ seq: R(1), ack: L(1 + 12 * MSS), flags: ACK });
    const fresh = f.sent.filter((s) => s.seq >= L(1 + 12 * MSS));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.map((s) => s.flags & CWR)).toEqual([CWR, ...Array(fresh.length - 1).fill(0)]);
  });

  it("a loss in the window an ECE already cut for is resent without a second cut", () => {
    const f = sending(10, 5);
    f.clock.advance(100);
    // Segment 0's ACK echoes CE: ssthresh = cwnd = 5 segments.
    f.recv({ seq: R(1), ack: L(1 + MSS), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, ecnReductions: 1 });
    f.sent.length = 0;
    // Segment 1 was lost from the same window: three duplicate ACKs. §6.1.2: "the congestion window should
    // be reduced only once in response to a series of dropped and/or CE packets from a single window".
    for (let k = 0; k < 3; k++) f.recv({ seq: R(1), ack: L(1 + MSS), flags: ACK });
    expect(f.sent.filter((s) => s.seq === L(1 + MSS))).toHaveLength(1);
    expect(f.conn.info()).toMatchObject({ fastRetransmits: 1, ssthresh: 5 * MSS, ecnReductions: 1 });
  });

  it("an ECE for the window a loss already cut for takes no second cut", () => {
    const f = sending(10, 5);
    f.clock.advance(100);
    for (let k = 0; k < 3; k++) f.recv({ seq: R(1), ack: L(1), flags: ACK });
    const { ssthresh } = f.conn.info();
    // Recovery ends; the ECE comes on an ACK of data sent before the loss cut.
    f.recv({ seq: R(1), ack: L(1 + 10 * MSS), flags: ACK });
    f.recv({ seq: R(1), ack: L(1 + 11 * MSS), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ ssthresh, ecnReductions: 0 });
  });

  it("an ECE-carrying ACK does not grow cwnd", () => {
    const f = sending(10);
    const { cwnd } = f.conn.info();
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: L(1 + 10 * MSS), flags: ACK | ECE });
    // Slow start would have added 2 MSS before the cut; the cut is from cwnd as it was.
    expect(f.conn.info()).toMatchObject({ ssthresh: cwnd / 2, cwnd: cwnd / 2 });
  });

  it("§6.1.2 with cwnd at one segment, an ECE restarts the retransmission timer and the next new segment waits for it", () => {
    const f = sending(1);
    f.conn.cc.cwnd = MSS;
    f.conn.write(data(3 * MSS));
    expect(f.sent).toEqual([]);
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: L(1 + MSS), flags: ACK | ECE });
    const { rto } = f.conn.info();
    // cwnd cannot halve below one segment; ssthresh is cut (at least two segments), and nothing goes now.
    expect(f.conn.info()).toMatchObject({ cwnd: MSS, ssthresh: 2 * MSS, ecnReductions: 1 });
    expect(f.sent).toEqual([]);
    f.clock.advance(rto - 1);
    expect(f.sent).toEqual([]);
    f.clock.advance(1);
    // The timer only paced the segment: it goes (new data, ECT, CWR), and it counts as no timeout.
    expect(f.sent).toMatchObject([{ seq: L(1 + MSS), tos: ECT0 }]);
    expect(f.sent[0].flags & CWR).toBe(CWR);
    expect(f.conn.info()).toMatchObject({ timeouts: 0, retransmits: 0 });
  });

  it("an RTO is a reduction too: CWR on the first new data after it, and ECEs of that window take no cut", () => {
    const f = sending(2);
    const { rto } = f.conn.info();
    f.clock.advance(rto);
    expect(f.sent.map((s) => s.seq)).toEqual([L(1)]);
    expect(f.sent[0].flags & CWR).toBe(0);
    f.sent.length = 0;
    f.conn.write(data(MSS));
    f.recv({ seq: R(1), ack: L(1 + 2 * MSS), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ timeouts: 1, ecnReductions: 0 });
    const fresh = f.sent.filter((s) => s.seq >= L(1 + 2 * MSS));
    expect(fresh).toHaveLength(1);
    expect(fresh[0].flags & CWR).toBe(CWR);
  });

  it("without ECN agreed an ECE is ignored", () => {
    const f = synSent({ ...BASE, ecn: false });
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK, options: { mss: MSS } });
    f.conn.write(data(10 * MSS));
    f.recv({ seq: R(1), ack: L(1 + MSS), flags: ACK | ECE });
    expect(f.conn.info()).toMatchObject({ ecnReductions: 0, ssthresh: 0x7fffffff });
  });
});
