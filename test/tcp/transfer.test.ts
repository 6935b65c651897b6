import { describe, expect, it } from "vitest";
import { ACK, L, MSS, PSH, R, RST, established } from "./fixture.js";

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 255);

describe("delayed ACK (RFC 1122 §4.2.3.2)", () => {
  it("the first full segment waits up to 40 ms; the second is ACKed at once", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(MSS) });
    f.expectNothingSent();
    f.recv({ seq: R(1 + MSS), ack: L(1), flags: ACK, payload: data(MSS) });
    f.expectSent([{ seq: L(1), ack: R(1 + 2 * MSS), flags: ACK }]);
    f.recv({ seq: R(1 + 2 * MSS), ack: L(1), flags: ACK, payload: data(10) });
    f.clock.advance(39);
    f.expectNothingSent();
    f.clock.advance(1);
    f.expectSent([{ seq: L(1), ack: R(11 + 2 * MSS), flags: ACK }]);
    expect(f.traces.some((t) => t.endsWith("delayed ACK fired"))).toBe(true);
    expect(f.clock.pending).toBe(0);
  });

  it("a segment that fills part of a gap is ACKed at once (RFC 5681 §4.2), as one that fills all of it", () => {
    const f = established();
    // Segments 0 and 1 are lost; 2 arrives out of order and is ACKed at once (a duplicate).
    f.recv({ seq: R(1 + 2 * MSS), ack: L(1), flags: ACK, payload: data(MSS) });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    // Segment 0 resent: in order, but segment 2 is still held above the hole at 1. Not delayed.
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(MSS) });
    f.expectSent([{ seq: L(1), ack: R(1 + MSS), flags: ACK }]);
    // Segment 1 closes the gap.
    f.recv({ seq: R(1 + MSS), ack: L(1), flags: ACK, payload: data(MSS) });
    f.expectSent([{ seq: L(1), ack: R(1 + 3 * MSS), flags: ACK }]);
  });

  it("data we send carries the pending ACK", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "ping" });
    f.conn.write(new TextEncoder().encode("pong"));
    f.expectSent([{ seq: L(1), ack: R(5), flags: ACK | PSH, payload: "pong" }]);
    f.clock.advance(100);
    f.expectNothingSent();
  });
});

describe("retransmission timeout (RFC 6298)", () => {
  it("samples RTT (SRTT, RTTVAR) and computes RTO = max(minRto, SRTT + 4 RTTVAR)", () => {
    const f = established({ minRto: 200, noDelay: true });
    f.conn.write(data(100));
    f.clock.advance(100);
    f.recv({ seq: R(1), ack: L(101), flags: ACK });
    const i = f.conn.info();
    // The handshake gave a 0 ms sample; the second sample (100 ms) is smoothed in.
    expect(i.srtt).toBeCloseTo(12.5);
    expect(i.rttvar).toBeCloseTo(25);
    expect(i.rto).toBe(200);
  });

  it("retransmits the first unacknowledged segment on expiry and doubles the RTO each time", () => {
    const f = established({ noDelay: true, minRto: 300 });
    f.conn.write(data(3000));
    f.expectSent([
      { seq: L(1), ack: R(1), flags: ACK, payload: MSS },
      { seq: L(1 + MSS), ack: R(1), flags: ACK, payload: MSS },
      { seq: L(1 + 2 * MSS), ack: R(1), flags: ACK | PSH, payload: 3000 - 2 * MSS },
    ]);
    f.clock.advance(300);
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: MSS }]);
    expect(f.traces.some((t) => t.endsWith("RTO fired, rto=600ms"))).toBe(true);
    f.clock.advance(599);
    f.expectNothingSent();
    f.clock.advance(1);
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: MSS }]);
    const i = f.conn.info();
    expect(i.timeouts).toBe(2);
    expect(i.cwnd).toBe(MSS);
    // Go-back-N: the ACK of the first segment lets the next (already sent once) go out again.
    f.recv({ seq: R(1), ack: L(1 + MSS), flags: ACK });
    expect(f.sent[0].seq).toBe(L(1 + MSS));
    // Karn: no sample from the retransmitted segment.
    expect(f.conn.info().srtt).toBe(0);
  });

  it("the RTO is capped at maxRto", () => {
    const f = established({ noDelay: true, minRto: 1000, maxRto: 3000 });
    f.conn.write(data(10));
    f.clock.advance(1000 + 2000 + 3000 + 3000);
    expect(f.conn.info().timeouts).toBe(4);
    expect(f.conn.info().rto).toBe(3000);
  });

  it("user timeout: data unacknowledged too long aborts with RST and user-timeout", () => {
    const f = established({ noDelay: true, userTimeout: 5000 });
    f.conn.write(data(10));
    f.clock.advance(4999);
    expect(f.conn.state).toBe("ESTABLISHED");
    f.sent.length = 0;
    f.clock.advance(1);
    expect(f.sent.at(-1)!.flags).toBe(RST);
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["user-timeout"]);
    expect(f.clock.pending).toBe(0);
  });
});

