import { TimerQueue } from "../../src/clock/timer-queue.js";
import { describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { defaultTcpConfig } from "../../src/tcp/config.js";
import { type ConnectionHost, TcpConnection } from "../../src/tcp/connection.js";
import type { TcpEvent } from "../../src/tcp/tcp-events.js";
import { eventText } from "../../src/stack/event-text.js";
import { icmpErrorArrives } from "../../src/tcp/icmp-error.js";
import { ACK, type Fixture, FIN, L, LOCAL_ISS, MSS, R, RST, SYN, established, synSent } from "./fixture.js";

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 255);
const TUPLE = { localAddress: "10.0.0.1", localPort: 49152, remoteAddress: "10.0.0.2", remotePort: 80 };

/** The events emitted since the last call (then forgotten). */
function take(f: Fixture): TcpEvent[] {
  return f.events.splice(0);
}

/** One event of `type` among `events`: exactly one. */
function only<T extends TcpEvent["type"]>(events: TcpEvent[], type: T): Extract<TcpEvent, { type: T }> {
  const found = events.filter((e) => e.type === type);
  expect(found.map((e) => e.type)).toEqual([type]);
  return found[0] as Extract<TcpEvent, { type: T }>;
}

describe("the engine's typed events, each at its moment", () => {
  it("state: every transition, with the clock's time and the connection's 4-tuple", () => {
    const f = synSent();
    f.clock.advance(5);
    f.recv({ seq: R(0), ack: L(1), flags: SYN | ACK, window: 65535, options: { mss: MSS } });
    expect(take(f)).toEqual([
      { type: "state", from: "CLOSED", to: "SYN-SENT", time: 0, connection: TUPLE },
      { type: "state", from: "SYN-SENT", to: "ESTABLISHED", time: 5, connection: TUPLE },
    ]);
    // One 4-tuple object per connection, whichever event carries it.
    f.conn.shutdown();
    const [closing] = take(f);
    expect(closing).toMatchObject({ type: "state", from: "ESTABLISHED", to: "FIN-WAIT-1" });
    expect(closing.connection).toBe(f.conn.tuple);
    expect(Object.isFrozen(f.conn.tuple)).toBe(true);
  });

  it("rto and retransmit (handshake): the SYN's timer fires, backoff 1, SYN retry 1", () => {
    const f = synSent({ minRto: 1000 });
    take(f);
    f.clock.advance(1000);
    f.expectSent([{ seq: LOCAL_ISS, flags: SYN }]);
    const events = take(f);
    expect(only(events, "rto")).toMatchObject({ rto: 2000, backoff: 1, synRetry: 1, time: 1000 });
    expect(only(events, "retransmit")).toMatchObject({ seq: LOCAL_ISS, len: 0, reason: "handshake" });
  });

  it("rto and retransmit (timeout) on an established connection: SND.UNA again, doubled RTO", () => {
    const f = established({ noDelay: true, minRto: 300 });
    f.conn.write(data(100));
    take(f);
    f.clock.advance(300);
    const events = take(f);
    expect(only(events, "rto")).toMatchObject({ rto: 600, backoff: 1, synRetry: null });
    expect(only(events, "retransmit")).toMatchObject({ seq: L(1), len: 100, reason: "timeout" });
    expect(events.map((e) => e.type)).toEqual(["rto", "retransmit"]);
  });

  it("recovery enter and exit (NewReno), and the fast retransmit as a retransmit (recovery)", () => {
    const f = established({ noDelay: true, congestionControl: "newreno" });
    f.conn.write(data(3 * MSS));
    f.recv({ seq: R(1), ack: L(1 + 3 * MSS), flags: ACK });
    f.conn.write(data(5 * MSS));
    take(f);
    const una = L(1 + 3 * MSS);
    for (let i = 0; i < 2; i++) f.recv({ seq: R(1), ack: una, flags: ACK });
    expect(take(f)).toEqual([]);
    f.recv({ seq: R(1), ack: una, flags: ACK });
    const entered = take(f);
    const enter = only(entered, "recovery");
    expect(enter).toMatchObject({ phase: "enter", algorithm: "newreno", cwnd: f.conn.info().cwnd, bytes: 0 });
    expect(only(entered, "retransmit")).toMatchObject({ seq: una, len: MSS, reason: "recovery" });
    f.recv({ seq: R(1), ack: L(1 + 8 * MSS), flags: ACK });
    expect(only(take(f), "recovery")).toMatchObject({ phase: "exit", algorithm: "newreno" });
  });

  it("timer: delayed ACK, keep-alive probe, persist, and TIME-WAIT's 2MSL", () => {
    const f = established({ keepAlive: true, keepAliveIdle: 10_000, keepAliveInterval: 1000, msl: 1000 });
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(10) });
    take(f);
    f.clock.advance(40);
    expect(take(f)).toMatchObject([{ type: "timer", timer: "delayed-ack" }]);
    f.clock.advance(10_000);
    expect(take(f)).toMatchObject([{ type: "timer", timer: "keep-alive", probe: 1 }]);

    const p = established({ noDelay: true }, 0);
    p.conn.write(data(10));
    take(p);
    p.clock.advance(p.conn.info().rto);
    expect(take(p)).toContainEqual(expect.objectContaining({ type: "timer", timer: "persist", window: 0 }));

    // Active close through to TIME-WAIT, then 2*MSL.
    f.conn.shutdown();
    f.recv({ seq: R(11), ack: L(2), flags: ACK | FIN });
    expect(f.conn.state).toBe("TIME-WAIT");
    take(f);
    f.clock.advance(2000);
    expect(take(f)).toMatchObject([
      { type: "timer", timer: "time-wait" },
      { type: "state", from: "TIME-WAIT", to: "CLOSED" },
    ]);
  });

  it("abort (reset), drop and challenge-ack: an RST in the window, a segment outside it, a SYN", () => {
    const f = established();
    take(f);
    f.recv({ seq: R(100_000), ack: L(1), flags: ACK, payload: "x" });
    expect(take(f)).toMatchObject([{ type: "drop", reason: "unacceptable-segment" }]);
    f.recv({ seq: R(1), ack: L(1), flags: SYN });
    expect(take(f)).toMatchObject([{ type: "challenge-ack" }]);
    f.recv({ seq: R(1), flags: RST });
    const events = take(f);
    expect(events[0]).toMatchObject({ type: "abort", reason: "reset" });
    expect(events.at(-1)).toMatchObject({ type: "state", to: "CLOSED" });
  });

  it("icmp: a soft error on a synchronized connection, a hard one while connecting", () => {
    const f = established({ noDelay: true });
    f.conn.write(data(10));
    take(f);
    icmpErrorArrives(f.conn, L(1), "host-unreachable", true);
    expect(take(f)).toMatchObject([{ type: "icmp", kind: "host-unreachable", hard: false }]);
    const s = synSent();
    take(s);
    icmpErrorArrives(s.conn, LOCAL_ISS, "port-unreachable", true);
    expect(take(s)[0]).toMatchObject({ type: "icmp", kind: "port-unreachable", hard: true });
  });

  it("each renders as the trace line it replaced", () => {
    const f = established({ noDelay: true, minRto: 300 });
    f.conn.write(data(100));
    f.clock.advance(300);
    const id = "10.0.0.1:49152>10.0.0.2:80";
    expect(f.events.map(eventText)).toEqual([
      `${id} CLOSED -> SYN-SENT`,
      `${id} SYN-SENT -> ESTABLISHED`,
      `${id} RTO fired, rto=600ms`,
      `${id} retransmit seq=${L(1)} len=100 (timeout)`,
    ]);
    // The retransmission is per segment: the trace (f.traces) leaves it out.
    expect(f.traces).toEqual(f.events.slice(0, 3).map(eventText));
  });
});

