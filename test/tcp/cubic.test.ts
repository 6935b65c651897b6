import { describe, expect, it } from "vitest";
import type { AckSample } from "../../src/tcp/congestion.js";
import { CUBIC_ALPHA, CUBIC_BETA, CUBIC_C, Cubic } from "../../src/tcp/cubic.js";
import { NewReno } from "../../src/tcp/newreno.js";
import { ACK, L, MSS, R, established, fixture } from "./fixture.js";
import { establishedWith } from "./options-helpers.js";

const data = (n: number) => new Uint8Array(n);

/**
 * A sender that fills whatever cwnd allows, as RFC 9438's growth formulas assume: more in flight than any
 * cwnd in these tests, so cwnd validation (RFC 7661, test/tcp/cwnd-validation.test.ts) never holds it back.
 */
const CWND_LIMITED = 2 ** 31;

/** An ACK of `segments` full segments at clock `now` (ms) with SRTT `srtt` (ms), from a cwnd-limited sender. */
function ack(segments: number, now: number, srtt: number): AckSample {
  return { acked: segments * MSS, ack: 0, flight: CWND_LIMITED, sndMax: 0, mss: MSS, now, srtt };
}

/** A CUBIC controller just after a loss at a window of `w` segments (everything in flight). */
function afterLoss(w: number): Cubic {
  const c = new Cubic(MSS, 0);
  c.cwnd = w * MSS;
  c.onLoss(w * MSS, MSS);
  return c;
}

describe("RFC 6928 initial window (both algorithms)", () => {
  for (const name of ["newreno", "cubic"] as const) {
    it(`${name}: IW = min(10*MSS, max(2*MSS, 14600))`, () => {
      expect(established({ congestionControl: name }).conn.info().cwnd).toBe(14600);
      const small = established({ congestionControl: name, noDelay: true }, 65535, 536);
      expect(small.conn.info()).toMatchObject({ cwnd: 5360, congestionControl: name });
      // Ten 536-byte segments leave at once; the eleventh waits for an ACK.
      small.conn.write(data(11 * 536));
      expect(small.sent.length).toBe(10);
    });
  }
});