describe("fast retransmit and NewReno (RFC 5681, RFC 6582)", () => {
  function inFlight() {
    const f = established({ noDelay: true, congestionControl: "newreno" }, 65535);
    // ACK a first flight so the next ones are not the first data sent.
    f.conn.write(data(3 * MSS));
    f.recv({ seq: R(1), ack: L(1 + 3 * MSS), flags: ACK });
    f.sent.length = 0;
    // cwnd (IW10, RFC 6928, plus 2 SMSS of slow start) lets all five go.
    f.conn.write(data(5 * MSS));
    expect(f.sent.length).toBe(5);
    f.sent.length = 0;
    return f;
  }

  it("three duplicate ACKs retransmit SND.UNA and enter recovery with ssthresh = flight/2", () => {
    const f = inFlight();
    const una = L(1 + 3 * MSS);
    f.recv({ seq: R(1), ack: una, flags: ACK });
    f.recv({ seq: R(1), ack: una, flags: ACK });
    f.expectNothingSent();
    f.recv({ seq: R(1), ack: una, flags: ACK });
    f.expectSent([{ seq: una, ack: R(1), flags: ACK, payload: MSS }]);
    const i = f.conn.info();
    expect(i.fastRetransmits).toBe(1);
    expect(i.ssthresh).toBe(Math.floor((5 * MSS) / 2));
    expect(i.cwnd).toBe(Math.floor((5 * MSS) / 2) + 3 * MSS);
    expect(f.traces.some((t) => t.includes("fast retransmit, recovery start"))).toBe(true);
  });

  it("a partial ACK retransmits the next hole; the full ACK ends recovery at ssthresh", () => {
    const f = inFlight();
    const una = L(1 + 3 * MSS);
    for (let i = 0; i < 3; i++) f.recv({ seq: R(1), ack: una, flags: ACK });
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: una + 2 * MSS, flags: ACK });
    f.expectSent([{ seq: una + 2 * MSS, ack: R(1), flags: ACK, payload: MSS }]);
    f.recv({ seq: R(1), ack: una + 5 * MSS, flags: ACK });
    // RFC 6582 §3.2 step 3 (1): min(ssthresh, max(FlightSize, SMSS) + SMSS), nothing left in flight.
    expect(f.conn.info().cwnd).toBe(2 * MSS);
    expect(f.traces.some((t) => t.includes("recovery end"))).toBe(true);
  });

  it("Impatient variant (RFC 6582 §3.2 step 5, §4): only the first partial ACK restarts the timer", () => {
    const f = inFlight();
    const una = L(1 + 3 * MSS);
    for (let i = 0; i < 3; i++) f.recv({ seq: R(1), ack: una, flags: ACK });
    f.sent.length = 0;
    const rto = f.conn.info().rto;
    // Segments 0, 1 and 2 of the five were all lost. The first partial ACK restarts the timer ...
    f.recv({ seq: R(1), ack: una + MSS, flags: ACK });
    f.expectSent([{ seq: una + MSS, ack: R(1), flags: ACK, payload: MSS }]);
    f.clock.advance(rto - 10);
    // ... the second does not: the timer still runs from the first.
    f.recv({ seq: R(1), ack: una + 2 * MSS, flags: ACK });
    f.expectSent([{ seq: una + 2 * MSS, ack: R(1), flags: ACK, payload: MSS }]);
    f.clock.advance(9);
    f.expectNothingSent();
    expect(f.conn.info().timeouts).toBe(0);
    f.clock.advance(1);
    // The timeout resends SND.UNA and leaves recovery for slow start (cwnd 1 SMSS).
    f.expectSent([{ seq: una + 2 * MSS, ack: R(1), flags: ACK, payload: MSS }]);
    expect(f.conn.info()).toMatchObject({ timeouts: 1, cwnd: MSS });
  });

  it("Limited Transmit (RFC 3042, RFC 5681 §3.2): the first two duplicate ACKs each send one new segment", () => {
    // Found by packetdrill's limited_transmit/limited-transmit-no-sack.pkt: without SACK, nothing went until
    // the third duplicate, so a small window could only wait for the RTO.
    const f = established({ noDelay: true, congestionControl: "newreno" }, 65535);
    f.conn.write(data(20 * MSS));
    // IW10 (RFC 6928): ten segments, ten more queued.
    expect(f.sent.length).toBe(10);
    f.sent.length = 0;
    const cwnd = f.conn.info().cwnd;
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    f.expectSent([{ seq: L(1 + 10 * MSS), ack: R(1), flags: ACK, payload: MSS }]);
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    f.expectSent([{ seq: L(1 + 11 * MSS), ack: R(1), flags: ACK, payload: MSS }]);
    // cwnd itself is unchanged; the third duplicate is the fast retransmit.
    expect(f.conn.info().cwnd).toBe(cwnd);
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: MSS }]);
  });

  it("the cut leaves out what Limited Transmit sent (RFC 5681 §3.2 step 2); slow start then stops at ssthresh", () => {
    const f = established({ noDelay: true, congestionControl: "newreno" }, 65535);
    f.conn.write(data(20 * MSS));
    f.sent.length = 0;
    // Segment 0 of the ten (IW10) is lost; the first two duplicates send segments 10 and 11 (Limited Transmit).
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    expect(f.sent.map((s) => (s.seq - L(1)) / MSS)).toEqual([10, 11, 0]);
    // FlightSize is 12 segments, 10 without the two Limited Transmit sent: ssthresh 5, cwnd ssthresh + 3.
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, cwnd: 8 * MSS });
    f.sent.length = 0;
    // The full ACK: nothing is left in flight, so cwnd deflates to 2 SMSS (RFC 6582 §3.2 step 3 (1)).
    f.recv({ seq: R(1), ack: L(1 + 12 * MSS), flags: ACK });
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, cwnd: 2 * MSS });
    expect(f.sent.length).toBe(2);
    f.sent.length = 0;
    // Slow start, 2 SMSS per ACK (RFC 3465, L = 2): 4 SMSS, then ssthresh, not 6.
    f.recv({ seq: R(1), ack: L(1 + 14 * MSS), flags: ACK });
    expect(f.conn.info().cwnd).toBe(4 * MSS);
    expect(f.sent.length).toBe(4);
    f.recv({ seq: R(1), ack: L(1 + 16 * MSS), flags: ACK });
    expect(f.conn.info()).toMatchObject({ ssthresh: 5 * MSS, cwnd: 5 * MSS });
  });

  it("an ACK with a window change or data is not a duplicate", () => {
    const f = inFlight();
    const una = L(1 + 3 * MSS);
    f.recv({ seq: R(1), ack: una, flags: ACK, window: 60000 });
    f.recv({ seq: R(1), ack: una, flags: ACK, window: 50000 });
    f.recv({ seq: R(1), ack: una, flags: ACK, payload: "x", window: 50000 });
    expect(f.conn.info().fastRetransmits).toBe(0);
  });
});

