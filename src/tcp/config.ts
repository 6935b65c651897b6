import { congestionAlgorithms, type CongestionAlgorithm } from "./congestion-algorithms.js";
import { sackRecoveries, type SackRecoveryName } from "./loss-recoveries.js";
import type { ConnectOptions } from "./types.js";

/**
 * Tunables of the engine; a stack takes `Partial<TcpConfig>` and a connection may override some of them.
 * Times are milliseconds. Each field's `@defaultValue` is `defaultTcpConfig`'s (a test keeps them equal).
 */
export interface TcpConfig {
  /**
   * Our MSS when the link does not bound it lower (payload bytes per segment), over IPv4; over IPv6 it is
   * 20 bytes less, for packets of the same size. @defaultValue 1460
   */
  mss: number;
  /** Send buffer: what `write()` may queue ahead of the peer's acknowledgments. @defaultValue 262144 */
  sendBufferSize: number;
  /**
   * Receive buffer, the most it grows to with `receiveBufferAutotune` (the SYN's window scale is chosen for
   * it; Linux's tcp_rmem maximum); without window scaling only the first 65,535 bytes can be advertised.
   * @defaultValue 6291456
   */
  receiveBufferSize: number;
  /**
   * Receive-buffer autotuning (Linux's tcp_moderate_rcvbuf): the buffer starts at 64 KiB and grows each
   * round trip to about twice what the application read in it, up to `receiveBufferSize`. A connection
   * given its own `receiveBufferSize` (`ConnectOptions`) keeps it fixed, as SO_RCVBUF does. @defaultValue true
   */
  receiveBufferAutotune: boolean;
  /** True turns Nagle's algorithm off (RFC 896): small writes go out at once. @defaultValue false */
  noDelay: boolean;
  /** RFC 6298 initial retransmission timeout. @defaultValue 1000 */
  initialRto: number;
  /** RFC 6298 lower bound on the RTO; RFC 6298 asks for 1 s, Linux uses 200 ms. @defaultValue 200 */
  minRto: number;
  /** Upper bound on the RTO after backoff. @defaultValue 60000 */
  maxRto: number;
  /** SYN retransmissions before giving up. @defaultValue 6 */
  synRetries: number;
  /** The overall connect deadline (`ConnectTimeoutError` after it). @defaultValue 75000 */
  connectTimeout: number;
  /** RFC 9293 USER TIMEOUT: abort when data stays unacknowledged this long. @defaultValue 300000 */
  userTimeout: number;
  /** RFC 1122 4.2.3.2: the delayed-ACK bound (must be < 500 ms). @defaultValue 40 */
  delayedAckTimeout: number;
  /** Maximum segment lifetime; TIME-WAIT lasts 2*MSL. @defaultValue 30000 */
  msl: number;
  /** RFC 1122 4.2.3.6 keep-alive probes on idle connections. @defaultValue false */
  keepAlive: boolean;
  /** Idle time before the first keep-alive probe. @defaultValue 7200000 */
  keepAliveIdle: number;
  /** Time between unanswered keep-alive probes. @defaultValue 75000 */
  keepAliveInterval: number;
  /** Unanswered probes before `KeepAliveTimeoutError`. @defaultValue 9 */
  keepAliveCount: number;
  /** Persist (zero-window probe) timer, lower bound. @defaultValue 200 */
  persistMin: number;
  /** Persist (zero-window probe) timer, upper bound. @defaultValue 60000 */
  persistMax: number;
  /** Distinct out-of-order ranges held for reassembly; segments that would make more are dropped. @defaultValue 1024 */
  maxReassemblyRanges: number;
  /** Default listen backlog: established connections waiting for accept (the kernel's somaxconn). @defaultValue 128 */
  backlog: number;
  /** Default SYN queue bound: half-open connections per listener (the kernel's tcp_max_syn_backlog). @defaultValue 256 */
  synBacklog: number;
  /** RFC 4987 §3.6 SYN cookies once a listener's SYN queue is full (the kernel's tcp_syncookies=1). @defaultValue true */
  synCookies: boolean;
  /**
   * Connections in TIME-WAIT per stack; past it the oldest is recycled (the kernel's tcp_max_tw_buckets).
   * @defaultValue 8192
   */
  timeWaitLimit: number;
  /** RSTs per second, stack-wide, answering segments for no connection (closed ports, stray ACKs). @defaultValue 1000 */
  resetLimit: number;
  /**
   * RFC 1337 TIME-WAIT assassination protection: ignore RST in TIME-WAIT (off, as Linux's tcp_rfc1337).
   * @defaultValue false
   */
  rfc1337: boolean;
  /** RFC 5961 §7: challenge ACKs per second, stack-wide. @defaultValue 1000 */
  challengeAckLimit: number;
  /** Congestion control: `"cubic"` (RFC 9438) or `"newreno"` (RFC 5681/6582). @defaultValue "cubic" */
  congestionControl: CongestionAlgorithm;
  /** RFC 7323 window scale, offered on SYN (the shift follows from receiveBufferSize). @defaultValue true */
  windowScale: boolean;
  /** RFC 7323 timestamps: RTT from every ACK, and PAWS. @defaultValue true */
  timestamps: boolean;
  /** RFC 2018 SACK, with the loss recovery `lossRecovery` names. @defaultValue true */
  sack: boolean;
  /**
   * Loss recovery with SACK: "rack" (RFC 8985 RACK-TLP, as Linux) or "rfc6675" (DupThresh counting).
   * Without SACK a connection runs RFC 6582 NewReno. @defaultValue "rack"
   */
  lossRecovery: SackRecoveryName;
  /**
   * RFC 2883 D-SACK: report duplicate segments (with SACK agreed), as Linux does, so a sender can tell a
   * spurious retransmission. @defaultValue true
   */
  dsack: boolean;
  /**
   * RFC 3168 ECN: ask for it on connect (SYN with ECE and CWR) and accept a peer's request (SYN-ACK with
   * ECE); then new data is sent ECT(0), a CE mark is echoed with ECE, and an ECE reduces cwnd as a loss
   * would, with nothing resent. Off means no ECN bit ever, on either side: Linux's `tcp_ecn=0`, where
   * Linux's default (2) would accept a peer's request. On is Linux's `tcp_ecn=1`. @defaultValue false
   */
  ecn: boolean;
}

