import { seqGe, seqGt } from "../wire/seq.js";
import { TcpFlags } from "../wire/types.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";
import { TimerKind } from "./timers.js";

/**
 * RFC 3168 Explicit Congestion Notification for TCP: the setup on the SYNs (§6.1.1), ECT(0) on new data
 * (§6.1.2, §6.1.5, §6.1.6), the receiver's ECE echo of a CE mark until CWR (§6.1.3), and the sender's
 * response, a congestion-window reduction as for a loss, once per window and with nothing resent (§6.1.2).
 * The IPv4 ECN field is the low two bits of the TOS byte, which the wire core parses and builds as is.
 */

const { SYN, ACK, ECE, CWR } = TcpFlags;

/** RFC 3168 §5: the ECN field's code points. */
export const ECN_FIELD = 0b11;
export const ECT0 = 0b10;
export const CE = 0b11;

/** The ECN state of a connection that agreed on ECN; made by the SYNs (an ECN-less connection holds none). */
export class EcnState {
  /** Receiver (§6.1.3): a CE mark arrived, so every ACK carries ECE until a CWR arrives. */
  echoing = false;
  /** Sender (§6.1.2): cwnd was reduced for an ECE, and the next new data segment says so with CWR. */
  cwrQueued = false;
  /**
   * Sender: SND.MAX at the last reduction. An ECE on an ACK at or below it is the echo of a mark that
   * reduction already answered ("at most once per window of data", §6.1.2).
   */
  reducedAt: number;
  /**
   * Sender (§6.1.2): an ECE came with cwnd at one segment, which cannot be halved; the restarted
   * retransmission timer, not the window, lets the next new segment go.
   */
  heldForRto = false;
  /** Window reductions made for an ECE, and CE-marked segments received (ConnectionInfo). */
  reductions = 0;
  marksReceived = 0;

  constructor(iss: number) {
    this.reducedAt = iss;
  }
}

/**
 * Whether we offer ECN on a SYN: when it is on, but not on a retransmitted SYN (§6.1.1.1, Linux's
 * tcp_ecn_fallback: a middlebox that drops ECN-setup SYNs must not cost the connection), after which a
 * SYN-ACK's ECE agrees to nothing.
 */
export function ecnOffered(c: TcpConnection): boolean {
  return c.config.ecn && c.handshake.retries === 0;
}

/**
 * The flags our SYN or SYN-ACK carries for ECN (§6.1.1): an ECN-setup SYN has ECE and CWR; an ECN-setup
 * SYN-ACK has ECE alone, and only answers an ECN-setup SYN (the agreement is made by then).
 */
export function ecnSynFlags(c: TcpConnection, synAck: boolean): number {
  if (synAck) return c.ecn !== null ? ECE : 0;
  return ecnOffered(c) ? ECE | CWR : 0;
}

/**
 * §6.1.1: whether the peer's SYN (ECE and CWR both set) or SYN-ACK (ECE set, CWR clear) agrees to the ECN
 * we offered. A SYN-ACK with both bits set is not an ECN-setup SYN-ACK (a reflector of the SYN's bits).
 */
export function ecnAgreed(offered: boolean, flags: number): boolean {
  if (!offered) return false;
  const bits = flags & (ECE | CWR);
  return flags & ACK ? bits === ECE : (flags & SYN) !== 0 && bits === (ECE | CWR);
}

/**
 * An acceptable segment of an ECN connection arrived (past the sequence, RST, SYN and ACK checks). §6.1.3:
 * CWR ends the echo; a CE mark on it (checked after, so a CWR segment that was itself marked restarts the
 * echo) starts it, acknowledged at once, as Linux does when a mark first arrives, so the sender hears of
 * it within the round trip.
 */
export function ecnSegmentArrived(c: TcpConnection, e: EcnState, seg: SegmentHeader): void {
  if (seg.flags & CWR) e.echoing = false;
  if (((seg.tos ?? 0) & ECN_FIELD) === CE) {
    e.marksReceived++;
    if (!e.echoing) {
      e.echoing = true;
      c.receiver.ackNow = true;
    }
  }
}

