/**
 * The engine's typed events: what a connection or the TCP layer did, as data. The engine builds one only
 * when somebody listens (`EventSink.listening`, or a listener on the connection itself), so a connection
 * nobody observes allocates nothing for them. `stack/event-text.ts` renders each as the line the trace and
 * capture comments carry.
 */
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import type { EngineDrop } from "./connection.js";
import type { TcpState } from "./types.js";

/** The connection an event is about, by its 4-tuple. */
export interface ConnectionTuple {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** "10.0.0.1:49152>10.0.0.2:80": a connection as trace lines name it. */
export function connectionId(c: ConnectionTuple): string {
  return `${hostPort(c.localAddress, c.localPort)}>${hostPort(c.remoteAddress, c.remotePort)}`;
}

/** "10.0.0.1:80", or "[fd00::1]:80" for an IPv6 address (RFC 3986 §3.2.2's brackets). */
function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Fields every event has. */
interface EventBase {
  /** The stack clock's time (ms) when it happened. */
  readonly time: number;
}

/** Fields of an event about one connection. */
interface OnConnection extends EventBase {
  readonly connection: ConnectionTuple;
}

/** Fields of an event about the stack or a listening port, not one connection. */
interface OnStack extends EventBase {
  readonly connection: null;
}

/** An RFC 9293 state transition (every one, CLOSED included). */
export interface StateEvent extends OnConnection {
  readonly type: "state";
  readonly from: TcpState;
  readonly to: TcpState;
}

/** The retransmission timer fired (RFC 6298 §5.5): `rto` is the backed-off timeout now armed. */
export interface RtoEvent extends OnConnection {
  readonly type: "rto";
  /** The new retransmission timeout (ms), after backing off. */
  readonly rto: number;
  /** How many times the timeout has doubled since the last RTT sample. */
  readonly backoff: number;
  /** During the handshake: which SYN (or SYN-ACK) retry this is; else null. */
  readonly synRetry: number | null;
}

/** A segment sent again: below SND.MAX (RFC 9293 §3.8.1), or the SYN. */
export interface RetransmitEvent extends OnConnection {
  readonly type: "retransmit";
  readonly seq: number;
  /** Payload bytes (0 for a SYN or a bare FIN). */
  readonly len: number;
  /**
   * "handshake": a SYN retry; "timeout": after the retransmission timer (go-back-N); "recovery": loss
   * recovery resending a loss (fast retransmit, SACK or RACK); "probe": a zero-window or tail loss probe.
   */
  readonly reason: "handshake" | "timeout" | "recovery" | "probe";
}

/** What a loss recovery did, and cwnd after it. */
export interface LossRecoveryEvent extends OnConnection {
  readonly type: "recovery";
  /**
   * "enter": fast retransmit, recovery starts; "exit": recovery ended; "undo": a spurious recovery's cut
   * taken back (RFC 2883 §5, RFC 3522); "lost-retransmission": a retransmission found lost again;
   * "loss-probe": an RFC 8985 §7.3 tail loss probe went out; "probe-repaired": the probe repaired a loss
   * (§7.4).
   */
  readonly phase: "enter" | "exit" | "undo" | "lost-retransmission" | "loss-probe" | "probe-repaired";
  /** The loss recovery in use: `TcpConfig.lossRecovery`'s name ("newreno", "rfc6675", "rack"). */
  readonly algorithm: string;
  readonly cwnd: number;
  /** Bytes concerned (lost-retransmission, loss-probe); 0 otherwise. */
  readonly bytes: number;
}

/** One of the housekeeping timers fired (RFC 9293 §3.10.8, RFC 1122 §4.2.3.2 and §4.2.3.6). */
export type TimerEvent = OnConnection & { readonly type: "timer" } & (
    | { readonly timer: "delayed-ack" | "time-wait" | "connect" | "user" }
    /** The zero-window probe (RFC 9293 §3.8.6.1), with the peer's window then. */
    | { readonly timer: "persist"; readonly window: number }
    /** A keep-alive probe went out: the first is 1. */
    | { readonly timer: "keep-alive"; readonly probe: number }
  );

/** Why a connection ended before a graceful close, or was given up by the stack. */
export interface AbortEvent extends OnConnection {
  readonly type: "abort";
  readonly reason:
    | "refused" // an RST answered our SYN
    | "reset" // an RST on a synchronized connection
    | "syn-retries" // the handshake's retries ran out
    | "keep-alive" // the peer did not answer the keep-alive probes
    | "accept-queue-full" // the handshake completed into a full accept queue: RST
    | "syn-queue-full" // the oldest half-open connection, given up for a newer SYN
    | "time-wait-cap" // the oldest TIME-WAIT connection, recycled past `timeWaitLimit`
    | "time-wait-reopened"; // TIME-WAIT ended by a newer SYN (RFC 6191)
}

/** An ICMP error about a segment in flight (RFC 5927): hard ones abort a connection still opening. */
export interface IcmpEvent extends OnConnection {
  readonly type: "icmp";
  readonly kind: IcmpErrorKind;
  /** True when it aborted the connection (hard error while connecting); false for a soft error. */
  readonly hard: boolean;
}

/** The send MSS changed with the path MTU (RFC 1191, RFC 4821 / 8899 probing). */
export interface PathMtuEvent extends OnConnection {
  readonly type: "path-mtu";
  readonly fromMtu: number;
  readonly toMtu: number;
  readonly fromMss: number;
  readonly toMss: number;
  readonly reason: PathMtuReason;
}

/** Why the send MSS moved (path-mtu.ts). */
export type PathMtuReason =
  | "cached" // the IP layer's cache knew a smaller MTU at the handshake
  | "icmp" // an ICMP fragmentation-needed
  | "lowered" // the path MTU towards the peer was lowered (another connection learned it)
  | "expired" // the cached path MTU expired
  | "probe-lost" // a probe of a larger size was lost
  | "black-hole" // full-sized segments keep timing out (RFC 4821 §7.7)
  | "probing"; // searching a larger size

/** cwnd changed outside the ACK clock: RFC 5681 §4.1 restart after idle, or an RFC 3168 ECN-Echo. */
export interface CwndEvent extends OnConnection {
  readonly type: "cwnd";
  readonly reason: "idle-restart" | "ecn-echo";
  readonly cwnd: number;
}

/** Receive-buffer autotuning grew the buffer (receive-tuning.ts): the window may open to `size`. */
export interface ReceiveBufferEvent extends OnConnection {
  readonly type: "receive-buffer";
  readonly size: number;
  /** Bytes the application read in the round trip measured, and that round trip (ms). */
  readonly read: number;
  readonly rtt: number;
}

/** An RFC 5961 challenge ACK went out. */
export interface ChallengeAckEvent extends OnConnection {
  readonly type: "challenge-ack";
}

/** A segment for this connection the engine dropped (also counted in `counters.drops`). */
export interface DropEvent extends OnConnection {
  readonly type: "drop";
  readonly reason: EngineDrop;
}

/** A SYN cookie (RFC 4987 §3.6) was sent, or its ACK came back. */
export type SynCookieEvent =
  | (OnStack & {
      readonly type: "syn-cookie";
      readonly phase: "sent";
      readonly listener: ListenerAddress;
      readonly cause: ListenOverload;
    })
  | (OnStack & {
      readonly type: "syn-cookie";
      readonly phase: "invalid";
      readonly listener: ListenerAddress;
      readonly from: { readonly address: string; readonly port: number };
    })
  | (OnConnection & { readonly type: "syn-cookie"; readonly phase: "valid"; readonly mss: number });

/** Why a listening port could not take a SYN in the ordinary way. */
export type ListenOverload = "accept-queue-full" | "syn-queue-full" | "memory-pressure";

/** A listening port dropped a SYN it could not queue (the peer retries). */
export interface SynDropEvent extends OnStack {
  readonly type: "syn-dropped";
  readonly listener: ListenerAddress;
  readonly cause: ListenOverload;
}

/** A listening port's address. */
export interface ListenerAddress {
  readonly address: string;
  readonly port: number;
}

/** The stack's memory budget (memory-budget.ts) crossed a threshold. */
export interface MemoryEvent extends OnStack {
  readonly type: "memory";
  /** "pressure": windows shrink; "exhausted": window 0, new connections refused; "relieved": pressure over. */
  readonly phase: "pressure" | "exhausted" | "relieved";
  readonly used: number;
  readonly limit: number;
}

/** Every event the TCP layer emits. */
export type TcpEvent =
  | StateEvent
  | RtoEvent
  | RetransmitEvent
  | LossRecoveryEvent
  | TimerEvent
  | AbortEvent
  | IcmpEvent
  | PathMtuEvent
  | CwndEvent
  | ReceiveBufferEvent
  | ChallengeAckEvent
  | DropEvent
  | SynCookieEvent
  | SynDropEvent
  | MemoryEvent;

/** Omit that keeps a union a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event about a connection as its call site writes it: the connection adds the time and its 4-tuple. */
export type ConnectionEventInit = DistributiveOmit<Extract<TcpEvent, OnConnection>, "time" | "connection">;

/** An event about the stack as its call site writes it: the sink's owner adds the time. */
export type StackEventInit = DistributiveOmit<Extract<TcpEvent, OnStack>, "time" | "connection">;

/** Where the TCP layer's events go: built only while `listening`. */
export interface EventSink {
  readonly listening: boolean;
  emit(event: TcpEvent): void;
}

/** Fills in `time` and `connection` of an init in place (no second object) and returns it as the event. */
export function completeEvent<E extends ConnectionEventInit | StackEventInit>(
  init: E,
  time: number,
  connection: ConnectionTuple | null,
): TcpEvent {
  const event = init as E & { time: number; connection: ConnectionTuple | null };
  event.time = time;
  event.connection = connection;
  return event as unknown as TcpEvent;
}

/** The sink of a layer nobody listens to. */
export const NO_LISTENER: EventSink = { listening: false, emit() {} };
