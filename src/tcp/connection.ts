import { assertNever } from "./assert-never.js";
import type { Clock } from "../clock/clock.js";
import { seqAdd, seqDiff } from "../wire/seq.js";
import { TcpFlags, type PacketFields, type TcpOptions, type TcpRepr } from "../wire/types.js";
import { cookieWindow, type CookieGrant } from "./cookie-handshake.js";
import { segmentArrives } from "./arrives.js";
import type { TcpConfig } from "./config.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import type { CongestionControl } from "./congestion.js";
import { congestionAlgorithms } from "./congestion-algorithms.js";
import { EcnState, ecnAgreed, ecnOffered } from "./ecn.js";
import type { LossRecovery } from "./loss-recovery.js";
import { lossRecovery } from "./loss-recoveries.js";
import { ConnectionSender } from "./recovery-sender.js";
import { AgreedOptions, TIMESTAMPS_BYTES, maxWindow, negotiate } from "./option-negotiation.js";
import { output, sendReset, sendSyn } from "./output.js";
import type { MemoryBudget } from "./memory-budget.js";
import { ReceiveBuffer } from "./receive-buffer.js";
import { ReceiveTuning, initialReceiveBuffer, tuningRead } from "./receive-tuning.js";
import { INITIAL_RING } from "./sized-ring.js";
import { SackReporter } from "./sack-reporter.js";
import { PathMtuState, pathMtuAgreed } from "./path-mtu.js";
import { RttEstimator } from "./rtt.js";
import { SendBuffer } from "./send-buffer.js";
import { ControlBlock } from "./tcb.js";
import { HandshakeState } from "./handshake-state.js";
import { ReceiverState } from "./receiver-state.js";
import { SenderState } from "./sender-state.js";
import { UserNotices } from "./user-notices.js";
import { timeout } from "./timeouts.js";
import { TimestampState, recordSynTimestamp } from "./timestamps.js";
import { ConnectionTimers, TimerKind } from "./timers.js";
import type { TimerQueue } from "../clock/timer-queue.js";
import type { SmallQueues } from "./small-queues.js";
import {
  completeEvent,
  connectionId,
  type ConnectionEventInit,
  type ConnectionTuple,
  type TcpEvent,
} from "./tcp-events.js";
import {
  SEND_ACCEPTED,
  type CloseReason,
  type Connection,
  type ConnectionEvents,
  type ConnectionInfo,
  type TcpState,
} from "./types.js";

/** Why the engine dropped a segment or refused work; the stack counts them. */
export type EngineDrop =
  | "unacceptable-segment" // failed the RFC 9293 §3.10.7.4 acceptability test
  | "ack-out-of-window" // RFC 5961 §5.2
  | "challenge-ack-limit" // RFC 5961 §7: a challenge ACK was due but rate-limited
  | "reassembly-full" // out-of-order data past the range bound
  | "no-ack" // synchronized state, ACK bit off
  | "syn-sent-bad-ack"
  | "paws-rejected" // RFC 7323 §5.3: an old duplicate by its timestamp
  | "time-wait-rst-ignored" // RFC 1337 (the `rfc1337` option): an RST in TIME-WAIT
  | "memory-pressure"; // out-of-order data the memory budget had no room for

/** What a connection needs from the stack that owns it. */
export interface ConnectionHost {
  readonly clock: Clock;
  /** The stack's timer queue, on `clock`: every connection's deadlines share its one clock timer. */
  readonly timers: TimerQueue;
  /** Send one segment. `fields.payload` may view a buffer that changes later: copy it before returning. */
  transmit(fields: PacketFields): void;
  /** Whether anyone listens to the stack's events: the engine builds them only then (or for `onEvent`). */
  readonly tracing: boolean;
  emit(event: TcpEvent): void;
  /** The stack's memory budget, which the buffers draw from (none: unbounded). */
  readonly budget?: MemoryBudget;
  /** The connection reached CLOSED: forget it. */
  released(conn: TcpConnection): void;
  /**
   * Inside a burst of the link: queue `conn` to be notified (`notify()`) when its run of the burst ends (a
   * segment of another connection comes, or the burst ends) and return true; otherwise return false and
   * the connection notifies at once.
   */
  deferNotices(conn: TcpConnection): boolean;
  /** Inside a burst of the link (deferNotices queues): the every-second-segment ACK waits for the run's end. */
  readonly inBurst: boolean;
  /** The path MTU towards `remoteIp` as the IP layer knows it (RFC 1191's cache, else the link MTU). */
  pathMtu(remoteIp: number): number;
  /** RFC 5961 §7 stack-wide limiter: true when one more challenge ACK may go out now. */
  allowChallengeAck(): boolean;
  /** The connection entered TIME-WAIT (the stack caps how many it holds). */
  enteredTimeWait(conn: TcpConnection): void;
  drop(reason: EngineDrop): void;
  countRetransmit(): void;
  countReset(): void;
  /** Bounds the data segments in the link's transmit queue (absent: the link reports none; unbounded). */
  readonly smallQueues?: SmallQueues;
}