export const defaultTcpConfig: Readonly<TcpConfig> = Object.freeze({
  mss: 1460,
  sendBufferSize: 256 * 1024,
  receiveBufferSize: 6 * 1024 * 1024,
  receiveBufferAutotune: true,
  noDelay: false,
  initialRto: 1000,
  minRto: 200,
  maxRto: 60_000,
  synRetries: 6,
  connectTimeout: 75_000,
  userTimeout: 300_000,
  delayedAckTimeout: 40,
  msl: 30_000,
  keepAlive: false,
  keepAliveIdle: 7_200_000,
  keepAliveInterval: 75_000,
  keepAliveCount: 9,
  persistMin: 200,
  persistMax: 60_000,
  // A slow start that overshoots a deep queue loses every other segment of a multi-MiB window: each hole
  // is a range, and a range refused is data the peer must send again.
  maxReassemblyRanges: 1024,
  backlog: 128,
  synBacklog: 256,
  synCookies: true,
  timeWaitLimit: 8192,
  resetLimit: 1000,
  rfc1337: false,
  challengeAckLimit: 1000,
  congestionControl: "cubic",
  windowScale: true,
  timestamps: true,
  sack: true,
  lossRecovery: "rack",
  dsack: true,
  ecn: false,
});

/** The stack's configuration with one connection's overrides applied. */
export function connectionConfig(base: TcpConfig, opts: ConnectOptions | undefined): TcpConfig {
  if (opts === undefined) return base;
  const c: TcpConfig = { ...base };
  if (opts.noDelay !== undefined) c.noDelay = opts.noDelay;
  if (opts.sendBufferSize !== undefined) c.sendBufferSize = opts.sendBufferSize;
  if (opts.receiveBufferSize !== undefined) {
    c.receiveBufferSize = opts.receiveBufferSize;
    c.receiveBufferAutotune = false;
  }
  if (opts.connectTimeout !== undefined) c.connectTimeout = opts.connectTimeout;
  if (opts.userTimeout !== undefined) c.userTimeout = opts.userTimeout;
  if (typeof opts.keepAlive === "boolean") c.keepAlive = opts.keepAlive;
  else if (opts.keepAlive !== undefined) {
    c.keepAlive = true;
    c.keepAliveIdle = opts.keepAlive.idle;
    c.keepAliveInterval = opts.keepAlive.interval;
    c.keepAliveCount = opts.keepAlive.count;
  }
  return c;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Rejects sizes and durations that would make a buffer or a timer unusable or unbounded. */
export function validateConfig(c: TcpConfig): void {
  const positive: Array<keyof TcpConfig> = [
    "mss",
    "sendBufferSize",
    "receiveBufferSize",
    "maxReassemblyRanges",
    "backlog",
    "synBacklog",
    "timeWaitLimit",
    "resetLimit",
  ];
  for (const k of positive) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`tcp.${k} must be a positive integer, got ${v}`);
  }
  // Durations in ms; a timer beyond setTimeout's 2^31-1 ms would fire at once, a negative one is a bug.
  const durations = [
    "initialRto",
    "minRto",
    "maxRto",
    "connectTimeout",
    "userTimeout",
    "delayedAckTimeout",
    "msl",
    "keepAliveIdle",
    "keepAliveInterval",
    "persistMin",
    "persistMax",
  ] as const;
  for (const k of durations) {
    const v = c[k];
    if (!(typeof v === "number" && v > 0 && v <= MAX_TIMER_MS)) {
      throw new RangeError(`tcp.${k} must be a positive number of milliseconds up to ${MAX_TIMER_MS}, got ${v}`);
    }
  }
  for (const k of ["synRetries", "keepAliveCount", "challengeAckLimit"] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`tcp.${k} must be a non-negative integer, got ${v}`);
  }
  for (const k of [
    "windowScale",
    "timestamps",
    "sack",
    "dsack",
    "synCookies",
    "rfc1337",
    "ecn",
    "receiveBufferAutotune",
  ] as const) {
    if (typeof c[k] !== "boolean") throw new RangeError(`tcp.${k} must be true or false, got ${JSON.stringify(c[k])}`);
  }
  if (!Object.hasOwn(sackRecoveries, c.lossRecovery)) {
    throw new RangeError(`unknown loss recovery ${JSON.stringify(c.lossRecovery)}`);
  }
  if (!Object.hasOwn(congestionAlgorithms, c.congestionControl)) {
    throw new RangeError(`unknown congestion control ${JSON.stringify(c.congestionControl)}`);
  }
  if (c.sendBufferSize > 1 << 30 || c.receiveBufferSize > 1 << 30)
    throw new RangeError("buffer sizes are limited to 1 GiB");
}
