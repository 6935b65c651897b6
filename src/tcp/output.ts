import { assertNever } from "./assert-never.js";
/**
 * What a connection sends: the segmentizer (Nagle, sender SWS avoidance, congestion and flow control),
 * retransmissions, SYNs, ACKs and RSTs, and the window it offers. Everything leaves through `emit` or
 * `transmit`, which hand one segment to the stack.
 */
import { TcpFlags, type PacketFields } from "../wire/types.js";
import { SegmentFields } from "../wire/segment-fields.js";
import { seqAdd, seqDiff, seqGe, seqLe, seqLt } from "../wire/seq.js";
import type { TcpConnection } from "./connection.js";
import { ecnHolds, ecnOutgoing, ecnSynFlags } from "./ecn.js";
import { restartAfterIdle } from "./idle-restart.js";
import { MAX_WINDOW_FIELD, maxWindow, synOptions } from "./option-negotiation.js";
import { outgoingOptions, reportsSack } from "./outgoing-options.js";
import { tsNow } from "./timestamps.js";
import { TimerKind } from "./timers.js";

const { FIN, SYN, RST, PSH, ACK } = TcpFlags;
const EMPTY = new Uint8Array(0);
/**
 * The fields of every outgoing segment, in one reused record rather than an object per segment: the stack
 * builds the packet before `transmit` returns (ConnectionHost.transmit), so nothing sees it afterwards.
 * Only `emit` and `sendAt` fill it; SegmentFields keeps one shape and lets a payload in linear memory go
 * as its address.
 */
const fields = new SegmentFields();

export function canSendData(c: TcpConnection): boolean {
  switch (c.state) {
    case "ESTABLISHED":
    case "CLOSE-WAIT":
    case "FIN-WAIT-1":
    case "CLOSING":
    case "LAST-ACK":
      return true;
    case "CLOSED":
    case "LISTEN":
    case "SYN-SENT":
    case "SYN-RECEIVED":
    case "FIN-WAIT-2":
    case "TIME-WAIT":
      return false;
    default:
      return assertNever(c.state);
  }
}

export function output(c: TcpConnection): void {
  const t = c.tcb;
  if (canSendData(c)) {
    let held = false;
    if (t.sndUna === t.sndMax && c.sendBuffer.length > seqDiff(t.sndNxt, t.dataSeq)) restartAfterIdle(c);
    // In recovery, recovery picks every segment; else the segmentizer below, which after a timeout
    // (go-back-N) asks recovery how far it may go before data the peer already holds. A recovery not
    // made yet is not recovering, and with nothing to send none is made.
    while (c.recoveryIfMade?.output() !== true) {
      if (c.ecn !== null && ecnHolds(c, c.ecn)) break;
      const avail = c.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
      const finPending = c.sender.finQueued && seqLe(t.sndNxt, c.finSeq);
      if (avail <= 0 && !finPending) break;
      const room = c.recovery.sendRoom();
      const usable = seqDiff(seqAdd(t.sndUna, Math.min(t.sndWnd, c.cc.cwnd)), t.sndNxt);
      const len = Math.min(avail, room, Math.max(usable, 0));
      if (len < avail || !finPending) {
        if (len <= 0) break;
        if (len < c.sendMss && seqGe(t.sndNxt, t.sndMax)) {
          // RFC 9293 §3.7.4 Nagle: a short segment only when nothing is unacknowledged (or noDelay);
          // §3.8.6.2.1 sender SWS: or when it fills at least half the largest window offered.
          const nagleOk = len === avail && (c.noDelay || t.sndUna === t.sndMax);
          const swsOk = t.maxSndWnd > 0 && len >= t.maxSndWnd >> 1;
          if (!nagleOk && !swsOk) break;
        }
      }
      // The link's transmit queue is full or other flows wait their turn (small-queues.ts): the segment
      // stays unsent, so no timer or RTT sample starts, and the queue calls output again when it is its turn.
      const queues = c.host.smallQueues;
      const admitted = queues === undefined ? Number.POSITIVE_INFINITY : queues.room(c);
      if (admitted === 0) {
        held = true;
        break;
      }
      // Full segments of new data with more behind them go as a run (sendRun) when all of them would pass
      // the checks above one by one: each takes one MSS of `usable` and of the queue's room, and leaves
      // `avail` above zero, so none is short, none carries PSH or FIN, and recovery has nothing to say.
      const run =
        len === c.sendMss && room === len && c.ecn === null && seqGe(t.sndNxt, t.sndMax) && !reportsSack(c)
          ? Math.min(Math.floor((avail - 1) / len), Math.floor(usable / len), admitted)
          : 1;
      t.sndNxt = run > 1 ? sendRun(c, t.sndNxt, run, len) : sendAt(c, t.sndNxt, len);
    }
    // Held back, the window is open and the queue resumes it: no window probe is due.
    if (held) c.timers.clear(TimerKind.persist);
    else armPersist(c);
  }
  if (c.receiver.ackNow) sendAck(c);
}

