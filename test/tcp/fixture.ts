import { TimerQueue } from "../../src/clock/timer-queue.js";
import { expect } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { defaultTcpConfig, type TcpConfig } from "../../src/tcp/config.js";
import { TcpConnection, type ConnectionHost, type EngineDrop } from "../../src/tcp/connection.js";
import type { CloseReason, TcpState } from "../../src/tcp/types.js";
import type { TcpEvent } from "../../src/tcp/tcp-events.js";
import { eventText, isTraced } from "../../src/stack/event-text.js";
import { TcpFlags, type PacketFields, type TcpOptions, type TcpRepr } from "../../src/wire/types.js";

/** One segment `expectSent` looks for: seq and flags always, the rest where given. */
export interface ExpectedSegment {
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: string | number;
  options?: TcpOptions;
}

export const { FIN, SYN, RST, PSH, ACK, ECE, CWR } = TcpFlags;
export const LOCAL_ISS = 1000;
export const REMOTE_ISS = 5000;
export const MSS = 1460;

/**
 * The family fixtures run over: 4 by default; test/tcp/over-ipv6.test.ts sets 6 and runs suites again.
 * Over IPv6 the ends are IPv6 keys and the path MTU 1520, so the MSS the suites expect stays 1460.
 */
let family: 4 | 6 = 4;
export function setFixtureFamily(f: 4 | 6): void {
  family = f;
}
/** The connection id fixtures have in the current family ("local:port>remote:port"). */
export function fixtureId(): string {
  return family === 6 ? "[fd00::1]:49152>[fd00::2]:80" : "10.0.0.1:49152>10.0.0.2:80";
}
const ENDS = {
  4: { localIp: 0x0a000001, remoteIp: 0x0a000002, localAddress: "10.0.0.1", remoteAddress: "10.0.0.2", mtu: 1500 },
  6: { localIp: 2 ** 32 + 1, remoteIp: 2 ** 32 + 2, localAddress: "fd00::1", remoteAddress: "fd00::2", mtu: 1520 },
};

/** A segment the connection emitted: the fields of its `TcpRepr` the engine sets, and its payload. */
export interface Sent extends Pick<TcpRepr, "seq" | "ack" | "flags" | "window"> {
  payload: Uint8Array;
  /** The IPv4 TOS byte (RFC 3168's ECN field in its low bits). */
  tos: number;
  options?: TcpOptions;
}

export interface SegSpec {
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Uint8Array | string;
  options?: TcpOptions;
  /** The IPv4 TOS byte it arrives with (3: CE-marked). */
  tos?: number;
}

/**
 * One connection on a VirtualClock with a fake host that records every segment it emits (smoltcp-style
 * fixtures): put it in a state, feed it a segment, assert exactly what came out.
 */
