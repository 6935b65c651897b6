/**
 * The contract between the TCP engine (src/tcp, src/stack) and the layers above it (src/api). The engine
 * implements `Connection` and `Listener`; the typestate API wraps them. Nothing here knows about promises:
 * the engine is callback-driven so one segment costs no promise churn.
 */

import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import type { TcpEvent } from "./tcp-events.js";

/** RFC 9293 §3.3.2 state names, spelled as the RFC spells them. */
export type TcpState =
  | "CLOSED"
  | "LISTEN"
  | "SYN-SENT"
  | "SYN-RECEIVED"
  | "ESTABLISHED"
  | "FIN-WAIT-1"
  | "FIN-WAIT-2"
  | "CLOSE-WAIT"
  | "CLOSING"
  | "LAST-ACK"
  | "TIME-WAIT";

/**
 * RFC 9293 §3.5.2's synchronized states: the handshake is complete (SYN-RECEIVED is not among them) and
 * the connection has not yet closed.
 */
export const SYNCHRONIZED: ReadonlySet<TcpState> = new Set<TcpState>([
  "ESTABLISHED",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "CLOSE-WAIT",
  "CLOSING",
  "LAST-ACK",
  "TIME-WAIT",
]);

/** RFC 9293 §3.10.2 SEND: the states that queue data (SYN-SENT and SYN-RECEIVED until ESTABLISHED). */
export const SEND_ACCEPTED: ReadonlySet<TcpState> = new Set<TcpState>([
  "SYN-SENT",
  "SYN-RECEIVED",
  "ESTABLISHED",
  "CLOSE-WAIT",
]);

/** Why a connection ended other than by a graceful close. */
export type CloseReason =
  | "refused" // RST in reply to our SYN
  | "reset" // RST on a synchronized connection
  | "connect-timeout" // SYN retries exhausted
  | "user-timeout" // data unacknowledged for longer than the user timeout
  | "keepalive-timeout" // keep-alive probes unanswered
  | "aborted" // the local user called abort()
  // An ICMP error (src/tcp/icmp-error.ts): a hard one while connecting, or a soft one reported when the
  // connect or user timeout fired.
  | "network-unreachable"
  | "host-unreachable"
  | "protocol-unreachable";

/** What `info()` reports about one connection: state, addresses, RTT, windows, counters. */
export interface ConnectionInfo {
  state: TcpState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Smoothed RTT and RTO in milliseconds (RFC 6298); srtt is undefined before the first sample. */
  srtt: number | undefined;
  rttvar: number | undefined;
  rto: number;
  /** Effective send MSS (payload bytes per segment). */
  mss: number;
  cwnd: number;
  ssthresh: number;
  bytesInFlight: number;
  sendWindow: number;
  receiveWindow: number;
  bytesSent: number;
  bytesReceived: number;
  segmentsSent: number;
  segmentsReceived: number;
  retransmits: number;
  retransmittedBytes: number;
  fastRetransmits: number;
  timeouts: number;
  /** RFC 8985 tail loss probes sent. */
  lossProbes?: number;
  /** Fast recoveries found spurious (D-SACK, Eifel) whose window cut was undone. */
  undos?: number;
  /** Filled in by the options work: negotiated window scale, timestamps, SACK, congestion algorithm. */
  windowScale?: { send: number; receive: number };
  timestamps?: boolean;
  sack?: boolean;
  sackedBytes?: number;
  /** RFC 3168 ECN agreed on the SYNs, and the cwnd reductions an ECN-Echo made. */
  ecn?: boolean;
  ecnReductions?: number;
  /**
   * The last soft ICMP error about this connection (RFC 1122 §4.2.3.9: reported, not fatal), cleared by
   * an acknowledgment of new data: the path works again.
   */
  softError?: IcmpErrorKind;
  congestionControl?: string;
  /** The loss recovery in use: "newreno" (no SACK), "rfc6675" or "rack". */
  lossRecovery?: string;
}

/** Callbacks the engine calls; the API layer sets them. Every callback is optional. */
export interface ConnectionEvents {
  /** The state changed (every RFC transition, including to CLOSED). */
  onStateChange?(from: TcpState, to: TcpState): void;
  /** New in-order data (or the peer's FIN) can be read. */
  onReadable?(): void;
  /** Send-buffer space was freed. */
  onWritable?(): void;
  /** The connection ended abnormally. Called once, before the transition to CLOSED. */
  onError?(reason: CloseReason): void;
  /** Every typed event about this connection (tcp-events.ts); while set, the engine builds them. */
  onEvent?(event: TcpEvent): void;
}

/** Per-connection overrides of the stack's `TcpConfig`, for `Stack.connect`. */
export interface ConnectOptions {
  localPort?: number;
  /** Overrides of the stack's TCP configuration for this connection. */
  noDelay?: boolean;
  sendBufferSize?: number;
  receiveBufferSize?: number;
  connectTimeout?: number;
  userTimeout?: number;
  keepAlive?: boolean | { idle: number; interval: number; count: number };
}

export interface Connection {
  readonly state: TcpState;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  events: ConnectionEvents;

  /** RFC 9293 SEND: queue bytes; returns how many fit in the send buffer (0 when full). Copies them. */
  write(data: Uint8Array): number;
  /**
   * SEND without a copy: the send buffer keeps `data` itself (as much of it as fits; returns how many bytes,
   * from the front). Ownership: from this call on those bytes belong to the connection, which reads them
   * again for every retransmission until the peer acknowledges them, so the caller must never modify them
   * (nor any view of the same memory) afterwards; hand the rest over later as `data.subarray(n)`.
   */
  writeNoCopy(data: Uint8Array): number;
  /** Free space in the send buffer. */
  readonly writableSpace: number;
  /** RFC 9293 RECEIVE: take up to `max` in-order bytes; null when nothing is buffered. */
  read(max?: number): Uint8Array | null;
  /** RECEIVE into the caller's buffer: copies up to `target.length` in-order bytes, returns how many (0: none buffered). */
  readInto(target: Uint8Array): number;
  readonly readableLength: number;
  /** True once the peer's FIN has been received and every byte before it read. */
  readonly readEnded: boolean;
  /** RFC 9293 CLOSE: send FIN after queued data (half-close: we may still read). */
  shutdown(): void;
  /** RFC 9293 ABORT: send RST if synchronized, drop everything, go to CLOSED. */
  abort(): void;
  setNoDelay(noDelay: boolean): void;
  /**
   * RFC 1122 §4.2.3.6 keep-alive on or off for this connection, probing after `idleMs` of silence
   * (default: unchanged); interval and probe count stay as configured.
   */
  setKeepAlive(enable: boolean, idleMs?: number): void;
  info(): ConnectionInfo;
}

/** A passive OPEN's queue bounds; each defaults to the stack's `tcp` configuration. */
export interface ListenOptions {
  /** Established connections waiting for `accept` (the kernel's somaxconn). */
  backlog?: number;
  /** Half-open connections; past it SYN cookies answer (the kernel's tcp_max_syn_backlog). */
  synBacklog?: number;
}

export interface Listener {
  readonly localAddress: string;
  readonly localPort: number;
  /** Connections that completed the handshake and wait to be accepted. */
  readonly backlogLength: number;
  /** Take the next established connection, or null. */
  accept(): Connection | null;
  /** Called when a new connection is ready to accept. */
  onConnection: (() => void) | null;
  /** Stop listening: RST every queued and half-open connection. */
  close(): void;
}