describe("RFC 9438 CUBIC", () => {
  it("is the default, and reports itself in the connection info", () => {
    expect(fixture().conn.info().congestionControl).toBe("cubic");
  });

  it("§4.6 multiplicative decrease: ssthresh = 0.7 * flight, cwnd = ssthresh; W_max and cwnd_prior remember the window", () => {
    const c = afterLoss(100);
    expect(c.ssthresh).toBe(Math.floor(100 * MSS * CUBIC_BETA));
    expect(c.cwnd).toBe(c.ssthresh);
    expect(c.wMax).toBe(100);
    expect(c.prior).toBe(100);
  });

  it("§4.6 a flight that filled cwnd to within a segment is cut from cwnd (Linux's snd_cwnd); a shorter one from itself", () => {
    // cwnd 10.5 segments, 10 out: the half segment cwnd holds but no full segment fits is not lost at the cut.
    const limited = new Cubic(MSS, 0);
    limited.cwnd = 10.5 * MSS;
    limited.onLoss(10 * MSS, MSS);
    expect(limited.ssthresh).toBe(Math.floor(10.5 * MSS * CUBIC_BETA));
    // Application-limited: 6 segments out of a 10.5-segment cwnd; cwnd says nothing of what the path took.
    const idle = new Cubic(MSS, 0);
    idle.cwnd = 10.5 * MSS;
    idle.onLoss(6 * MSS, MSS);
    expect(idle.ssthresh).toBe(Math.floor(6 * MSS * CUBIC_BETA));
    // NewReno keeps RFC 5681 equation (4): FlightSize / 2, never more.
    const reno = new NewReno(MSS, 0);
    reno.cwnd = 10.5 * MSS;
    reno.onLoss(10 * MSS, MSS);
    expect(reno.ssthresh).toBe(5 * MSS);
  });

  it("§4.6 on the wire: after a cut to 6.3 segments, six out and segment 9 lost, ssthresh = 0.7 * cwnd", () => {
    const f = establishedWith(
      { windowScale: false, timestamps: false, noDelay: true, congestionControl: "cubic" },
      { mss: MSS, sackPermitted: true },
    );
    const S = (k: number) => L(1 + k * MSS);
    const sack = (ack: number, left: number, right: number) =>
      f.recv({ seq: R(1), ack: S(ack), flags: ACK, options: { sackBlocks: [{ left: S(left), right: S(right) }] } });
    // Nine segments out under IW 14600 (the application wrote no more): the first loss cuts from those nine.
    f.conn.write(data(9 * MSS));
    f.sent.length = 0;
    sack(0, 1, 2);
    expect(f.conn.info().ssthresh).toBe(Math.floor(9 * MSS * CUBIC_BETA));
    f.recv({ seq: R(1), ack: S(9), flags: ACK });
    expect(f.conn.info().cwnd).toBe(Math.floor(9 * MSS * CUBIC_BETA));
    // cwnd 9198 takes six segments (8760 bytes); the 438 left hold no seventh: the sender is cwnd-limited.
    f.sent.length = 0;
    f.conn.write(data(10 * MSS));
    expect(f.sent.splice(0).map((x) => x.seq)).toEqual([9, 10, 11, 12, 13, 14].map(S));
    sack(9, 10, 11);
    // The reply: segment 9 again, and the cut from cwnd (9198), not from the 8760 bytes out.
    expect(f.sent.map((x) => [x.seq, x.payload.length])).toEqual([[S(9), MSS]]);
    expect(f.conn.info().ssthresh).toBe(Math.floor(Math.floor(9 * MSS * CUBIC_BETA) * CUBIC_BETA));
  });

  it("§4.7 fast convergence: a loss below the last W_max sets W_max = cwnd * (1 + beta) / 2", () => {
    const c = afterLoss(100);
    c.cwnd = 80 * MSS;
    c.onLoss(80 * MSS, MSS);
    expect(c.wMax).toBeCloseTo((80 * (1 + CUBIC_BETA)) / 2, 10);
    // A loss above W_max just records the new maximum.
    c.cwnd = 90 * MSS;
    c.onLoss(90 * MSS, MSS);
    expect(c.wMax).toBe(90);
  });

  it("§4.2 the epoch starts at the first ACK in congestion avoidance with K = cbrt((W_max - cwnd_epoch) / C)", () => {
    const c = afterLoss(100);
    c.onAck(ack(1, 10_000, 100));
    expect(c.epochStart).toBe(10_000);
    expect(c.k).toBeCloseTo(Math.cbrt((100 - 70) / CUBIC_C), 10);
    expect(c.wCubic(c.k)).toBeCloseTo(100, 10);
    expect(c.wCubic(0)).toBeCloseTo(70, 10);
  });

  it("§4.3 Reno-friendly region: while W_cubic(t) < W_est, cwnd = W_est, grown by alpha_cubic per cwnd acked", () => {
    const c = afterLoss(10);
    const epoch = 7;
    c.onAck(ack(1, 0, 1));
    // t = 0: W_cubic = cwnd_epoch = 7 < W_est = 7 + alpha/7.
    const wEst1 = epoch + CUBIC_ALPHA / epoch;
    expect(c.cwnd).toBe(Math.floor(wEst1 * MSS));
    // 1 ms later, one more segment: W_cubic(0.001) is still about 7.004, below W_est.
    c.onAck(ack(1, 1, 1));
    const wEst2 = wEst1 + CUBIC_ALPHA / wEst1;
    expect(c.wCubic(0.001)).toBeLessThan(wEst2);
    expect(c.cwnd).toBe(Math.floor(wEst2 * MSS));
  });

  it("§4.3 once W_est passes cwnd_prior, it grows by 1 segment per cwnd acked (Reno's rate)", () => {
    const c = afterLoss(10);
    let now = 0;
    // Short RTT, many ACKs in little time: Reno-friendly all along.
    while (c.wEst < c.prior) c.onAck(ack(1, (now += 0.01), 1));
    const before = c.wEst;
    const cwnd = c.cwnd / MSS;
    c.onAck(ack(1, (now += 0.01), 1));
    expect(c.wEst - before).toBeCloseTo(1 / cwnd, 3);
  });

  it("§4.4 concave region: cwnd grows by (W_cubic(t + RTT) - cwnd) / cwnd per segment acknowledged", () => {
    const c = afterLoss(100);
    c.onAck(ack(1, 0, 100));
    const w0 = c.cwnd / MSS;
    // One second later W_cubic is far above W_est: the cubic rule applies, below W_max (concave).
    c.onAck(ack(1, 1000, 100));
    const target = CUBIC_C * (1.1 - c.k) ** 3 + 100;
    expect(target).toBeLessThan(100);
    expect(c.cwnd).toBe(Math.floor((w0 + (target - w0) / w0) * MSS));
  });

  it("§4.4 the target is capped at 1.5 * cwnd", () => {
    const c = afterLoss(100);
    c.onAck(ack(1, 0, 100));
    const w0 = c.cwnd / MSS;
    // Far past K: W_cubic is huge, the step is (1.5 cwnd - cwnd) / cwnd = 0.5 segment per segment acked.
    c.onAck(ack(1, 60_000, 100));
    expect(c.cwnd).toBe(Math.floor((w0 + 0.5) * MSS));
  });

  it("follows W_cubic(t): plateaus at W_max around t = K, then grows convexly past it", () => {
    const c = afterLoss(100);
    // Long enough an RTT that W_est (alpha_cubic per RTT) stays below the curve all along.
    const rtt = 200;
    let now = 0;
    const at: Record<string, number> = {};
    // A full window acknowledged every RTT, one segment per ACK, for 8 seconds.
    while (now < 8000) {
      const segs = Math.floor(c.cwnd / MSS);
      for (let i = 0; i < segs; i++) c.onAck(ack(1, now, rtt));
      now += rtt;
      for (const mark of [1000, 4200, 6000, 8000]) {
        if (at[mark] === undefined && now >= mark) {
          at[mark] = c.cwnd / MSS;
          // The ACKs of the last RTT aimed at W_cubic(now); the per-ACK rule closes about 1 - 1/e of the
          // gap per RTT, so on the steep part cwnd trails the curve by under two segments.
          expect(Math.abs(at[mark] - c.wCubic(now / 1000)), `cwnd at ${now} ms`).toBeLessThan(2);
        }
      }
    }
    const k = Math.cbrt(30 / CUBIC_C);
    expect(k).toBeCloseTo(4.217, 3);
    expect(at[4200]).toBeGreaterThan(99);
    expect(at[4200]).toBeLessThan(101.5);
    expect(at[8000] - at[6000]).toBeGreaterThan(at[6000] - at[4200]);
    expect(c.wEst).toBeLessThan(c.cwnd / MSS);
  });

  it("with a short RTT the Reno-friendly estimate overtakes the curve and sets cwnd", () => {
    const c = afterLoss(100);
    let now = 0;
    while (now < 4000) {
      const segs = Math.floor(c.cwnd / MSS);
      for (let i = 0; i < segs; i++) c.onAck(ack(1, now, 20));
      now += 20;
    }
    expect(c.wEst).toBeGreaterThan(c.wCubic(now / 1000));
    expect(Math.abs(c.cwnd / MSS - c.wEst)).toBeLessThan(0.01);
  });

  it("§4.8 a timeout sets ssthresh by beta_cubic and cwnd to one segment; slow start follows", () => {
    const c = new Cubic(MSS, 0);
    c.cwnd = 50 * MSS;
    c.onTimeout(40 * MSS, MSS, false);
    expect(c.ssthresh).toBe(Math.floor(40 * MSS * CUBIC_BETA));
    expect(c.cwnd).toBe(MSS);
    expect(c.wMax).toBe(50);
    c.onAck(ack(1, 0, 100));
    expect(c.cwnd).toBe(2 * MSS);
  });

  it("on the wire: three duplicate ACKs cut ssthresh to 0.7 * flight and enter NewReno recovery", () => {
    const f = established({ noDelay: true }, 65535);
    f.conn.write(data(10 * MSS));
    f.sent.length = 0;
    const una = L(1);
    for (let i = 0; i < 3; i++) f.recv({ seq: R(1), ack: una, flags: ACK });
    f.expectSent([{ seq: una, ack: R(1), flags: ACK, payload: MSS }]);
    const i = f.conn.info();
    expect(i.ssthresh).toBe(Math.floor(10 * MSS * CUBIC_BETA));
    expect(i.cwnd).toBe(i.ssthresh + 3 * MSS);
    expect(f.traces.some((t) => t.includes("recovery start"))).toBe(true);
    f.recv({ seq: R(1), ack: L(1 + 10 * MSS), flags: ACK });
    expect(f.conn.info().cwnd).toBe(Math.min(i.ssthresh, 2 * MSS));
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(true);
  });
});