export function fixture(cfg: Partial<TcpConfig> = {}) {
  const clock = new VirtualClock(0);
  const sent: Sent[] = [];
  const traces: string[] = [];
  /** Every event the connection emitted, in order (`traces` has the text of the traced ones). */
  const events: TcpEvent[] = [];
  const drops: EngineDrop[] = [];
  const errors: CloseReason[] = [];
  const states: TcpState[] = [];
  let challengeAllowance = Infinity;
  let released = false;
  /** Inside `f.burst`: the connection's notices (and its run's ACK) wait for the burst's end. */
  let burst = false;
  let queued = false;
  const { mtu, ...ends } = ENDS[family];
  const host: ConnectionHost = {
    clock,
    timers: new TimerQueue(clock),
    transmit(f: PacketFields) {
      sent.push({
        seq: f.seq,
        ack: f.ack ?? 0,
        flags: f.flags,
        window: f.window,
        payload: (f.payload ?? new Uint8Array(0)).slice(),
        tos: f.tos ?? 0,
        // The engine rewrites one options record per segment: keep a copy of what this one carried.
        ...(f.options !== undefined ? { options: structuredClone(f.options) } : {}),
      });
    },
    tracing: true,
    emit(e) {
      events.push(e);
      if (isTraced(e)) traces.push(eventText(e));
    },
    // No link bursts but inside `f.burst`: there every segment's notifications wait for the run's end.
    deferNotices: () => {
      if (burst) queued = true;
      return burst;
    },
    get inBurst() {
      return burst;
    },
    released: () => void (released = true),
    allowChallengeAck: () => challengeAllowance-- > 0,
    pathMtu: () => mtu,
    enteredTimeWait() {},
    drop: (r) => void drops.push(r),
    countRetransmit() {},
    countReset() {},
  };
  const conn = new TcpConnection(
    host,
    { ...ends, localPort: 49152, remotePort: 80 },
    { ...defaultTcpConfig, ...cfg },
    LOCAL_ISS,
    Math.min(cfg.mss ?? MSS, MSS),
  );
  conn.events = {
    onStateChange: (_f, to) => void states.push(to),
    onError: (r) => void errors.push(r),
  };

  const f = {
    clock,
    conn,
    sent,
    traces,
    events,
    drops,
    errors,
    states,
    get released() {
      return released;
    },
    /** Runs `feed` as one run of a link's burst (TcpProtocol's runs), then ends the run as the stack does. */
    burst(feed: () => void) {
      burst = true;
      try {
        feed();
      } finally {
        burst = false;
      }
      if (queued) {
        queued = false;
        conn.runEnded();
      }
    },
    limitChallengeAcks(n: number) {
      challengeAllowance = n;
    },
    /** Feed one segment from the peer. */
    recv(s: SegSpec) {
      const payload =
        typeof s.payload === "string" ? new TextEncoder().encode(s.payload) : (s.payload ?? new Uint8Array(0));
      conn.segmentArrives(
        {
          seq: s.seq >>> 0,
          ack: (s.ack ?? 0) >>> 0,
          flags: s.flags,
          window: s.window ?? 65535,
          options: s.options ?? {},
          tos: s.tos ?? 0,
        },
        payload,
      );
    },
    /**
     * Assert exactly the segments emitted since the last call, then forget them: seq, flags, ack (on ACKs)
     * and payload (text or length; none when not given) always, window and options where given.
     */
    expectSent(expected: ExpectedSegment[]) {
      const got = sent.slice();
      f.expectSentLoosely(expected);
      expected.forEach((e, i) => {
        if (e.window !== undefined) expect(got[i].window, `window of segment ${i}`).toBe(e.window);
        if (typeof e.payload === "string") expect(new TextDecoder().decode(got[i].payload)).toBe(e.payload);
        else if (typeof e.payload === "number") expect(got[i].payload.length, `length of segment ${i}`).toBe(e.payload);
        else expect(got[i].payload.length, `length of segment ${i}`).toBe(0);
        if (e.options !== undefined) expect(got[i].options).toEqual(e.options);
      });
    },
    /**
     * The named exception to `expectSent`: compares only seq, flags and (on ACKs) ack, for segments whose
     * payload or window the test does not pin down.
     */
    expectSentLoosely(expected: ExpectedSegment[]) {
      const got = sent.splice(0).map((s) => {
        const o: Record<string, unknown> = { seq: s.seq, flags: flagNames(s.flags) };
        if (s.flags & ACK) o.ack = s.ack;
        return o;
      });
      const want = expected.map((e) => {
        const o: Record<string, unknown> = { seq: e.seq >>> 0, flags: flagNames(e.flags) };
        if (e.flags & ACK) o.ack = (e.ack ?? 0) >>> 0;
        return o;
      });
      expect(got).toEqual(want);
      return expected;
    },
    expectNothingSent() {
      expect(sent.splice(0).map((s) => `${flagNames(s.flags)} seq=${s.seq}`)).toEqual([]);
    },
  };
  return f;
}

export type Fixture = ReturnType<typeof fixture>;

export function flagNames(flags: number): string {
  const names: string[] = [];
  if (flags & SYN) names.push("SYN");
  if (flags & FIN) names.push("FIN");
  if (flags & RST) names.push("RST");
  if (flags & PSH) names.push("PSH");
  if (flags & ACK) names.push("ACK");
  if (flags & ECE) names.push("ECE");
  if (flags & CWR) names.push("CWR");
  return names.join("|");
}

/** The connection in SYN-SENT, its SYN already checked and forgotten. */
export function synSent(cfg: Partial<TcpConfig> = {}): Fixture {
  const f = fixture(cfg);
  f.conn.openActive();
  // RFC 3168 §6.1.1: with ECN on, an ECN-setup SYN.
  f.expectSent([{ seq: LOCAL_ISS, flags: SYN | (cfg.ecn === true ? ECE | CWR : 0) }]);
  return f;
}

/** ESTABLISHED by an active open; the peer offers `window` and MSS `peerMss`. */
export function established(cfg: Partial<TcpConfig> = {}, window = 65535, peerMss = MSS): Fixture {
  const f = synSent(cfg);
  f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK, window, options: { mss: peerMss } });
  f.expectSent([{ seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, flags: ACK }]);
  f.states.length = 0;
  return f;
}

/** SYN-RECEIVED by a passive open. */
export function synReceived(cfg: Partial<TcpConfig> = {}): Fixture {
  const f = fixture(cfg);
  f.conn.openPassive({ seq: REMOTE_ISS, ack: 0, flags: SYN, window: 65535, options: { mss: MSS } });
  f.expectSent([{ seq: LOCAL_ISS, ack: REMOTE_ISS + 1, flags: SYN | ACK }]);
  return f;
}

export const L = (n: number) => (LOCAL_ISS + n) >>> 0;
export const R = (n: number) => (REMOTE_ISS + n) >>> 0;
