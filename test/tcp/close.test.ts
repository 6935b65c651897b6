import { describe, expect, it } from "vitest";
import { ACK, FIN, L, R, RST, established, synReceived, synSent } from "./fixture.js";

describe("RFC 9293 §3.10.4 CLOSE, the FIN states and TIME-WAIT", () => {
  it("ESTABLISHED + FIN -> CLOSE-WAIT (ACKed); CLOSE -> LAST-ACK with FIN; its ACK -> CLOSED", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: FIN | ACK });
    f.expectSent([{ seq: L(1), ack: R(2), flags: ACK }]);
    expect(f.conn.state).toBe("CLOSE-WAIT");
    expect(f.conn.readEnded).toBe(true);
    f.conn.shutdown();
    f.expectSent([{ seq: L(1), ack: R(2), flags: FIN | ACK }]);
    expect(f.conn.state).toBe("LAST-ACK");
    f.recv({ seq: R(2), ack: L(2), flags: ACK });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.states).toEqual(["CLOSE-WAIT", "LAST-ACK", "CLOSED"]);
    expect(f.errors).toEqual([]);
    expect(f.clock.pending).toBe(0);
  });

  it("CLOSE -> FIN-WAIT-1 (FIN after queued data); ACK -> FIN-WAIT-2; FIN -> TIME-WAIT; 2MSL -> CLOSED", () => {
    const f = established({ msl: 1000 });
    f.conn.write(new TextEncoder().encode("bye"));
    f.conn.shutdown();
    expect(f.conn.state).toBe("FIN-WAIT-1");
    f.expectSent([
      { seq: L(1), ack: R(1), flags: ACK | 0x08, payload: "bye" },
      { seq: L(4), ack: R(1), flags: FIN | ACK },
    ]);
    f.recv({ seq: R(1), ack: L(5), flags: ACK });
    expect(f.conn.state).toBe("FIN-WAIT-2");
    // Half-close: we still receive.
    f.recv({ seq: R(1), ack: L(5), flags: ACK, payload: "more" });
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("more");
    f.recv({ seq: R(5), ack: L(5), flags: FIN | ACK });
    f.expectSent([{ seq: L(5), ack: R(6), flags: ACK }]);
    expect(f.conn.state).toBe("TIME-WAIT");
    f.clock.advance(1999);
    expect(f.conn.state).toBe("TIME-WAIT");
    f.clock.advance(1);
    expect(f.conn.state).toBe("CLOSED");
    expect(f.clock.pending).toBe(0);
  });

  it("simultaneous close: FIN-WAIT-1 + FIN -> CLOSING; the ACK of our FIN -> TIME-WAIT", () => {
    const f = established();
    f.conn.shutdown();
    f.expectSent([{ seq: L(1), ack: R(1), flags: FIN | ACK }]);
    f.recv({ seq: R(1), ack: L(1), flags: FIN | ACK });
    f.expectSent([{ seq: L(2), ack: R(2), flags: ACK }]);
    expect(f.conn.state).toBe("CLOSING");
    f.recv({ seq: R(2), ack: L(2), flags: ACK });
    expect(f.conn.state).toBe("TIME-WAIT");
  });

  it("FIN-WAIT-1 + FIN that also ACKs our FIN -> TIME-WAIT directly", () => {
    const f = established();
    f.conn.shutdown();
    f.sent.length = 0;
    f.recv({ seq: R(1), ack: L(2), flags: FIN | ACK });
    expect(f.states).toEqual(["FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"]);
    f.expectSent([{ seq: L(2), ack: R(2), flags: ACK }]);
  });

  it("TIME-WAIT: a retransmitted FIN is ACKed again and restarts the 2MSL timer", () => {
    const f = established({ msl: 1000 });
    f.conn.shutdown();
    f.recv({ seq: R(1), ack: L(2), flags: FIN | ACK });
    f.sent.length = 0;
    f.clock.advance(1500);
    f.recv({ seq: R(1), ack: L(2), flags: FIN | ACK });
    f.expectSent([{ seq: L(2), ack: R(2), flags: ACK }]);
    f.clock.advance(1999);
    expect(f.conn.state).toBe("TIME-WAIT");
    f.clock.advance(1);
    expect(f.conn.state).toBe("CLOSED");
  });

  it("an unacknowledged FIN is retransmitted on RTO", () => {
    const f = established();
    f.conn.shutdown();
    f.sent.length = 0;
    const rto = f.conn.info().rto;
    f.clock.advance(rto - 1);
    f.expectNothingSent();
    f.clock.advance(1);
    f.expectSent([{ seq: L(1), ack: R(1), flags: FIN | ACK }]);
    expect(f.conn.info().retransmits).toBe(1);
    expect(f.conn.info().rto).toBe(2 * rto);
  });

  it("CLOSE in SYN-SENT deletes the TCB", () => {
    const f = synSent();
    f.conn.shutdown();
    expect(f.conn.state).toBe("CLOSED");
    f.expectNothingSent();
    expect(f.clock.pending).toBe(0);
  });

  it("a second CLOSE does nothing more", () => {
    const g = established();
    g.conn.shutdown();
    g.conn.shutdown();
    expect(g.conn.state).toBe("FIN-WAIT-1");
    expect(g.sent.filter((s) => s.flags & FIN).length).toBe(1);
  });

  it("CLOSE in SYN-RECEIVED waits for ESTABLISHED, then FIN-WAIT-1", () => {
    const f = synReceived();
    f.conn.shutdown();
    expect(f.conn.state).toBe("SYN-RECEIVED");
    f.recv({ seq: R(1), ack: L(1), flags: ACK });
    expect(f.conn.state).toBe("FIN-WAIT-1");
    f.expectSent([{ seq: L(1), ack: R(1), flags: FIN | ACK }]);
  });

  it("write after CLOSE is refused; writes in SYN-SENT are queued and sent once ESTABLISHED", () => {
    const f = established();
    f.conn.shutdown();
    expect(f.conn.write(new Uint8Array(10))).toBe(0);
    expect(f.conn.writableSpace).toBe(0);
    const g = synSent();
    expect(g.conn.write(new TextEncoder().encode("early"))).toBe(5);
    g.expectNothingSent();
    g.recv({ seq: R(0), ack: L(1), flags: 0x02 | ACK });
    g.expectSent([{ seq: L(1), ack: R(1), flags: ACK | 0x08, payload: "early" }]);
  });
});

describe("RFC 9293 §3.10.5 ABORT", () => {
  it("ESTABLISHED: <SEQ=SND.NXT><CTL=RST>, CLOSED, onError(aborted), no timers left", () => {
    const f = established({ noDelay: true });
    f.conn.write(new Uint8Array(100));
    f.sent.length = 0;
    f.conn.abort();
    f.expectSent([{ seq: L(101), flags: RST }]);
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["aborted"]);
    expect(f.clock.pending).toBe(0);
  });

  it("TIME-WAIT: no RST, just CLOSED", () => {
    const f = established();
    f.conn.shutdown();
    f.recv({ seq: R(1), ack: L(2), flags: FIN | ACK });
    f.sent.length = 0;
    f.conn.abort();
    f.expectNothingSent();
    expect(f.conn.state).toBe("CLOSED");
    expect(f.clock.pending).toBe(0);
  });
});