describe("no listener, no events", () => {
  /** A connection on a host nobody listens to, counting every event the engine still tried to emit. */
  function unobserved() {
    const clock = new VirtualClock(0);
    let emitted = 0;
    let sent = 0;
    const host: ConnectionHost = {
      clock,
      timers: new TimerQueue(clock),
      tracing: false,
      emit: () => void emitted++,
      transmit: () => void sent++,
      deferNotices: () => false,
      inBurst: false,
      released() {},
      allowChallengeAck: () => true,
      pathMtu: () => 1500,
      enteredTimeWait() {},
      drop() {},
      countRetransmit() {},
      countReset() {},
    };
    const conn = new TcpConnection(
      host,
      { localIp: 1, localPort: 49152, remoteIp: 2, remotePort: 80, localAddress: "0.0.0.1", remoteAddress: "0.0.0.2" },
      { ...defaultTcpConfig, noDelay: true, minRto: 200 },
      LOCAL_ISS,
      MSS,
    );
    // Every event the engine builds goes through publish(): counting its calls counts the objects made.
    const publish = vi.spyOn(conn, "publish");
    return { clock, conn, emitted: () => emitted, sent: () => sent, built: () => publish.mock.calls.length };
  }

  it("a lossy exchange (handshake, RTOs, a drop, a close) builds no event", () => {
    const u = unobserved();
    u.conn.openActive();
    u.clock.advance(200);
    u.conn.segmentArrives(
      { seq: R(0), ack: L(1), flags: SYN | ACK, window: 65535, options: { mss: MSS } },
      new Uint8Array(0),
    );
    u.conn.write(data(4 * MSS));
    u.clock.advance(5000);
    u.conn.segmentArrives({ seq: R(99_999), ack: L(1), flags: ACK, window: 65535, options: {} }, data(1));
    u.conn.abort();
    expect(u.sent()).toBeGreaterThan(5);
    expect(u.conn.info().timeouts).toBeGreaterThan(2);
    expect(u.conn.state).toBe("CLOSED");
    expect(u.built()).toBe(0);
    expect(u.emitted()).toBe(0);
    expect(u.conn.observed).toBe(false);
  });

  it("the connection's own listener turns events on for it alone, and off again", () => {
    const u = unobserved();
    const seen: TcpEvent[] = [];
    u.conn.events.onEvent = (e) => seen.push(e);
    expect(u.conn.observed).toBe(true);
    u.conn.openActive();
    expect(seen).toMatchObject([{ type: "state", to: "SYN-SENT" }]);
    expect(u.built()).toBe(1);
    // The stack's sink was not listening: nothing went to it.
    expect(u.emitted()).toBe(0);
    u.conn.events.onEvent = undefined;
    u.clock.advance(200);
    expect(seen).toHaveLength(1);
  });
});
