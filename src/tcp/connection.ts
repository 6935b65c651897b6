import type { Clock } from "../clock/clock.js";
import { TcpFlags, type PacketFields, type TcpHeader } from "../wire/types.js";
import type { TcpConfig } from "./config.js";
import type { AckSample, CongestionControl } from "./congestion.js";
import { congestionAlgorithms } from "./congestion-algorithms.js";
import { negotiate, synOptions } from "./options.js";
import { ReceiveBuffer } from "./receive-buffer.js";
import { RttEstimator } from "./rtt.js";
import { SendBuffer } from "./send-buffer.js";
import { seqAdd, seqDiff, seqGe, seqLe, seqLt } from "../wire/seq.js";
import { ControlBlock } from "./tcb.js";
import { ConnectionTimers, TimerKind } from "./timers.js";
import type { CloseReason, Connection, ConnectionEvents, ConnectionInfo, TcpState } from "./types.js";
import { segmentArrives } from "./arrives.js";

const { FIN, SYN, RST, PSH, ACK } = TcpFlags;
const EMPTY = new Uint8Array(0);
/** Without window scaling (RFC 7323, a later issue) the window field carries at most this. */
const MAX_WINDOW = 65535;

/** Why the engine dropped a segment or refused work; the stack counts them. */
export type EngineDrop =
  | "unacceptable-segment" // failed the RFC 9293 §3.10.7.4 acceptability test
  | "ack-out-of-window" // RFC 5961 §5.2
  | "challenge-ack-limit" // RFC 5961 §7: a challenge ACK was due but rate-limited
  | "reassembly-full" // out-of-order data past the range bound
  | "no-ack" // synchronized state, ACK bit off
  | "syn-sent-bad-ack";

/** What a connection needs from the stack that owns it. */
export interface ConnectionHost {
  readonly clock: Clock;
  /** Send one segment. `fields.payload` may view a buffer that changes later: copy it before returning. */
  transmit(fields: PacketFields): void;
  /** Whether anyone listens to `trace`: the engine builds trace text only then. */
  readonly tracing: boolean;
  trace(text: string): void;
  /** The connection reached CLOSED: forget it. */
  released(conn: TcpConnection): void;
  /** RFC 5961 §7 stack-wide limiter: true when one more challenge ACK may go out now. */
  allowChallengeAck(): boolean;
  drop(reason: EngineDrop): void;
  countRetransmit(): void;
  countReset(): void;
}

export interface Endpoints {
  localIp: number;
  localPort: number;
  remoteIp: number;
  remotePort: number;
  localAddress: string;
  remoteAddress: string;
}

/** The incoming segment fields the engine reads. */
export type SegmentHeader = Pick<TcpHeader, "seq" | "ack" | "flags" | "window" | "options">;

/**
 * One TCP connection: the RFC 9293 §3.10 user events (OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS) and
 * timeouts live here; SEGMENT ARRIVES lives in arrives.ts. Fields are engine-internal and public so the
 * event functions in sibling files can reach them; the API layer sees only `Connection`.
 */
export class TcpConnection implements Connection {
  events: ConnectionEvents = {};
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localIp: number;
  readonly remoteIp: number;
  readonly host: ConnectionHost;
  readonly config: TcpConfig;
  readonly tcb = new ControlBlock();
  state: TcpState = "CLOSED";

  readonly sendBuffer: SendBuffer;
  readonly receiveBuffer: ReceiveBuffer;
  readonly rtt: RttEstimator;
  cc: CongestionControl;
  readonly timers: ConnectionTimers;
  /** Our MSS (offered on SYN) and the peer's, negotiated (options.ts). */
  readonly ourMss: number;
  sendMss: number;
  noDelay: boolean;

  /** CLOSE was called: a FIN follows the queued data. */
  finQueued = false;
  finReceived = false;
  /** Sequence number of a FIN that arrived beyond a hole, processed once RCV.NXT reaches it. */
  pendingFin: number | null = null;
  /** Made by a listener (passive OPEN): an RST or SYN in SYN-RECEIVED returns it to LISTEN. */
  passive = false;
  /** Set by the listener: the passive handshake completed. */
  onEstablished: ((conn: TcpConnection) => void) | null = null;