export interface Endpoints {
  localIp: number;
  localPort: number;
  remoteIp: number;
  remotePort: number;
  localAddress: string;
  remoteAddress: string;
}

/**
 * The fields of an incoming segment's `TcpRepr` the engine reads. The stack passes its `ParsedRecord`
 * itself; the engine must not keep it, or its `options`, past the call.
 */
export type SegmentHeader = Pick<TcpRepr, "seq" | "ack" | "flags" | "window" | "options"> & {
  /** The IPv4 TOS byte (its low two bits are RFC 3168's ECN field); absent reads as 0. */
  readonly tos?: number;
};

/**
 * One TCP connection: the RFC 9293 §3.10 user events (OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS) and its
 * transitions live here; SEGMENT ARRIVES in arrives.ts, the timeouts in timeouts.ts, what it sends in
 * output.ts. Fields are engine-internal and public so those functions can reach them; the API layer sees
 * only `Connection`.
 */
export class TcpConnection implements Connection {
  /** The user's callbacks (`events`), made on first access: an idle connection nobody listens to holds none. */
  #events: ConnectionEvents | null = null;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  // Address keys (an IPv4 address past 127.255.255.255 is no small integer, an IPv6 key never is) start as
  // -0 so they are doubles from the start, for every connection (see ControlBlock).
  readonly localIp: number = -0;
  readonly remoteIp: number = -0;
  readonly host: ConnectionHost;
  /** Shared with the stack; replaced (never mutated) when the user changes a setting on this connection. */
  config: TcpConfig;
  readonly tcb = new ControlBlock();
  state: TcpState = "CLOSED";

  readonly sendBuffer: SendBuffer;
  readonly receiveBuffer: ReceiveBuffer;
  readonly rtt: RttEstimator;
  /** Made on first use, with the MSS the handshake agreed (`cc`): an idle connection never needs one. */
  #cc: CongestionControl | null = null;
  readonly timers: ConnectionTimers;
  /** Our MSS (offered on SYN) and the peer's, negotiated (option-negotiation.ts). */
  readonly ourMss: number;
  sendMss: number;
  /** Path MTU discovery and black-hole probing (path-mtu.ts). */
  readonly pathMtu = new PathMtuState();
  noDelay: boolean;
  /** RFC 7323 and RFC 2018 options: offered, then agreed on the SYNs (option-negotiation.ts). */
  readonly agreed: AgreedOptions;
  /** The state of agreed options, made when the SYNs agree on them (an idle connection without them pays nothing). */
  ts: TimestampState | null = null;
  /** RFC 3168 ECN's state (ecn.ts), made when the SYNs agree on ECN. */
  ecn: EcnState | null = null;
  /** Made on the first out-of-order or duplicate segment once SACK is agreed (`sackReport()`). */
  sackReporter: SackReporter | null = null;
  /** Loss recovery (loss-recovery.ts), made when first asked for: RFC 6582 NewReno until the SYNs agree on SACK. */
  #recovery: LossRecovery | null = null;
  #recoveryWithSack = false;
  /** Receive-buffer autotuning's measurements (receive-tuning.ts), made once a flow is under way. */
  #tuning: ReceiveTuning | null = null;

  /** The handshake's bookkeeping (OPEN, SYN retransmissions, SYN-RECEIVED). */
  readonly handshake = new HandshakeState();
  /** Set by the listener: the passive handshake completed. Returns false when the listener refused it. */
  onEstablished: ((conn: TcpConnection) => boolean) | null = null;
  /** Progress of each direction beyond the TCB: FINs, when to ACK, probing and idleness. */
  readonly receiver = new ReceiverState();
  readonly sender = new SenderState();
  readonly notices = new UserNotices();
  /** The last soft ICMP error (icmp-error.ts); the connect and user timeouts report it. */
  softError: IcmpErrorKind | undefined = undefined;

