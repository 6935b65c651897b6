import { describe, expect, it } from "vitest";
import {
  ACK,
  L,
  LOCAL_ISS,
  MSS,
  R,
  REMOTE_ISS,
  RST,
  SYN,
  established,
  fixture,
  synReceived,
  synSent,
  fixtureId,
} from "./fixture.js";

describe("RFC 9293 §3.10.1 OPEN and the three-way handshake", () => {
  it("active OPEN: CLOSED -> SYN-SENT with <SEQ=ISS><CTL=SYN> and our MSS", () => {
    // RFC 7323 and RFC 2018 offers are off here; test/tcp/options-negotiation.test.ts covers them.
    const f = fixture({ windowScale: false, timestamps: false, sack: false });
    f.conn.openActive();
    f.expectSent([{ seq: LOCAL_ISS, flags: SYN, window: 65535, options: { mss: MSS } }]);
    expect(f.conn.state).toBe("SYN-SENT");
    expect(f.traces).toContain(`${fixtureId()} CLOSED -> SYN-SENT`);
  });

  it("SYN-SENT + SYN,ACK -> ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, RTT sampled from the SYN", () => {
    const f = synSent();
    f.clock.advance(30);
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK, window: 4000, options: { mss: 1000 } });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    expect(f.conn.state).toBe("ESTABLISHED");
    const info = f.conn.info();
    expect(info.srtt).toBe(30);
    expect(info.mss).toBe(1000);
    expect(info.sendWindow).toBe(4000);
    // Nothing is outstanding: whatever timer remains fires without effect and is not re-armed.
    expect(f.clock.runUntilIdle(10_000)).toBe(true);
    f.expectNothingSent();
  });

  it("SYN-SENT + SYN (simultaneous open) -> SYN-RECEIVED, then the peer's SYN,ACK -> ESTABLISHED", () => {
    const f = synSent();
    f.recv({ seq: REMOTE_ISS, flags: SYN, options: { mss: MSS } });
    f.expectSent([{ seq: LOCAL_ISS, ack: R(1), flags: SYN | ACK }]);
    expect(f.conn.state).toBe("SYN-RECEIVED");
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK });
    expect(f.conn.state).toBe("ESTABLISHED");
    expect(f.states).toEqual(["SYN-SENT", "SYN-RECEIVED", "ESTABLISHED"]);
  });

  it("SYN-SENT + RST acknowledging our SYN -> CLOSED, connection refused", () => {
    const f = synSent();
    f.recv({ seq: 0, ack: L(1), flags: RST | ACK });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["refused"]);
    expect(f.released).toBe(true);
    f.expectNothingSent();
    expect(f.clock.pending).toBe(0);
  });

  it("SYN-SENT + RST without an acceptable ACK is ignored", () => {
    const f = synSent();
    f.recv({ seq: 0, flags: RST });
    f.recv({ seq: 0, ack: L(5), flags: RST | ACK });
    expect(f.conn.state).toBe("SYN-SENT");
    f.expectNothingSent();
  });

  it("SYN-SENT + an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>", () => {
    const f = synSent();
    f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS, flags: SYN | ACK });
    f.expectSent([{ seq: LOCAL_ISS, flags: RST }]);
    f.recv({ seq: REMOTE_ISS, ack: L(99), flags: ACK });
    f.expectSent([{ seq: L(99), flags: RST }]);
    expect(f.conn.state).toBe("SYN-SENT");
  });

  it("SYN retries back off (1 s, 2 s, 4 s) and end in connect-timeout", () => {
    const f = synSent({ synRetries: 2 });
    f.clock.advance(999);
    f.expectNothingSent();
    f.clock.advance(1);
    f.expectSent([{ seq: LOCAL_ISS, flags: SYN }]);
    expect(f.traces.some((t) => t.includes("RTO fired, rto=2000ms (SYN retry 1)"))).toBe(true);
    f.clock.advance(2000);
    f.expectSent([{ seq: LOCAL_ISS, flags: SYN }]);
    f.clock.advance(3999);
    expect(f.conn.state).toBe("SYN-SENT");
    f.clock.advance(1);
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["connect-timeout"]);
    expect(f.clock.pending).toBe(0);
  });

  it("the connect timeout ends SYN-SENT even while retries remain", () => {
    const f = synSent({ connectTimeout: 2500 });
    f.clock.advance(2499);
    expect(f.conn.state).toBe("SYN-SENT");
    f.clock.advance(1);
    expect(f.errors).toEqual(["connect-timeout"]);
    expect(f.clock.pending).toBe(0);
  });

  it("after a retransmitted SYN the handshake takes no RTT sample (Karn) and RTO restarts from 3 s", () => {
    const f = synSent();
    f.clock.advance(1000);
    f.expectSent([{ seq: LOCAL_ISS, flags: SYN }]);
    f.clock.advance(100);
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK });
    expect(f.conn.info().srtt).toBeUndefined();
    expect(f.conn.info().rto).toBe(3000);
  });

  it("passive: LISTEN -> SYN-RECEIVED sends <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>; its ACK -> ESTABLISHED", () => {
    const f = synReceived();
    expect(f.conn.state).toBe("SYN-RECEIVED");
    let established = 0;
    f.conn.onEstablished = () => ++established > 0;
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 1234 });
    expect(f.conn.state).toBe("ESTABLISHED");
    expect(established).toBe(1);
    expect(f.conn.info().sendWindow).toBe(1234);
    f.expectNothingSent();
  });

  it("SYN-RECEIVED (passive) + RST returns to LISTEN: the TCB goes, no error to a user", () => {
    const f = synReceived();
    f.recv({ seq: R(1), flags: RST });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.released).toBe(true);
    expect(f.errors).toEqual([]);
  });

  it("SYN-RECEIVED (passive) + a different SYN in the window returns to LISTEN", () => {
    const f = synReceived();
    f.recv({ seq: R(100), flags: SYN });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.released).toBe(true);
    expect(f.errors).toEqual([]);
  });

  it("SYN-RECEIVED (active, simultaneous open) + RST at RCV.NXT: connection refused", () => {
    const f = synSent();
    f.recv({ seq: REMOTE_ISS, flags: SYN });
    f.sent.length = 0;
    f.recv({ seq: R(1), flags: RST });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["refused"]);
  });

  it("SYN-RECEIVED + an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>", () => {
    const f = synReceived();
    f.recv({ seq: R(1), ack: L(50), flags: ACK });
    f.expectSent([{ seq: L(50), flags: RST }]);
    expect(f.conn.state).toBe("SYN-RECEIVED");
  });

  it("SYN-RECEIVED + a repeat of the peer's SYN resends the SYN,ACK at once", () => {
    const f = synReceived();
    f.recv({ seq: REMOTE_ISS, flags: SYN, options: { mss: MSS } });
    f.expectSent([{ seq: LOCAL_ISS, ack: R(1), flags: SYN | ACK }]);
  });

  it("SYN-RECEIVED retransmits the SYN,ACK on timeout and gives up quietly after the retries", () => {
    const f = synReceived({ synRetries: 1 });
    f.clock.advance(1000);
    f.expectSent([{ seq: LOCAL_ISS, ack: R(1), flags: SYN | ACK }]);
    f.clock.advance(2000);
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual([]);
    expect(f.clock.pending).toBe(0);
  });

  it("a retransmitted SYN,ACK carries the same unscaled window as the first, at most 65535 (RFC 7323 §2.2)", () => {
    // Found by a packetdrill script: after an unacceptable segment was answered with an ACK, the SYN,ACK
    // retransmission kept that ACK's window (the full 256 KiB buffer) unscaled, which the packet builder
    // refuses: a RangeError thrown out of the RTO timer.
    const f = fixture({ receiveBufferSize: 256 * 1024 });
    f.conn.openPassive({ seq: REMOTE_ISS, ack: 0, flags: SYN, window: 65535, options: { mss: MSS, windowScale: 7 } });
    const first = f.sent.splice(0);
    f.recv({ seq: REMOTE_ISS + 1_000_000, ack: L(1), flags: ACK });
    f.sent.splice(0);
    f.clock.advance(1000);
    const again = f.sent.splice(0);
    expect(first.map((s) => [s.flags, s.window])).toEqual([[SYN | ACK, 65535]]);
    expect(again.map((s) => [s.flags, s.window])).toEqual([[SYN | ACK, 65535]]);
  });

  it("data and FIN on the SYN,ACK are processed once ESTABLISHED", () => {
    const f = synSent();
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK | 1, payload: "hi" });
    expect(f.conn.state).toBe("CLOSE-WAIT");
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("hi");
    expect(f.conn.readEnded).toBe(true);
    f.expectSent([{ seq: L(1), ack: R(4), flags: ACK }]);
  });

  it("a peer MSS below 48 is raised to 48 (no packet per byte)", () => {
    const f = established({ noDelay: true }, 65535, 1);
    f.conn.write(new Uint8Array(100));
    expect(f.sent.map((s) => s.payload.length)).toEqual([48, 48, 4]);
  });

  it("the MSS option is honoured; without one the peer gets 536 bytes a segment", () => {
    const withMss = established({ noDelay: true }, 65535, 500);
    withMss.conn.write(new Uint8Array(1200));
    expect(withMss.sent.map((s) => s.payload.length)).toEqual([500, 500, 200]);
    const f = synSent({ noDelay: true });
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK });
    f.sent.length = 0;
    f.conn.write(new Uint8Array(1200));
    expect(f.sent.map((s) => s.payload.length)).toEqual([536, 536, 128]);
  });
});