describe("Nagle (RFC 9293 §3.7.4) and sender SWS avoidance", () => {
  it("a second small write waits for the first to be ACKed; noDelay sends at once", () => {
    const f = established();
    f.conn.write(data(1));
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK | PSH, payload: 1 }]);
    f.conn.write(data(1));
    f.conn.write(data(1));
    f.expectNothingSent();
    f.recv({ seq: R(1), ack: L(2), flags: ACK });
    f.expectSent([{ seq: L(2), ack: R(1), flags: ACK | PSH, payload: 2 }]);
    f.conn.setNoDelay(true);
    f.conn.write(data(1));
    f.expectSent([{ seq: L(4), ack: R(1), flags: ACK | PSH, payload: 1 }]);
  });

  it("full segments go out regardless of unacknowledged data", () => {
    const f = established();
    f.conn.write(data(1));
    f.sent.length = 0;
    f.conn.write(data(MSS));
    f.expectSent([{ seq: L(2), ack: R(1), flags: ACK | PSH, payload: MSS }]);
  });
});

describe("flow control: zero window and the persist timer (RFC 9293 §3.8.6.1)", () => {
  it("a zero window stops sending; the persist timer probes with one byte; the window update resumes", () => {
    const f = established({ noDelay: true }, 0);
    f.conn.write(data(100));
    f.expectNothingSent();
    f.clock.advance(f.conn.info().rto);
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: 1 }]);
    expect(f.traces.some((t) => t.includes("persist timer fired, window=0"))).toBe(true);
    // Still closed: the probe's ACK keeps SND.UNA; the retransmission timer keeps probing with backoff.
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 0 });
    f.clock.advance(10_000);
    expect(f.sent.length).toBeGreaterThan(0);
    expect(f.sent.every((s) => s.payload.length === 1 && s.seq === L(1))).toBe(true);
    expect(f.conn.info().cwnd).toBeGreaterThan(MSS);
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(2), flags: ACK, window: 1000 });
    f.expectSent([{ seq: L(2), ack: R(1), flags: ACK | PSH, payload: 99 }]);
    expect(f.conn.state).toBe("ESTABLISHED");
  });

  it("when the window opens without taking the probe byte, sending resumes from SND.UNA with the RTO unbacked", () => {
    const f = established({ noDelay: true, minRto: 200 }, 0);
    f.conn.write(data(100));
    f.clock.advance(200);
    f.clock.advance(400 + 800 + 1600);
    expect(f.conn.info().timeouts).toBe(3);
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 1000 });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK | PSH, payload: 100 }]);
    expect(f.conn.info().rto).toBe(200);
    expect(f.conn.info().cwnd).toBeGreaterThan(MSS);
  });

  it("the receiver announces a reopened window only once it grew by min(buffer/2, MSS)", () => {
    const f = established({ receiveBufferSize: 4000 });
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(MSS) });
    f.recv({ seq: R(1 + MSS), ack: L(1), flags: ACK, payload: data(MSS) });
    f.expectSent([{ seq: L(1), ack: R(1 + 2 * MSS), flags: ACK, window: 4000 - 2 * MSS }]);
    f.conn.read(100);
    f.expectNothingSent();
    f.conn.read(MSS);
    f.expectSent([{ seq: L(1), ack: R(1 + 2 * MSS), flags: ACK, window: 4000 - 2 * MSS + MSS + 100 }]);
  });
});

