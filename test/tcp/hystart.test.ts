import { describe, expect, it } from "vitest";
import type { AckSample } from "../../src/tcp/congestion.js";
import { Cubic } from "../../src/tcp/cubic.js";
import { CSS_GROWTH_DIVISOR, CSS_ROUNDS, N_RTT_SAMPLE } from "../../src/tcp/hystart.js";
import { NewReno } from "../../src/tcp/newreno.js";
import { MSS } from "./fixture.js";

/** More in flight than any cwnd here: RFC 7661's validation never holds growth back. */
const CWND_LIMITED = 2 ** 31;

/**
 * Feeds one round trip of `acks` ACKs of one segment each, every one with an RTT sample of `rtt` ms. Round k
 * acknowledges k*100.. and has sent up to (k+1)*100, so its first ACK ends the previous round.
 */
function round(cc: NewReno, k: number, rtt: number, acks = N_RTT_SAMPLE): void {
  for (let i = 0; i < acks; i++) {
    const s: AckSample = {
      acked: MSS,
      ack: k * 100 + i,
      flight: CWND_LIMITED,
      sndMax: (k + 1) * 100,
      mss: MSS,
      now: k * 50,
      srtt: 50,
      rtt,
    };
    cc.onAck(s);
  }
}

/** Two rounds at 50 ms, then one whose minimum is 57 ms (the threshold is max(4, min(50/8, 16)) = 6.25 ms). */
function intoCss(cc: NewReno): void {
  round(cc, 0, 50);
  round(cc, 1, 50);
  round(cc, 2, 57);
}

describe("RFC 9406 HyStart++ (both algorithms' slow start)", () => {
  for (const [name, make] of [
    ["newreno", () => new NewReno(MSS, 0)],
    ["cubic", () => new Cubic(MSS, 0)],
  ] as const) {
    it(`${name} §4.2: a round's min RTT above the last one's by the threshold enters CSS, growing a quarter as fast`, () => {
      const cc = make();
      intoCss(cc);
      expect(cc.hystart).toMatchObject({ css: true, cssBaselineMinRtt: 57, lastRoundMinRtt: 50 });
      const before = cc.cwnd;
      round(cc, 3, 57);
      expect(cc.cwnd - before).toBe(N_RTT_SAMPLE * Math.floor(MSS / CSS_GROWTH_DIVISOR));
    });

    it(`${name} §4.2: below the threshold (6 ms more), or with fewer than N_RTT_SAMPLE samples, slow start goes on`, () => {
      const cc = make();
      round(cc, 0, 50);
      round(cc, 1, 50);
      round(cc, 2, 56);
      expect(cc.hystart.css).toBe(false);
      round(cc, 3, 80, N_RTT_SAMPLE - 1);
      expect(cc.hystart.css).toBe(false);
      const before = cc.cwnd;
      round(cc, 4, 80, 2);
      expect(cc.cwnd - before).toBe(2 * MSS);
    });

    it(`${name} §4.2: after CSS_ROUNDS rounds of CSS, congestion avoidance starts with ssthresh = cwnd`, () => {
      const cc = make();
      intoCss(cc);
      // The round CSS began in (2) is its first; the first ACK after CSS_ROUNDS of them ends it.
      for (let k = 3; k < 2 + CSS_ROUNDS; k++) round(cc, k, 60);
      expect(cc.hystart.css).toBe(true);
      expect(cc.ssthresh).toBe(0x7fffffff);
      round(cc, 2 + CSS_ROUNDS, 60, 1);
      expect(cc.ssthresh).toBe(cc.cwnd);
      expect(cc.hystart.done).toBe(true);
    });

    it(`${name} §4.2: an RTT back below the CSS baseline was noise: slow start resumes`, () => {
      const cc = make();
      intoCss(cc);
      round(cc, 3, 52);
      expect(cc.hystart.css).toBe(false);
      const before = cc.cwnd;
      round(cc, 4, 52, 2);
      expect(cc.cwnd - before).toBe(2 * MSS);
    });

    it(`${name} §4.2: a low RTT later in the round CSS began in does not undo it (the next rounds judge)`, () => {
      const cc = make();
      intoCss(cc);
      // The same round: ACKs of data sent before the burst's queue built, at the base RTT.
      round(cc, 2, 50, 1);
      expect(cc.hystart.css).toBe(true);
      round(cc, 3, 58);
      expect(cc.hystart).toMatchObject({ css: true, done: false });
    });

    it(`${name} §4.2: a second rise of the threshold over the CSS baseline ends slow start at once`, () => {
      const cc = make();
      intoCss(cc);
      // Baseline 57 ms; its threshold is max(4, min(57/8, 16)) = 7.125 ms: 64 ms is not yet enough, 64.2 is.
      round(cc, 3, 64);
      expect(cc.hystart).toMatchObject({ css: true, done: false });
      expect(cc.ssthresh).toBe(0x7fffffff);
      round(cc, 4, 64.2);
      expect(cc.hystart.done).toBe(true);
      expect(cc.ssthresh).toBe(cc.cwnd);
    });

    it(`${name} §4.3: a stretch ACK adds at most L = 8 SMSS in HyStart++'s slow start, 2 in a later one`, () => {
      const stretch = (cc: NewReno, ack: number, acked: number) =>
        cc.onAck({ acked, ack, flight: CWND_LIMITED, sndMax: ack + 100, mss: MSS, now: 0, srtt: 50, rtt: 50 });
      const cc = make();
      const iw = cc.cwnd;
      // One ACK for 12 segments (a receiver that acknowledges each burst at once): 8 of them count.
      stretch(cc, 12, 12 * MSS);
      expect(cc.cwnd).toBe(iw + 8 * MSS);
      // Less than L is counted whole.
      stretch(cc, 15, 3 * MSS);
      expect(cc.cwnd).toBe(iw + 11 * MSS);
      // After a timeout (ssthresh 10 SMSS, cwnd 1 SMSS) RFC 3465's L = 2 SMSS holds.
      cc.onTimeout(20 * MSS, MSS, false);
      stretch(cc, 215, 12 * MSS);
      expect(cc.cwnd).toBe(3 * MSS);
    });

    it(`${name} §4.3: after a loss slow start is the standard one (ssthresh bounds it)`, () => {
      const cc = make();
      cc.onTimeout(20 * MSS, MSS, false);
      expect(cc.hystart.done).toBe(true);
      intoCss(cc);
      expect(cc.hystart.css).toBe(false);
    });
  }
});