  readonly stats = {
    bytesSent: 0,
    bytesReceived: 0,
    segmentsSent: 0,
    segmentsReceived: 0,
    retransmits: 0,
    retransmittedBytes: 0,
    fastRetransmits: 0,
    timeouts: 0,
    lossProbes: 0,
    undos: 0,
  };

  constructor(host: ConnectionHost, ends: Endpoints, config: TcpConfig, iss: number, ourMss: number) {
    this.host = host;
    this.localIp = ends.localIp;
    this.localPort = ends.localPort;
    this.remoteIp = ends.remoteIp;
    this.remotePort = ends.remotePort;
    this.localAddress = ends.localAddress;
    this.remoteAddress = ends.remoteAddress;
    this.config = config;
    this.ourMss = ourMss;
    this.sendMss = Math.min(ourMss, 536);
    this.noDelay = config.noDelay;
    this.agreed = new AgreedOptions(config);
    const budget = host.budget ?? null;
    this.sendBuffer = new SendBuffer(config.sendBufferSize, INITIAL_RING, budget);
    this.receiveBuffer = new ReceiveBuffer(
      initialReceiveBuffer(config.receiveBufferSize, config.receiveBufferAutotune),
      config.maxReassemblyRanges,
      INITIAL_RING,
      budget,
    );
    this.rtt = new RttEstimator(config.initialRto, config.minRto, config.maxRto);
    this.timers = new ConnectionTimers(host.timers, this);
    const t = this.tcb;
    t.iss = iss;
    t.sndUna = iss;
    t.sndNxt = iss;
    t.sndMax = iss;
    t.dataSeq = seqAdd(iss, 1);
  }

  /** The congestion controller (RFC 5681 and successors), made when first asked for. */
  get cc(): CongestionControl {
    return (this.#cc ??= congestionAlgorithms[this.config.congestionControl](this.sendMss, this.tcb.iss));
  }

  /**
   * The loss recovery if it was made, else null: it is made for the first data or FIN sent, the first SACK
   * block or the first retransmission timeout, so until then it has nothing to track (an idle handshaken
   * connection holds none: the memory suite's per-connection figure).
   */
  get recoveryIfMade(): LossRecovery | null {
    return this.#recovery;
  }

  /** Loss recovery, made when first asked for (an idle connection pays nothing for it). */
  get recovery(): LossRecovery {
    return (this.#recovery ??= lossRecovery(
      this.config.lossRecovery,
      this.#recoveryWithSack,
      new ConnectionSender(this),
      this.tcb.iss,
    ));
  }

  /** Whether the receive buffer may still grow (autotuning on and below its maximum). */
  get receiveBufferGrows(): boolean {
    return this.config.receiveBufferAutotune && this.receiveBuffer.capacity < this.config.receiveBufferSize;
  }

  /**
   * Autotuning's state, made once ten segments' worth has arrived: a short exchange (a request, a small
   * reply) never needs the buffer to grow, and an idle connection after it holds nothing for it. Null before.
   */
  receiveTuning(): ReceiveTuning | null {
    const start = 10 * this.ourMss;
    // After the peer's FIN no data can arrive, so there is no window left to size.
    if (this.#tuning === null && this.stats.bytesReceived >= start && !this.receiver.finReceived) {
      const read = this.stats.bytesReceived - this.receiveBuffer.length;
      this.#tuning = new ReceiveTuning(this.host.clock.now(), Math.min(this.receiveBuffer.capacity, start), read);
    }
    return this.#tuning;
  }