describe("keep-alive (RFC 1122 §4.2.3.6)", () => {
  it("probes an idle connection with SEQ=SND.UNA-1 and gives up after the count", () => {
    const f = established({ keepAlive: true, keepAliveIdle: 10_000, keepAliveInterval: 1000, keepAliveCount: 2 });
    f.clock.advance(9999);
    f.expectNothingSent();
    f.clock.advance(1);
    f.expectSent([{ seq: L(0), ack: R(1), flags: ACK }]);
    // An answer resets the count and the idle time.
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    f.clock.advance(10_000);
    f.expectSent([{ seq: L(0), ack: R(1), flags: ACK }]);
    f.clock.advance(1000);
    f.expectSent([{ seq: L(0), ack: R(1), flags: ACK }]);
    f.clock.advance(1000);
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["keepalive-timeout"]);
    expect(f.clock.pending).toBe(0);
  });

  it("is off by default: an idle connection sends nothing and its clock runs dry", () => {
    const f = established();
    expect(f.clock.runUntilIdle(24 * 3600 * 1000)).toBe(true);
    f.expectNothingSent();
    expect(f.conn.state).toBe("ESTABLISHED");
  });
});

describe("slow start on a stretch ACK (RFC 9406 §4.3, L = 8 while HyStart++ runs)", () => {
  it("one ACK for the whole initial window opens cwnd by 8 SMSS, and the sender fills it at once", () => {
    const f = established({ noDelay: true }, 65535);
    f.conn.write(data(40 * MSS));
    // IW10 (RFC 6928).
    expect(f.sent.length).toBe(10);
    f.sent.length = 0;
    // The receiver acknowledges the burst in one ACK, as a GRO receiver does.
    f.recv({ seq: R(1), ack: L(1 + 10 * MSS), flags: ACK });
    expect(f.conn.info().cwnd).toBe(18 * MSS);
    expect(f.sent.map((s) => (s.seq - L(1)) / MSS)).toEqual(Array.from({ length: 18 }, (_, i) => 10 + i));
  });
});