  synRetries = 0;
  /** Probing a zero window (persist timer, then timeouts while the window stays shut). */
  probing = false;
  /** When the first SYN (or SYN-ACK) went out, for the handshake's RTT sample. */
  synSentAt = 0;
  /** In-order segments received and not yet acknowledged (RFC 1122 §4.2.3.2: ACK every second one). */
  unackedSegments = 0;
  ackNow = false;
  /** RTT timing of one segment at a time (RFC 6298 §3, Karn's rule). */
  rttTiming = false;
  rttSeq = 0;
  rttTime = 0;
  keepAliveProbes = 0;
  notifyReadable = false;
  notifyWritable = false;
  /** Inside SEGMENT ARRIVES: user calls defer their output to the end of it. */
  inputting = false;

  readonly #sample: AckSample = { acked: 0, ack: 0, flight: 0, sndMax: 0, mss: 0 };
  /** One reused record per outgoing segment: the stack builds the packet before `transmit` returns. */
  readonly #fields: PacketFields = { src: 0, dst: 0, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0 };

  readonly stats = {
    bytesSent: 0,
    bytesReceived: 0,
    segmentsSent: 0,
    segmentsReceived: 0,
    retransmits: 0,
    retransmittedBytes: 0,
    fastRetransmits: 0,
    timeouts: 0,
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
    this.sendBuffer = new SendBuffer(config.sendBufferSize);
    this.receiveBuffer = new ReceiveBuffer(config.receiveBufferSize, config.maxReassemblyRanges);
    this.rtt = new RttEstimator(config.initialRto, config.minRto, config.maxRto);
    this.timers = new ConnectionTimers(host.clock, (kind) => this.timeout(kind));
    const t = this.tcb;
    t.iss = iss;
    t.sndUna = iss;
    t.sndNxt = iss;
    t.sndMax = iss;
    t.dataSeq = seqAdd(iss, 1);
    this.cc = congestionAlgorithms[config.congestionControl](this.sendMss, iss);
  }

  #id: string | undefined;