describe("NewReno beside CUBIC", () => {
  it("halves on loss where CUBIC takes 0.7", () => {
    const n = new NewReno(MSS, 0);
    n.cwnd = 100 * MSS;
    n.onLoss(100 * MSS, MSS);
    expect(n.ssthresh).toBe(50 * MSS);
    expect(afterLoss(100).ssthresh).toBe(70 * MSS);
  });

  it("congestion avoidance adds one MSS per cwnd of bytes acknowledged", () => {
    const n = new NewReno(MSS, 0);
    n.cwnd = 20 * MSS;
    n.ssthresh = 10 * MSS;
    for (let i = 0; i < 19; i++) n.onAck(ack(1, 0, 10));
    expect(n.cwnd).toBe(20 * MSS);
    n.onAck(ack(1, 0, 10));
    expect(n.cwnd).toBe(21 * MSS);
  });
});

describe("RFC 5681 §4.1 restart after idle", () => {
  for (const name of ["newreno", "cubic"] as const) {
    it(`${name}: after an RTO of silence cwnd restarts from min(IW, cwnd)`, () => {
      const f = established({ congestionControl: name, noDelay: true }, 65535);
      f.conn.write(data(10 * MSS));
      for (let i = 1; i <= 10; i++) f.recv({ seq: R(1), ack: L(1 + i * MSS), flags: ACK });
      // Slow start: one SMSS per ACK of one segment.
      expect(f.conn.info().cwnd).toBe(20 * MSS);
      f.sent.length = 0;
      // Within one RTO the window stands.
      f.clock.advance(100);
      f.conn.write(data(12 * MSS));
      expect(f.sent.length).toBe(12);
      f.recv({ seq: R(1), ack: L(1 + 22 * MSS), flags: ACK });
      f.sent.length = 0;
      f.clock.advance(5000);
      f.conn.write(data(30 * MSS));
      expect(f.sent.length).toBe(10);
      expect(f.conn.info().cwnd).toBe(14600);
      expect(f.traces.some((t) => t.includes("idle restart, cwnd=14600"))).toBe(true);
    });
  }
});
