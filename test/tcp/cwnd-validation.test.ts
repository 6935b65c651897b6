import { describe, expect, it } from "vitest";
import type { AckSample, CongestionControl } from "../../src/tcp/congestion.js";
import { Cubic } from "../../src/tcp/cubic.js";
import { NewReno } from "../../src/tcp/newreno.js";
import { ACK, L, MSS, R, established } from "./fixture.js";

/** An ACK of one full segment, sent when `flight` bytes were outstanding, at clock `now` (ms). */
function ack(flight: number, now: number): AckSample {
  return { acked: MSS, ack: 0, flight, sndMax: 0, mss: MSS, now, srtt: 50 };
}

const algorithms: Array<[string, () => NewReno]> = [
  ["newreno", () => new NewReno(MSS, 0)],
  ["cubic", () => new Cubic(MSS, 0)],
];

/** Feeds `n` ACKs 1 ms apart, each sent with `flight(cc)` bytes outstanding. */
function feed(cc: CongestionControl, n: number, flight: (cc: CongestionControl) => number, start = 0): number {
  for (let i = 0; i < n; i++) cc.onAck(ack(flight(cc), start + i));
  return start + n;
}

describe("RFC 7661 / RFC 9438 §5.8: cwnd grows only while it is used", () => {
  for (const [name, make] of algorithms) {
    it(`${name} slow start: a sender held to a small flight (receive window, application) does not grow cwnd`, () => {
      const cc = make();
      const before = cc.cwnd;
      feed(cc, 1000, () => 4 * MSS); // IW10 = 14,600 bytes; 4 segments in flight is under half of it
      expect(cc.cwnd).toBe(before);
    });

    it(`${name} slow start: a sender that fills cwnd grows it (doubling per round)`, () => {
      const cc = make();
      const before = cc.cwnd;
      feed(cc, 10, (c) => c.cwnd);
      expect(cc.cwnd).toBe(before + 10 * MSS);
    });

    it(`${name} congestion avoidance: growth stops at twice the flight the receiver allows, not without bound`, () => {
      const cc = make();
      cc.onLoss(100 * MSS, MSS); // into congestion avoidance at ssthresh
      const rwndLimited = 64 * 1024;
      let now = feed(cc, 50, (c) => c.cwnd); // cwnd-limited for a while: it grows
      const grown = cc.cwnd;
      expect(grown).toBeGreaterThanOrEqual(cc.ssthresh);
      // Now the receive window holds the flight at 64 KiB for a long time (30 s of ACKs).
      now = feed(cc, 30_000, () => rwndLimited, now);
      expect(cc.cwnd).toBeLessThanOrEqual(Math.max(grown, 2 * rwndLimited + MSS));
    });
  }
});

describe("RFC 7661 §4.4: a loss cuts from what the last round trips had in flight", () => {
  for (const [name, make] of algorithms) {
    it(`${name}: a loss found with two segments left outstanding cuts from the 10 segments the round had out`, () => {
      const cc = make();
      cc.ssthresh = 20 * MSS; // congestion avoidance at cwnd 10 (IW10), 10 segments in flight
      feed(cc, 5, () => 10 * MSS);
      const cwnd = cc.cwnd;
      cc.onLoss(2 * MSS, MSS);
      const factor = name === "cubic" ? 0.7 : 0.5;
      expect(cc.ssthresh).toBe(Math.floor(10 * MSS * factor));
      expect(cc.cwnd).toBe(cc.ssthresh);
      expect(cwnd).toBeGreaterThanOrEqual(10 * MSS);
    });

    it(`${name}: the flight counted is never more than cwnd`, () => {
      const cc = make();
      cc.ssthresh = 20 * MSS;
      feed(cc, 5, () => 10 * MSS);
      cc.cwnd = 4 * MSS;
      cc.onLoss(MSS, MSS);
      expect(cc.ssthresh).toBe(Math.max(Math.floor(4 * MSS * (name === "cubic" ? 0.7 : 0.5)), 2 * MSS));
    });
  }
});

describe("on the wire: an application-limited sender keeps its window", () => {
  for (const name of ["newreno", "cubic"] as const) {
    it(`${name}: 50 rounds of two segments, each acknowledged, leave cwnd at IW10`, () => {
      const f = established({ congestionControl: name, noDelay: true, timestamps: false });
      let acked = 0;
      for (let round = 0; round < 50; round++) {
        f.sent.length = 0;
        f.conn.write(new Uint8Array(2 * MSS));
        expect(f.sent.map((s) => s.payload.length)).toEqual([MSS, MSS]);
        acked += 2 * MSS;
        f.recv({ seq: R(1), ack: L(1 + acked), flags: ACK });
      }
      // Two segments in flight never reach half of 10: slow start would have added 2 SMSS per round.
      expect(f.conn.info().cwnd).toBe(10 * MSS);
    });
  }
});