  /** "10.0.0.1:49152>10.0.0.2:80", the prefix of this connection's trace lines. */
  get id(): string {
    return (this.#id ??= `${this.localAddress}:${this.localPort}>${this.remoteAddress}:${this.remotePort}`);
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.1 OPEN

  /** Active OPEN: send SYN, enter SYN-SENT. */
  openActive(): void {
    this.setState("SYN-SENT");
    this.synSentAt = this.host.clock.now();
    this.sendSyn();
    this.timers.set(TimerKind.retransmit, this.rtt.rto);
    this.timers.set(TimerKind.connect, this.config.connectTimeout);
  }

  /** LISTEN, SEGMENT ARRIVES, third check (SYN): the listener made this TCB for an incoming SYN. */
  openPassive(seg: SegmentHeader): void {
    const t = this.tcb;
    this.passive = true;
    this.state = "LISTEN";
    t.irs = seg.seq;
    t.rcvNxt = seqAdd(seg.seq, 1);
    t.rcvAdv = t.rcvNxt;
    this.applySynOptions(seg);
    this.setState("SYN-RECEIVED");
    this.synSentAt = this.host.clock.now();
    this.sendSyn();
    this.timers.set(TimerKind.retransmit, this.rtt.rto);
  }

  applySynOptions(seg: SegmentHeader): void {
    this.sendMss = negotiate(this.ourMss, seg.options).sendMss;
    this.cc = congestionAlgorithms[this.config.congestionControl](this.sendMss, this.tcb.iss);
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.2 SEND

  write(data: Uint8Array): number {
    switch (this.state) {
      case "SYN-SENT":
      case "SYN-RECEIVED":
        // Queued for transmission after entering ESTABLISHED.
        return this.finQueued ? 0 : this.sendBuffer.write(data);
      case "ESTABLISHED":
      case "CLOSE-WAIT": {
        if (this.finQueued) return 0;
        const n = this.sendBuffer.write(data);
        if (n > 0 && !this.inputting) this.output();
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
    }
  }

  get writableSpace(): number {
    switch (this.state) {
      case "SYN-SENT":
      case "SYN-RECEIVED":
      case "ESTABLISHED":
      case "CLOSE-WAIT":
        return this.finQueued ? 0 : this.sendBuffer.free;
      default:
        return 0;
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.3 RECEIVE

  read(max = Number.MAX_SAFE_INTEGER): Uint8Array | null {
    if (this.receiveBuffer.length === 0 || max <= 0) return null;
    const data = this.receiveBuffer.read(max);
    this.maybeWindowUpdate();
    return data;
  }

  get readableLength(): number {
    return this.receiveBuffer.length;
  }

  get readEnded(): boolean {
    return this.finReceived && this.receiveBuffer.length === 0;
  }

  /** Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): announce a reopened window once it grew enough. */
  maybeWindowUpdate(): void {
    switch (this.state) {
      case "ESTABLISHED":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
        break;
      default:
        return;
    }
    if (this.finReceived) return;
    // Like Linux's tcp_cleanup_rbuf: only when what the peer may still send has fallen below half of what
    // we could now offer, so a reader keeping pace does not double the ACKs.
    const offer = Math.min(this.receiveBuffer.free, MAX_WINDOW);
    const current = this.tcb.rcvWnd;
    if (offer - current >= this.swsThreshold() && 2 * current <= offer) {
      this.ackNow = true;
      if (!this.inputting) this.output();
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
        this.finQueued = true;
        return;
      case "ESTABLISHED":
        // Segmentize what is queued, then send FIN; enter FIN-WAIT-1 now.
        this.finQueued = true;
        this.setState("FIN-WAIT-1");
        this.output();
        return;
      case "CLOSE-WAIT":
        this.finQueued = true;
        this.setState("LAST-ACK");
        this.output();
        return;
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
      case "CLOSING":
      case "LAST-ACK":
      case "TIME-WAIT":
        // "error: connection closing": already done.
        return;
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
        this.sendReset(this.tcb.sndMax);
        this.fail("aborted");
        return;
      case "CLOSING":
      case "LAST-ACK":
      case "TIME-WAIT":
        // "Respond with 'ok' and delete the TCB."
        this.setState("CLOSED");
        return;
    }
  }

  setNoDelay(noDelay: boolean): void {
    this.noDelay = noDelay;
    if (noDelay) this.output();
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
      congestionControl: this.cc.name,
    };
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.7 SEGMENT ARRIVES (arrives.ts), with the user notifications it earned sent afterwards

  segmentArrives(seg: SegmentHeader, payload: Uint8Array): void {
    this.stats.segmentsReceived++;
    this.inputting = true;
    try {
      segmentArrives(this, seg, payload);
      // The user reads and writes first, so the ACK below carries the window and data they made room for.
      this.notify();
    } finally {
      this.inputting = false;
    }
    if (this.state !== "CLOSED") this.output();
  }

  notify(): void {
    if (this.notifyReadable) {
      this.notifyReadable = false;
      this.events.onReadable?.();
    }
    if (this.notifyWritable) {
      this.notifyWritable = false;
      if (this.writableSpace > 0) this.events.onWritable?.();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // RFC 9293 §3.10.8 timeouts

  timeout(kind: TimerKind): void {
    switch (kind) {
      case TimerKind.retransmit:
        this.retransmissionTimeout();
        break;
      case TimerKind.persist:
        this.persistTimeout();
        break;
      case TimerKind.delayedAck:
        if (this.host.tracing) this.host.trace(`${this.id} delayed ACK fired`);
        this.ackNow = true;
        this.output();
        break;
      case TimerKind.keepAlive:
        this.keepAliveTimeout();
        break;
      case TimerKind.timeWait:
        // "If the time-wait timeout expires on a connection, delete the TCB, enter the CLOSED state."
        if (this.host.tracing) this.host.trace(`${this.id} TIME-WAIT 2MSL expired`);
        this.setState("CLOSED");
        break;
      case TimerKind.connect:
        if (this.state === "SYN-SENT" || (this.state === "SYN-RECEIVED" && !this.passive)) {
          if (this.host.tracing) this.host.trace(`${this.id} connect timeout`);
          this.fail("connect-timeout");
        }
        break;
      case TimerKind.user:
        // "If a user timeout expires ... flush all queues, signal 'error: connection aborted due to user
        // timeout', and enter CLOSED."
        if (this.host.tracing) this.host.trace(`${this.id} user timeout fired`);
        this.sendReset(this.tcb.sndMax);
        this.fail("user-timeout");
        break;
    }
    this.notify();
  }

  retransmissionTimeout(): void {
    const t = this.tcb;
    this.stats.timeouts++;
    switch (this.state) {
      case "SYN-SENT":
      case "SYN-RECEIVED":
        if (this.synRetries >= this.config.synRetries) {
          if (this.host.tracing) this.host.trace(`${this.id} SYN retries exhausted`);
          if (this.passive) this.setState("CLOSED");
          else this.fail("connect-timeout");
          return;
        }
        this.synRetries++;
        this.rtt.backoff();
        if (this.host.tracing) this.host.trace(`${this.id} RTO fired, rto=${Math.round(this.rtt.rto)}ms (SYN retry ${this.synRetries})`);
        this.noteRetransmit(0);
        this.sendSyn();
        this.timers.set(TimerKind.retransmit, this.rtt.rto);
        return;
      case "ESTABLISHED":
      case "FIN-WAIT-1":
      case "CLOSE-WAIT":
      case "CLOSING":
      case "LAST-ACK":
        break;
      case "CLOSED":
      case "LISTEN":
      case "FIN-WAIT-2":
      case "TIME-WAIT":
        return;
    }
    if (t.sndUna === t.sndMax) return;
    const flight = seqDiff(t.sndMax, t.sndUna);
    // A zero window is the peer being slow, not the network being congested: probe without collapsing cwnd.
    if (t.sndWnd > 0) this.cc.onTimeout(flight, this.sendMss, t.sndMax);
    else this.probing = true;
    this.rtt.backoff();
    this.rttTiming = false;
    if (this.host.tracing) this.host.trace(`${this.id} RTO fired, rto=${Math.round(this.rtt.rto)}ms`);
    // RFC 6298 §5.4: retransmit the earliest unacknowledged segment; then go back to SND.UNA.
    const usable = Math.min(t.sndWnd, this.cc.cwnd);
    t.sndNxt = this.sendAt(t.sndUna, Math.min(this.sendMss, Math.max(1, usable)));
    this.timers.set(TimerKind.retransmit, this.rtt.rto);
  }

  /** RFC 9293 §3.8.6.1 zero-window probe, also the override of sender SWS avoidance. */
  persistTimeout(): void {
    if (!this.canSendData()) return;
    const t = this.tcb;
    if (t.sndUna !== t.sndMax) return;
    const avail = this.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
    if (avail <= 0) return;
    if (this.host.tracing) this.host.trace(`${this.id} persist timer fired, window=${t.sndWnd}`);
    const usable = Math.min(t.sndWnd, this.cc.cwnd);
    if (t.sndWnd === 0) this.probing = true;
    t.sndNxt = this.sendAt(t.sndNxt, Math.max(1, Math.min(usable, this.sendMss, avail)));
  }

  /**
   * The peer's window opened while we probed it. The probe byte may have been refused, and the timeouts
   * that re-sent it measured the peer's reader, not the path: resume from SND.UNA with the RTO unbacked.
   */
  windowOpened(): void {
    if (!this.probing) return;
    this.probing = false;
    const t = this.tcb;
    t.sndNxt = t.sndUna;
    this.rtt.resetBackoff();
    if (t.sndUna !== t.sndMax) this.timers.set(TimerKind.retransmit, this.rtt.rto);
  }

  /** RFC 1122 §4.2.3.6: probe an idle connection with <SEQ=SND.UNA-1>, which elicits an ACK. */
  keepAliveTimeout(): void {
    switch (this.state) {
      case "ESTABLISHED":
      case "CLOSE-WAIT":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
        break;
      default:
        return;
    }
    if (this.keepAliveProbes >= this.config.keepAliveCount) {
      if (this.host.tracing) this.host.trace(`${this.id} keep-alive: peer did not answer`);
      this.sendReset(this.tcb.sndMax);
      this.fail("keepalive-timeout");
      return;
    }
    this.keepAliveProbes++;
    if (this.host.tracing) this.host.trace(`${this.id} keep-alive probe ${this.keepAliveProbes}`);
    this.emit(seqAdd(this.tcb.sndUna, -1), ACK, EMPTY);
    this.timers.set(TimerKind.keepAlive, this.config.keepAliveInterval);
  }

  /** Any segment from the peer shows it is alive. */
  noteAlive(): void {
    if (!this.config.keepAlive) return;
    this.keepAliveProbes = 0;
    this.timers.set(TimerKind.keepAlive, this.config.keepAliveIdle);
  }

  // ---------------------------------------------------------------------------------------------------
  // Transitions

  /** Returns false when a callback moved the connection on (it aborted, say) before this returned. */
  setState(to: TcpState): boolean {
    const from = this.state;
    if (from === to) return true;
    this.state = to;
    if (this.host.tracing) this.host.trace(`${this.id} ${from} -> ${to}`);
    switch (to) {
      case "CLOSED":
        this.timers.clearAll();
        this.host.released(this);
        break;
      case "ESTABLISHED":
        this.timers.clear(TimerKind.connect);
        this.synRetries = 0;
        this.noteAlive();
        break;
      case "TIME-WAIT":
        this.timers.clear(TimerKind.retransmit);
        this.timers.clear(TimerKind.persist);
        this.timers.clear(TimerKind.keepAlive);
        this.timers.clear(TimerKind.user);
        this.timers.set(TimerKind.timeWait, 2 * this.config.msl);
        break;
      default:
        break;
    }
    this.events.onStateChange?.(from, to);
    return this.state === to;
  }

  /** An abnormal end: tell the user why, then CLOSED. */
  fail(reason: CloseReason): void {
    if (this.state === "CLOSED") return;
    this.sendBuffer.clear();
    this.events.onError?.(reason);
    this.setState("CLOSED");
  }

  // ---------------------------------------------------------------------------------------------------
  // Output: the segmentizer (Nagle, sender SWS avoidance, congestion and flow control) and ACKs

  canSendData(): boolean {
    switch (this.state) {
      case "ESTABLISHED":
      case "CLOSE-WAIT":
      case "FIN-WAIT-1":
      case "CLOSING":
      case "LAST-ACK":
        return true;
      default:
        return false;
    }
  }

  /** Sequence number our FIN takes (meaningful once `finQueued`). */
  get finSeq(): number {
    return seqAdd(this.tcb.dataSeq, this.sendBuffer.length);
  }

  output(): void {
    const t = this.tcb;
    if (this.canSendData()) {
      for (;;) {
        const avail = this.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
        const finPending = this.finQueued && seqLe(t.sndNxt, this.finSeq);
        if (avail <= 0 && !finPending) break;
        const usable = seqDiff(seqAdd(t.sndUna, Math.min(t.sndWnd, this.cc.cwnd)), t.sndNxt);
        const len = Math.min(avail, this.sendMss, usable > 0 ? usable : 0);
        if (len < avail || !finPending) {
          if (len <= 0) break;
          if (len < this.sendMss && seqGe(t.sndNxt, t.sndMax)) {
            // RFC 9293 §3.7.4 Nagle: a short segment only when nothing is unacknowledged (or noDelay);
            // §3.8.6.2.1 sender SWS: or when it fills at least half the largest window offered.
            const nagleOk = len === avail && (this.noDelay || t.sndUna === t.sndMax);
            const swsOk = t.maxSndWnd > 0 && len >= t.maxSndWnd >> 1;
            if (!nagleOk && !swsOk) break;
          }
        }
        t.sndNxt = this.sendAt(t.sndNxt, len);
      }
      this.armPersist();
    }
    if (this.ackNow) this.sendAck();
  }

  /** Data waits, nothing is in flight to bring an ACK, and the window or SWS rule holds it back. */
  armPersist(): void {
    const t = this.tcb;
    const avail = this.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
    if (avail > 0 && t.sndUna === t.sndMax) {
      const base = Math.max(this.config.persistMin, this.rtt.rto);
      this.timers.ensure(TimerKind.persist, Math.min(base, this.config.persistMax));
    } else {
      this.timers.clear(TimerKind.persist);
    }
  }

  /**
   * Send up to `maxLen` bytes from sequence number `seq`, with FIN if they reach the end of the queued
   * data after CLOSE. Returns the sequence number after the segment. Used for new data, go-back-N after a
   * timeout, fast retransmit and probes alike.
   */
  sendAt(seq: number, maxLen: number): number {
    const t = this.tcb;
    const off = seqDiff(seq, t.dataSeq);
    const avail = this.sendBuffer.length - off;
    const len = Math.max(0, Math.min(maxLen, avail));
    const fin = this.finQueued && len === avail;
    const payload = len > 0 ? this.sendBuffer.peek(off, len) : EMPTY;
    const end = seqAdd(seq, len + (fin ? 1 : 0));
    if (seqLt(seq, t.sndMax)) {
      this.noteRetransmit(len);
      // Karn: a retransmitted range gives no RTT sample.
      this.rttTiming = false;
    } else {
      this.stats.bytesSent += len;
      if (!this.rttTiming && end !== seq) {
        this.rttTiming = true;
        this.rttSeq = end;
        this.rttTime = this.host.clock.now();
      }
    }
    this.emit(seq, ACK | (fin ? FIN : 0) | (len > 0 && len === avail ? PSH : 0), payload);
    if (seqLt(t.sndMax, end)) t.sndMax = end;
    if (end !== seq) {
      this.timers.ensure(TimerKind.retransmit, this.rtt.rto);
      this.timers.ensure(TimerKind.user, this.config.userTimeout);
    }
    return end;
  }

  /** The ACK facts for the congestion controller, in one reused record. */
  ackSample(acked: number, ack: number, flight: number): AckSample {
    const s = this.#sample;
    s.acked = acked;
    s.ack = ack;
    s.flight = flight;
    s.sndMax = this.tcb.sndMax;
    s.mss = this.sendMss;
    return s;
  }

  noteRetransmit(bytes: number): void {
    this.stats.retransmits++;
    this.stats.retransmittedBytes += bytes;
    this.host.countRetransmit();
  }

  /** SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), with the options we offer. */
  sendSyn(): void {
    const t = this.tcb;
    const synAck = this.state === "SYN-RECEIVED";
    this.transmit({
      src: this.localIp,
      dst: this.remoteIp,
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: t.iss,
      ack: synAck ? t.rcvNxt : 0,
      flags: synAck ? SYN | ACK : SYN,
      // RFC 7323 §2.2: the window on a SYN is never scaled.
      window: this.advertiseWindow(),
      options: synOptions(this.ourMss),
    });
    if (seqLt(t.sndMax, seqAdd(t.iss, 1))) t.sndMax = seqAdd(t.iss, 1);
    t.sndNxt = seqAdd(t.iss, 1);
  }

  /**
   * An ACK right now. Its sequence number is the highest sent, not SND.NXT: after a timeout SND.NXT goes
   * back to SND.UNA, and an ACK carrying that (already received) number would fail the peer's
   * acceptability test, which then ignores the ACK it carries (BSD's tcp_output does the same).
   */
  sendAck(): void {
    this.emit(this.tcb.sndMax, ACK, EMPTY);
  }

  /** RFC 5961 challenge ACK, rate-limited stack-wide (§7). */
  challengeAck(): void {
    if (this.host.allowChallengeAck()) {
      if (this.host.tracing) this.host.trace(`${this.id} challenge ACK`);
      this.sendAck();
    } else {
      this.host.drop("challenge-ack-limit");
    }
  }

  sendReset(seq: number): void {
    this.host.countReset();
    this.transmit({
      src: this.localIp,
      dst: this.remoteIp,
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq,
      ack: 0,
      flags: RST,
      window: 0,
    });
  }

  /** A segment carrying ACK: it acknowledges everything received, so pending ACK work is done. */
  emit(seq: number, flags: number, payload: Uint8Array): void {
    this.unackedSegments = 0;
    this.ackNow = false;
    this.timers.clear(TimerKind.delayedAck);
    const f = this.#fields;
    f.src = this.localIp;
    f.dst = this.remoteIp;
    f.srcPort = this.localPort;
    f.dstPort = this.remotePort;
    f.seq = seq;
    f.ack = this.tcb.rcvNxt;
    f.flags = flags;
    f.window = this.advertiseWindow();
    f.payload = payload;
    this.transmit(f);
  }

  transmit(fields: PacketFields): void {
    this.stats.segmentsSent++;
    this.host.transmit(fields);
  }

  /**
   * The window to offer: the free receive space, but held at the current right edge until it can grow by
   * min(buffer/2, MSS) (receiver SWS avoidance), and never shrinking the edge already offered.
   */
  advertiseWindow(): number {
    const t = this.tcb;
    const current = t.rcvWnd;
    let win = Math.min(this.receiveBuffer.free, MAX_WINDOW);
    if (win < current + this.swsThreshold()) win = current;
    const edge = seqAdd(t.rcvNxt, win);
    if (seqLt(t.rcvAdv, edge)) t.rcvAdv = edge;
    return win;
  }
}