/** Data waits, nothing is in flight to bring an ACK, and the window or SWS rule holds it back. */
function armPersist(c: TcpConnection): void {
  const t = c.tcb;
  const avail = c.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
  if (avail > 0 && t.sndUna === t.sndMax) {
    const base = Math.max(c.config.persistMin, c.rtt.rto);
    c.timers.ensure(TimerKind.persist, Math.min(base, c.config.persistMax));
  } else {
    c.timers.clear(TimerKind.persist);
  }
}

/**
 * Send up to `maxLen` bytes from sequence number `seq`, with FIN if they reach the end of the queued
 * data after CLOSE. Returns the sequence number after the segment. Used for new data, go-back-N after a
 * timeout, fast retransmit and probes alike.
 */
export function sendAt(c: TcpConnection, seq: number, maxLen: number): number {
  const t = c.tcb;
  const off = seqDiff(seq, t.dataSeq);
  const avail = c.sendBuffer.length - off;
  const len = Math.max(0, Math.min(maxLen, avail));
  const fin = c.sender.finQueued && len === avail;
  // A payload in a send ring in linear memory goes as its address (segment-fields.ts), any other as a view.
  const address = len > 0 ? c.sendBuffer.linearAddress(off, len) : -1;
  const payload = len === 0 ? EMPTY : address >= 0 ? null : c.sendBuffer.peek(off, len);
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  if (seqLt(seq, t.sndMax)) {
    c.noteRetransmit(seq, len);
    // Karn: a retransmitted range gives no RTT sample.
    c.rtt.timing = false;
  } else {
    c.stats.bytesSent += len;
    if (end !== seq) timeSegment(c, end);
  }
  const flags = ACK | (fin ? FIN : 0) | (len > 0 && len === avail ? PSH : 0);
  if (payload === null) fields.payloadAt(address, len);
  else fields.payload = payload;
  emitFields(c, seq, flags, len);
  if (seqLt(t.sndMax, end)) t.sndMax = end;
  if (end !== seq) {
    c.timers.ensure(TimerKind.retransmit, c.rtt.rto);
    c.timers.ensure(TimerKind.user, c.config.userTimeout);
    c.recovery.sent(seq, end);
  }
  return end;
}

/**
 * `count` full segments (`mss` bytes each) of new data from `seq`, the first at SND.MAX: what `sendAt`
 * does for each, with what they all share (addresses, ports, ACK, window, options) set once, as GSO
 * builds a train of segments from one header. `output` has checked that the window, cwnd and the link's
 * queue take them all, that data remains after the last (no PSH, no FIN), and that they carry no SACK
 * blocks (a report changes from segment to segment) and no ECN marks. Returns SND.NXT after the last.
 */
function sendRun(c: TcpConnection, seq: number, count: number, mss: number): number {
  const t = c.tcb;
  const buffer = c.sendBuffer;
  const f = prepareFields(c, seq, ACK, mss);
  // What sendAt starts after each segment, started once: the first would start them, and the rest find
  // them running. Before `sentRun`, whose probe timer is bounded by the RTO.
  c.timers.ensure(TimerKind.retransmit, c.rtt.rto);
  c.timers.ensure(TimerKind.user, c.config.userTimeout);
  timeSegment(c, seqAdd(seq, mss));
  c.stats.bytesSent += count * mss;
  const first = seq;
  for (let i = 0; i < count; i++) {
    const off = seqDiff(seq, t.dataSeq);
    const address = buffer.linearAddress(off, mss);
    if (address >= 0) f.payloadAt(address, mss);
    else f.payload = buffer.peek(off, mss);
    f.seq = seq;
    const end = seqAdd(seq, mss);
    transmit(c, f);
    t.sndMax = end;
    seq = end;
  }
  releaseFields(f);
  // Recorded after the last: the link does not re-enter the stack while it sends (Link.send).
  c.recovery.sentRun(first, count, mss);
  return seq;
}

/** Karn/RFC 6298: new data ending at `end` is timed for an RTT sample unless a segment is timed already. */
function timeSegment(c: TcpConnection, end: number): void {
  if (c.rtt.timing) return;
  c.rtt.timing = true;
  c.rtt.timedSeq = end;
  c.rtt.timedAt = c.host.clock.now();
}

/**
 * One segment of new data within the peer's window (or the FIN), whatever cwnd says: RFC 6675 NextSeg (2)
 * and RFC 3042 Limited Transmit decide that. Returns its length, 0 if none.
 */
export function sendNewSegment(c: TcpConnection): number {
  const t = c.tcb;
  const avail = c.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
  const finPending = c.sender.finQueued && seqLe(t.sndNxt, c.finSeq);
  if (avail <= 0 && !finPending) return 0;
  const room = seqDiff(seqAdd(t.sndUna, t.sndWnd), t.sndNxt);
  const len = Math.min(avail, c.sendMss, Math.max(room, 0));
  if (len <= 0 && avail > 0) return 0;
  t.sndNxt = sendAt(c, t.sndNxt, len);
  // A bare FIN still takes a sequence number in the pipe.
  return len > 0 ? len : 1;
}

/** SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), with the options we offer. */
export function sendSyn(c: TcpConnection): void {
  const t = c.tcb;
  const synAck = c.state === "SYN-RECEIVED";
  transmit(c, {
    src: c.localIp,
    dst: c.remoteIp,
    srcPort: c.localPort,
    dstPort: c.remotePort,
    seq: t.iss,
    ack: synAck ? t.rcvNxt : 0,
    flags: (synAck ? SYN | ACK : SYN) | ecnSynFlags(c, synAck),
    // RFC 7323 §2.2: the window on a SYN is never scaled.
    window: advertiseWindow(c, MAX_WINDOW_FIELD, 0),
    options: synOptions(c.ourMss, c.agreed, tsNow(c), synAck ? (c.ts?.recent ?? 0) : 0),
  });
  if (c.ts !== null) c.ts.lastAckSent = synAck ? t.rcvNxt : 0;
  if (seqLt(t.sndMax, seqAdd(t.iss, 1))) t.sndMax = seqAdd(t.iss, 1);
  t.sndNxt = seqAdd(t.iss, 1);
}

/**
 * An ACK right now. Its sequence number is the highest sent, not SND.NXT: after a timeout SND.NXT goes
 * back to SND.UNA, and an ACK carrying that (already received) number would fail the peer's
 * acceptability test, which then ignores the ACK it carries (BSD's tcp_output does the same).
 */
export function sendAck(c: TcpConnection): void {
  emit(c, c.tcb.sndMax, ACK, EMPTY);
}

/** RFC 5961 challenge ACK, rate-limited stack-wide (§7). */
export function challengeAck(c: TcpConnection): void {
  if (c.host.allowChallengeAck()) {
    if (c.observed) c.publish({ type: "challenge-ack" });
    sendAck(c);
  } else {
    c.drop("challenge-ack-limit");
  }
}

export function sendReset(c: TcpConnection, seq: number): void {
  c.host.countReset();
  transmit(c, {
    src: c.localIp,
    dst: c.remoteIp,
    srcPort: c.localPort,
    dstPort: c.remotePort,
    seq,
    ack: 0,
    flags: RST,
    window: 0,
  });
}

/** A segment carrying ACK: it acknowledges everything received, so pending ACK work is done. */
export function emit(c: TcpConnection, seq: number, flags: number, payload: Uint8Array): void {
  fields.payload = payload;
  emitFields(c, seq, flags, payload.length);
}

/** `emit` of the payload already in the record (`length` bytes of it). */
function emitFields(c: TcpConnection, seq: number, flags: number, length: number): void {
  transmit(c, prepareFields(c, seq, flags, length));
  releaseFields(fields);
}

/**
 * Fills the record for a segment of `c` (all but the payload) and returns it; what any segment does to
 * the connection as it leaves (it carries our ACK, so no delayed ACK is due) is done here too.
 */
function prepareFields(c: TcpConnection, seq: number, flags: number, length: number): SegmentFields {
  c.receiver.unackedSegments = 0;
  c.receiver.ackNow = false;
  c.timers.clear(TimerKind.delayedAck);
  const f = fields;
  f.src = c.localIp;
  f.dst = c.remoteIp;
  f.srcPort = c.localPort;
  f.dstPort = c.remotePort;
  f.seq = seq;
  f.ack = c.tcb.rcvNxt;
  const ecn = c.ecn;
  f.flags = ecn === null ? flags : ecnOutgoing(c, ecn, seq, flags, length, f);
  f.window = advertiseWindow(c, maxWindow(c.agreed), c.agreed.rcvShift);
  f.options = c.ts !== null || c.agreed.sack ? outgoingOptions.fill(c, length) : undefined;
  if (c.ts !== null) c.ts.lastAckSent = f.ack;
  return f;
}

/**
 * After the build: the shared record must not keep a closed connection's buffer (or options) alive, nor
 * give an ECN connection's TOS to the next connection's segment.
 */
function releaseFields(f: SegmentFields): void {
  f.payload = undefined;
  f.options = undefined;
  f.tos = 0;
}

function transmit(c: TcpConnection, fields: PacketFields): void {
  c.stats.segmentsSent++;
  c.host.transmit(fields);
}

/**
 * The window field to send: the free receive space (up to `max`), but held at the current right edge until
 * it can grow by min(buffer/2, MSS) (receiver SWS avoidance), and never shrinking the edge already offered.
 * With a scale `shift` the field is the window shifted right (RFC 7323 §2.3), rounded down so we never offer
 * space we lack; the edge we remember stays where it was if rounding puts the offer a little short of it.
 */
export function advertiseWindow(c: TcpConnection, max: number, shift: number): number {
  const t = c.tcb;
  const current = t.rcvWnd;
  let win = Math.min(c.receiveBuffer.free, max);
  if (win < current + c.swsThreshold()) win = current;
  // Keeping the current window must not exceed what the field can say: on a SYN (unscaled) after an ACK
  // advertised a larger, scaled window, `current` is above 65535.
  const field = Math.min(win, max) >>> shift;
  const edge = seqAdd(t.rcvNxt, field << shift);
  if (seqLt(t.rcvAdv, edge)) t.rcvAdv = edge;
  return field;
}