/**
 * An acceptable ACK with ECE arrived (SND.UNA already moved to `ack`; `flight` bytes were out before it).
 * §6.1.2: congestion control halves the window as for a loss (cc.onLoss), nothing is retransmitted, and CWR goes on the next new data; at
 * most once per window. In loss recovery the recovery's reduction stands for this one: CWR is still sent,
 * so the receiver stops echoing.
 */
export function ecnEchoArrived(c: TcpConnection, e: EcnState, ack: number, flight: number): void {
  if (!seqGt(ack, e.reducedAt)) return;
  const t = c.tcb;
  e.reducedAt = t.sndMax;
  e.cwrQueued = true;
  if (c.recoveryIfMade?.inRecovery === true) return;
  e.reductions++;
  const mss = c.sendMss;
  const oneSegment = c.cc.cwnd <= mss;
  c.cc.onLoss(flight, mss);
  if (oneSegment) {
    // "the value of the congestion window is bounded below by a value of one MSS ... the TCP sender MUST
    // reset the retransmit timer on receiving the ECN-Echo packet when the congestion window is one. The
    // sending TCP will then be able to send a new packet only when the retransmit timer expires."
    c.cc.cwnd = mss;
    e.heldForRto = true;
    c.timers.set(TimerKind.retransmit, c.rtt.rto);
  }
  if (c.observed) c.publish({ type: "cwnd", reason: "ecn-echo", cwnd: c.cc.cwnd });
}

/**
 * Whether §6.1.2's one-segment rule holds new data back now: until the retransmission timer restarted for
 * it expires (`ecnTimerExpired`); a timer stopped since (everything acknowledged) holds nothing.
 */
export function ecnHolds(c: TcpConnection, e: EcnState): boolean {
  if (e.heldForRto && c.timers.remaining(TimerKind.retransmit) === Number.POSITIVE_INFINITY) e.heldForRto = false;
  return e.heldForRto;
}

/**
 * The retransmission timer expired. Returns true when it only paced §6.1.2's next new segment (nothing is
 * outstanding): no timeout, the segment may go. A timeout always ends the hold.
 */
export function ecnTimerExpired(c: TcpConnection, e: EcnState): boolean {
  const held = e.heldForRto;
  e.heldForRto = false;
  return held && c.tcb.sndUna === c.tcb.sndMax;
}

/**
 * The retransmission timer cut the window (§6.1.2: "reduces its congestion window for any reason (because
 * of a retransmit timeout, a Fast Retransmit, or in response to an ECN Notification)"): CWR goes on the
 * first new data after it, and ECEs of the window it answered take no second cut.
 */
export function ecnTimeoutCut(c: TcpConnection, e: EcnState): void {
  e.reducedAt = c.tcb.sndMax;
  e.cwrQueued = true;
}

/**
 * A loss found on an ECN connection, with `flight` bytes out (§6.1.2: the window is "reduced only once in
 * response to a series of dropped and/or CE packets from a single window of data"): no cut when the loss is
 * in the window an ECE reduction answered (SND.UNA below SND.MAX at that reduction); otherwise the cut, which
 * then stands for the ECEs of this window too. Returns whether it cut.
 */
export function lossCut(c: TcpConnection, e: EcnState, flight: number): boolean {
  const t = c.tcb;
  if (seqGt(e.reducedAt, t.sndUna)) return false;
  e.reducedAt = t.sndMax;
  e.cwrQueued = true;
  c.cc.onLoss(flight, c.sendMss);
  return true;
}

/**
 * The ECN bits of one outgoing segment after the handshake, as `emit` sends it: returns the TCP flags and
 * sets `out.tos`. ECE while echoing (§6.1.3, every segment that acknowledges). ECT(0) on new data only:
 * not on pure ACKs (§6.1.4), retransmissions (§6.1.5) or window probes (§6.1.6); CWR on the first new data
 * segment after a reduction (§6.1.2).
 */
export function ecnOutgoing(
  c: TcpConnection,
  e: EcnState,
  seq: number,
  flags: number,
  length: number,
  out: { tos?: number },
): number {
  let f = e.echoing ? flags | ECE : flags;
  if (length > 0 && seqGe(seq, c.tcb.sndMax) && !c.sender.probing) {
    out.tos = ECT0;
    if (e.cwrQueued) {
      e.cwrQueued = false;
      f |= CWR;
    }
  } else {
    out.tos = 0;
  }
  return f;
}