  get events(): ConnectionEvents {
    return (this.#events ??= {});
  }

  set events(events: ConnectionEvents) {
    this.#events = events;
  }

  #tuple: ConnectionTuple | undefined;

  /** "10.0.0.1:49152>10.0.0.2:80", the prefix of this connection's trace lines. */
  get id(): string {
    return connectionId(this);
  }

  /** The 4-tuple events carry: one object per connection, made by the first event. */
  get tuple(): ConnectionTuple {
    return (this.#tuple ??= Object.freeze({
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
    }));
  }

  /** Whether anyone listens to this connection's events (the stack's or its own): call sites build them only then. */
  get observed(): boolean {
    return this.host.tracing || this.#events?.onEvent !== undefined;
  }

  /** Completes `init` (time, 4-tuple) and hands it to the connection's listener and the stack's. */
  publish(init: ConnectionEventInit): void {
    const event = completeEvent(init, this.host.clock.now(), this.tuple);
    this.#events?.onEvent?.(event);
    if (this.host.tracing) this.host.emit(event);
  }

  /** A segment dropped: counted by the stack, and an event when observed. */
  drop(reason: EngineDrop): void {
    this.host.drop(reason);
    if (this.observed) this.publish({ type: "drop", reason });
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.1 OPEN

  /** Active OPEN: send SYN, enter SYN-SENT. */
  openActive(): void {
    this.setState("SYN-SENT");
    this.handshake.sentAt = this.host.clock.now();
    sendSyn(this);
    this.timers.set(TimerKind.retransmit, this.rtt.rto);
    this.timers.set(TimerKind.connect, this.config.connectTimeout);
  }

  /** LISTEN, SEGMENT ARRIVES, third check (SYN): the listener made this TCB for an incoming SYN. */
  openPassive(seg: SegmentHeader): void {
    const t = this.tcb;
    this.handshake.passive = true;
    this.state = "LISTEN";
    t.irs = seg.seq;
    t.rcvNxt = seqAdd(seg.seq, 1);
    t.rcvAdv = t.rcvNxt;
    this.applySynOptions(seg);
    this.setState("SYN-RECEIVED");
    this.handshake.sentAt = this.host.clock.now();
    sendSyn(this);
    this.timers.set(TimerKind.retransmit, this.rtt.rto);
  }

  /**
   * A listener's SYN cookie came back valid on `ack` (cookie-handshake.ts): the TCB is made as the SYN and
   * our SYN-ACK would have made it, with the options the cookie kept, in SYN-RECEIVED; the caller then hands
   * it `ack` itself, which completes the handshake.
   */
  openFromCookie(ack: SegmentHeader, grant: CookieGrant): void {
    const t = this.tcb;
    this.handshake.passive = true;
    this.handshake.timed = false;
    this.state = "LISTEN";
    t.irs = seqAdd(ack.seq, -1);
    t.rcvNxt = ack.seq;
    const options: TcpOptions = { mss: grant.mss };
    if (grant.windowScale !== null) options.windowScale = grant.windowScale;
    if (grant.sack) options.sackPermitted = true;
    const ts = ack.options.timestamps;
    if (grant.timestamps && ts !== undefined) options.timestamps = { tsval: ts.tsval, tsecr: 0 };
    const flags = TcpFlags.SYN | (grant.ecn ? TcpFlags.ECE | TcpFlags.CWR : 0);
    this.applySynOptions({ seq: t.irs, ack: 0, flags, window: 0, options });
    // What the cookie SYN-ACK offered and sent: its window, and the SYN at ISS.
    t.rcvAdv = seqAdd(t.rcvNxt, cookieWindow(this.config));
    t.sndNxt = seqAdd(t.iss, 1);
    t.sndMax = t.sndNxt;
    if (this.ts !== null) this.ts.lastAckSent = t.rcvNxt;
    this.setState("SYN-RECEIVED");
  }

  applySynOptions(seg: SegmentHeader): void {
    // RFC 6691: the MSS counts the options too, so the timestamps on every segment come off it.
    const a = this.agreed;
    this.sendMss = negotiate(this.ourMss, a, seg.options) - (a.timestamps ? TIMESTAMPS_BYTES : 0);
    pathMtuAgreed(this);
    if (a.timestamps) this.ts ??= new TimestampState();
    recordSynTimestamp(this, seg);
    this.ecn = ecnAgreed(ecnOffered(this), seg.flags) ? new EcnState(this.tcb.iss) : null;
    // A controller and a recovery made before the MSS and SACK were agreed start over with them.
    this.#cc = null;
    this.#recovery = null;
    this.#recoveryWithSack = a.sack;
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.2 SEND

  write(data: Uint8Array): number {
    return this.#send(data, false);
  }

  writeNoCopy(data: Uint8Array): number {
    return this.#send(data, true);
  }

  #send(data: Uint8Array, noCopy: boolean): number {
    switch (this.state) {
      case "SYN-SENT":
      case "SYN-RECEIVED":
        // Queued for transmission after entering ESTABLISHED.
        if (this.sender.finQueued) return 0;
        return noCopy ? this.sendBuffer.writeNoCopy(data) : this.sendBuffer.write(data);
      case "ESTABLISHED":
      case "CLOSE-WAIT": {
        if (this.sender.finQueued) return 0;
        const n = noCopy ? this.sendBuffer.writeNoCopy(data) : this.sendBuffer.write(data);
        if (n > 0 && !this.notices.inputting) output(this);
        return n;
      }
      case "CLOSED":
      case "LISTEN":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
      case "CLOSING":
      case "LAST-ACK":
      case "TIME-WAIT":
        // "error: connection closing" (or does not exist): nothing is accepted.
        return 0;
      default:
        return assertNever(this.state);
    }
  }

  get writableSpace(): number {
    return SEND_ACCEPTED.has(this.state) && !this.sender.finQueued ? this.sendBuffer.free : 0;
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.3 RECEIVE

  read(max = Number.MAX_SAFE_INTEGER): Uint8Array | null {
    if (this.receiveBuffer.length === 0 || max <= 0) return null;
    const data = this.receiveBuffer.read(max);
    if (this.receiveBufferGrows) tuningRead(this);
    this.maybeWindowUpdate();
    return data;
  }

  readInto(target: Uint8Array): number {
    if (this.receiveBuffer.length === 0 || target.length === 0) return 0;
    const n = this.receiveBuffer.readInto(target);
    if (this.receiveBufferGrows) tuningRead(this);
    this.maybeWindowUpdate();
    return n;
  }

  get readableLength(): number {
    return this.receiveBuffer.length;
  }

  get readEnded(): boolean {
    return this.receiver.finReceived && this.receiveBuffer.length === 0;
  }

  /** Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): announce a reopened window once it grew enough. */
  maybeWindowUpdate(): void {
    switch (this.state) {
      case "ESTABLISHED":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
        break;
      case "CLOSED":
      case "LISTEN":
      case "SYN-SENT":
      case "SYN-RECEIVED":
      case "CLOSE-WAIT":
      case "CLOSING":
      case "LAST-ACK":
      case "TIME-WAIT":
        return;
      default:
        assertNever(this.state);
    }
    if (this.receiver.finReceived) return;
    // Like Linux's tcp_cleanup_rbuf: only when what the peer may still send has fallen below half of what
    // we could now offer, so a reader keeping pace does not double the ACKs.
    const offer = Math.min(this.receiveBuffer.free, maxWindow(this.agreed));
    const current = this.tcb.rcvWnd;
    if (offer - current >= this.swsThreshold() && 2 * current <= offer) {
      this.receiver.ackNow = true;
      if (!this.notices.inputting) output(this);
    }
  }

  swsThreshold(): number {
    return Math.min(this.receiveBuffer.capacity >> 1, this.ourMss);
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.4 CLOSE (a half-close: we may still receive)

  shutdown(): void {
    switch (this.state) {
      case "CLOSED":
      case "LISTEN":
        return;
      case "SYN-SENT":
        // "Delete the TCB and return 'error: closing' responses to any queued SENDs, or RECEIVEs."
        this.sendBuffer.clear();
        this.setState("CLOSED");
        return;
      case "SYN-RECEIVED":
        // Queued until ESTABLISHED is reached, then FIN-WAIT-1.
        this.sender.finQueued = true;
        return;
      case "ESTABLISHED":
        // Segmentize what is queued, then send FIN; enter FIN-WAIT-1 now.
        this.sender.finQueued = true;
        this.setState("FIN-WAIT-1");
        output(this);
        return;
      case "CLOSE-WAIT":
        this.sender.finQueued = true;
        this.setState("LAST-ACK");
        output(this);
        return;
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
      case "CLOSING":
      case "LAST-ACK":
      case "TIME-WAIT":
        // "error: connection closing": already done.
        return;
      default:
        assertNever(this.state);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.5 ABORT

  abort(): void {
    switch (this.state) {
      case "CLOSED":
      case "LISTEN":
        return;
      case "SYN-SENT":
        this.fail("aborted");
        return;
      case "SYN-RECEIVED":
      case "ESTABLISHED":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
      case "CLOSE-WAIT":
        // "Send a reset segment: <SEQ=SND.NXT><CTL=RST>" (SND.NXT as the peer knows it: our highest sent).
        sendReset(this, this.tcb.sndMax);
        this.fail("aborted");
        return;
      case "CLOSING":
      case "LAST-ACK":
      case "TIME-WAIT":
        // "Respond with 'ok' and delete the TCB."
        this.setState("CLOSED");
        return;
      default:
        assertNever(this.state);
    }
  }

  setNoDelay(noDelay: boolean): void {
    this.noDelay = noDelay;
    if (noDelay) output(this);
  }

  setKeepAlive(enable: boolean, idleMs?: number): void {
    const idle = idleMs !== undefined && idleMs > 0 ? idleMs : this.config.keepAliveIdle;
    if (enable === this.config.keepAlive && idle === this.config.keepAliveIdle) return;
    this.config = { ...this.config, keepAlive: enable, keepAliveIdle: idle };
    if (!enable) this.timers.clear(TimerKind.keepAlive);
    else if (this.state === "ESTABLISHED" || this.state === "CLOSE-WAIT") this.noteAlive();
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.6 STATUS

  info(): ConnectionInfo {
    const t = this.tcb;
    const s = this.stats;
    return {
      state: this.state,
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      srtt: this.rtt.srtt,
      rttvar: this.rtt.rttvar,
      rto: this.rtt.rto,
      mss: this.sendMss,
      cwnd: this.cc.cwnd,
      ssthresh: this.cc.ssthresh,
      bytesInFlight: seqDiff(t.sndMax, t.sndUna),
      sendWindow: t.sndWnd,
      receiveWindow: t.rcvWnd,
      bytesSent: s.bytesSent,
      bytesReceived: s.bytesReceived,
      segmentsSent: s.segmentsSent,
      segmentsReceived: s.segmentsReceived,
      retransmits: s.retransmits,
      retransmittedBytes: s.retransmittedBytes,
      fastRetransmits: s.fastRetransmits,
      timeouts: s.timeouts,
      lossProbes: s.lossProbes,
      undos: s.undos,
      lossRecovery: this.#recovery?.name ?? (this.#recoveryWithSack ? this.config.lossRecovery : "newreno"),
      congestionControl: this.cc.name,
      windowScale: { send: this.agreed.sndShift, receive: this.agreed.rcvShift },
      timestamps: this.agreed.timestamps,
      sack: this.agreed.sack,
      sackedBytes: this.#recovery?.sackedBytes ?? 0,
      ecn: this.ecn !== null,
      ecnReductions: this.ecn?.reductions ?? 0,
      ...(this.softError === undefined ? {} : { softError: this.softError }),
    };
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.7 SEGMENT ARRIVES (arrives.ts), with the user notifications it earned sent afterwards

  segmentArrives(seg: SegmentHeader, payload: Uint8Array): void {
    this.stats.segmentsReceived++;
    this.notices.inputting = true;
    try {
      segmentArrives(this, seg, payload);
      // Within a burst of the link the user hears once, when this connection's run of segments in it ends,
      // and reads what the whole run brought (the stack calls notify then). Otherwise the user reads and writes first, so the ACK below carries
      // the window and data they made room for.
      if (!this.host.deferNotices(this)) this.notify();
    } finally {
      this.notices.inputting = false;
    }
    if (this.state !== "CLOSED") output(this);
  }

  /**
   * The SACK reporter, made when first needed: most connections never receive out of order, and an idle
   * one would hold its block lists for nothing. Null when SACK was not agreed.
   */
  sackReport(): SackReporter | null {
    if (this.sackReporter === null && this.agreed.sack) this.sackReporter = new SackReporter(this.config.dsack);
    return this.sackReporter;
  }

  /** A timer's deadline passed (timers.ts). */
  onTimer(kind: TimerKind): void {
    timeout(this, kind);
  }

  /**
   * Its run in the link's burst ended: the user hears what the run brought, then one ACK covers the run's
   * segments (as Linux acknowledges a GRO aggregate), carrying the window the reader reopened.
   */
  runEnded(): void {
    this.notify();
    if (this.receiver.unackedSegments >= 2 && this.state !== "CLOSED") {
      this.receiver.ackNow = true;
      output(this);
    }
  }

  notify(): void {
    if (this.notices.readable) {
      this.notices.readable = false;
      this.#events?.onReadable?.();
    }
    if (this.notices.writable) {
      this.notices.writable = false;
      if (this.writableSpace > 0) this.#events?.onWritable?.();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // State the timeouts (timeouts.ts) and the peer's segments share

  /**
   * The peer's window opened while we probed it. The probe byte may have been refused, and the timeouts
   * that re-sent it measured the peer's reader, not the path: resume from SND.UNA with the RTO unbacked.
   */
  windowOpened(): void {
    if (!this.sender.probing) return;
    this.sender.probing = false;
    const t = this.tcb;
    t.sndNxt = t.sndUna;
    this.rtt.resetBackoff();
    if (t.sndUna !== t.sndMax) this.timers.set(TimerKind.retransmit, this.rtt.rto);
  }

  /** Any segment from the peer shows it is alive. */
  noteAlive(): void {
    if (!this.config.keepAlive) return;
    this.sender.keepAliveProbes = 0;
    this.timers.set(TimerKind.keepAlive, this.config.keepAliveIdle);
  }

  // ---------------------------------------------------------------------------------------------------
  // Transitions

  /** Returns false when a callback moved the connection on (it aborted, say) before this returned. */
  setState(to: TcpState): boolean {
    const from = this.state;
    if (from === to) return true;
    this.state = to;
    if (this.observed) this.publish({ type: "state", from, to });
    switch (to) {
      case "CLOSED":
        this.timers.clearAll();
        this.host.released(this);
        break;
      case "ESTABLISHED":
        this.timers.clear(TimerKind.connect);
        this.handshake.retries = 0;
        this.noteAlive();
        break;
      case "TIME-WAIT":
        this.timers.clear(TimerKind.retransmit);
        this.timers.clear(TimerKind.persist);
        this.timers.clear(TimerKind.keepAlive);
        this.timers.clear(TimerKind.user);
        this.timers.clear(TimerKind.recovery);
        this.timers.set(TimerKind.timeWait, 2 * this.config.msl);
        this.#settle();
        this.host.enteredTimeWait(this);
        break;
      case "LISTEN":
      case "SYN-SENT":
      case "SYN-RECEIVED":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
      case "CLOSE-WAIT":
      case "CLOSING":
      case "LAST-ACK":
        break;
      default:
        assertNever(to);
    }
    this.#events?.onStateChange?.(from, to);
    return this.state === to;
  }

  /**
   * TIME-WAIT: both FINs are sent and ours is acknowledged, so nothing of ours is in flight and no data
   * can arrive. What tracks the flight (loss recovery, its segment list and scoreboard) and what sizes the
   * receive window (autotuning) have nothing left to do, and a stack holds up to `timeWaitLimit` such
   * connections for 2 MSL each: they are let go. What `info()` reports stays true: the recovery's name
   * follows from the agreed options, and with nothing in flight nothing is SACKed. (The SACK reporter
   * stays: the ACK of the FIN that brought us here may still carry its D-SACK block.)
   */
  #settle(): void {
    this.#recovery = null;
    this.#tuning = null;
  }

  /** An abnormal end: tell the user why, then CLOSED. */
  fail(reason: CloseReason): void {
    if (this.state === "CLOSED") return;
    this.sendBuffer.clear();
    // Unread bytes are flushed too: the user's reads now fail, so nothing would ever give their memory back
    // to the budget (a peer could otherwise fill it with data and a RST per connection).
    this.receiveBuffer.clear();
    this.#events?.onError?.(reason);
    this.setState("CLOSED");
  }

  /** Sequence number our FIN takes (meaningful once `finQueued`). */
  get finSeq(): number {
    return seqAdd(this.tcb.dataSeq, this.sendBuffer.length);
  }

  noteRetransmit(seq: number, bytes: number): void {
    this.stats.retransmits++;
    this.stats.retransmittedBytes += bytes;
    this.host.countRetransmit();
    if (this.observed) this.publish({ type: "retransmit", seq, len: bytes, reason: this.#retransmitReason() });
  }

  /** Why a retransmission goes out, read from the state it is sent in. */
  #retransmitReason(): "handshake" | "timeout" | "recovery" | "probe" {
    if (this.state === "SYN-SENT" || this.state === "SYN-RECEIVED") return "handshake";
    if (this.sender.probing) return "probe";
    if (this.rtt.backoffs > 0) return "timeout";
    return this.#recovery?.inRecovery === true ? "recovery" : "probe";
  }
}
