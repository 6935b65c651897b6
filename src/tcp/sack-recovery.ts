/**
 * RFC 6675 conservative SACK-based loss recovery, used when SACK was agreed instead of NewReno's fast
 * recovery: the scoreboard says which bytes the peer holds, IsLost which are gone, pipe how many are still
 * in the network, and NextSeg what to send while cwnd - pipe allows a segment. The congestion controller
 * (NewReno or CUBIC) is told of the loss once per recovery (`onLoss`) and does not grow cwnd during it.
 */
import { seqAdd, seqDiff, seqGe, seqLt } from "../wire/seq.js";
import type { AckSample } from "./congestion.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";
import { LostRetransmissions } from "./lost-retransmissions.js";
import { sendAt, sendNewSegment } from "./output.js";
import { DUP_THRESH, SackScoreboard } from "./sack-scoreboard.js";

export class SackRecovery {
  readonly board = new SackScoreboard();
  active = false;
  /** RecoveryPoint: HighData when recovery began or the RTO last fired; no new recovery starts below it. */
  recoveryPoint: number;
  /** HighRxt: the highest sequence number retransmitted in this recovery. */
  highRxt = 0;
  /** DupAcks (RFC 6675 §2): ACKs that newly SACKed data without moving SND.UNA. */
  dupAcks = 0;
  /** RescueRxt: NextSeg rule (4) resends the tail once per recovery; this is the RecoveryPoint it did it for. */
  rescueRxt: number | null = null;
  /** This recovery's retransmissions, to find the lost ones from SACKs (RFC 8985 §6.2). */
  readonly retransmissions = new LostRetransmissions();

  constructor(iss: number) {
    this.recoveryPoint = iss;
  }
}

/**
 * [start, end) of the hole NextSeg picks, written by the scoreboard's search and read by the resend at
 * once: one reused pair, since recovery picks a hole for every segment it sends.
 */
const hole: [number, number] = [0, 0];

/** Records the segment's SACK blocks (before SND.UNA moves). Returns how many bytes they newly SACKed. */
export function sackBlocksArrived(c: TcpConnection, r: SackRecovery, seg: SegmentHeader): number {
  const blocks = seg.options.sackBlocks;
  if (blocks === undefined) return 0;
  const t = c.tcb;
  const board = r.board;
  let added = 0;
  for (let i = 0; i < blocks.length; i++) added += board.add(blocks[i].left, blocks[i].right, t.sndUna, t.sndMax);
  return added;
}

/**
 * SND.UNA advanced (already updated). Returns true when SACK recovery owns this ACK (it was in recovery,
 * including the ACK that ends it), so the congestion controller must not grow cwnd on it.
 */
export function sackAckAdvanced(c: TcpConnection, r: SackRecovery, s: AckSample): boolean {
  r.board.prune(c.tcb.sndUna);
  if (!r.active) {
    r.dupAcks = 0;
    return false;
  }
  if (seqGe(s.ack, r.recoveryPoint)) {
    // RFC 6675 §5 step (3): HighACK >= RecoveryPoint ends the recovery; cwnd stays at ssthresh.
    r.active = false;
    r.dupAcks = 0;
    r.retransmissions.clear();
    if (c.host.tracing) c.host.trace(`${c.id} recovery end, cwnd=${c.cc.cwnd}`);
  }
  return true;
}

/** An ACK that did not move SND.UNA with data outstanding; `newlySacked` bytes were added to the scoreboard. */
export function sackDuplicateAck(c: TcpConnection, r: SackRecovery, newlySacked: number): void {
  const t = c.tcb;
  if (r.active) return;
  if (newlySacked > 0) r.dupAcks++;
  // §5.1: after an RTO (or a recovery) no new recovery starts until the cumulative ACK reaches RecoveryPoint.
  if (seqLt(t.sndUna, r.recoveryPoint)) return;
  const lost = r.board.lostBoundary(c.sendMss, t.sndUna);
  if (r.dupAcks >= DUP_THRESH || seqLt(t.sndUna, lost)) {
    enterRecovery(c, r);
    return;
  }
  // §5 step (2), Limited Transmit governed by pipe: below DupThresh, new data goes while cwnd - pipe >= 1 SMSS,
  // so a small window still draws its third duplicate ACK instead of waiting for the RTO.
  if (newlySacked === 0) return;
  let pipe = r.board.pipe(t.sndUna, t.sndMax, t.sndUna, lost);
  while (c.cc.cwnd - pipe >= c.sendMss) {
    const sent = sendNewSegment(c);
    if (sent === 0) break;
    pipe += sent;
  }
}

/** RFC 6675 §5 step (4): enter loss recovery and retransmit the first unSACKed segment. */
function enterRecovery(c: TcpConnection, r: SackRecovery): void {
  const t = c.tcb;
  const flight = seqDiff(t.sndMax, t.sndUna);
  r.active = true;
  r.recoveryPoint = t.sndMax;
  r.rescueRxt = null;
  r.retransmissions.clear();
  c.cc.onLoss(flight, c.sendMss, t.sndMax);
  c.stats.fastRetransmits++;
  if (c.host.tracing) c.host.trace(`${c.id} fast retransmit, recovery start (SACK), cwnd=${c.cc.cwnd}`);
  // (4.3): the first segment goes now, whatever pipe says.
  const end = r.board.nextSacked(t.sndUna, t.sndMax);
  const len = Math.min(c.sendMss, seqDiff(end, t.sndUna));
  r.highRxt = seqAdd(t.sndUna, len);
  sendAt(c, t.sndUna, len);
  r.retransmissions.sent(t.sndUna, r.highRxt, t.sndMax);
}

/** §5.1: the retransmission timer fired; recovery ends, and none starts until SND.UNA passes SND.MAX now. */
export function sackTimeout(c: TcpConnection): void {
  const r = c.sackRecovery;
  if (r === null) return;
  r.active = false;
  r.dupAcks = 0;
  r.recoveryPoint = c.tcb.sndMax;
  r.retransmissions.clear();
}

/** §5 step (C): while cwnd - pipe >= 1 SMSS, send what NextSeg picks. */
export function recoveryOutput(c: TcpConnection, r: SackRecovery): void {
  const t = c.tcb;
  const b = r.board;
  const mss = c.sendMss;
  if (seqLt(r.highRxt, t.sndUna)) r.highRxt = t.sndUna;
  const lost = b.lostBoundary(mss, t.sndUna);
  const highSacked = b.highestSacked(t.sndUna);
  const rxt = r.retransmissions;
  const found = rxt.detect(b, t.sndUna);
  if (found > 0 && c.host.tracing) c.host.trace(`${c.id} lost retransmission found, ${found} bytes`);
  // A retransmission proven lost is out of the network: SetPipe counted it (below HighRxt) as in flight.
  let pipe = b.pipe(t.sndUna, t.sndMax, r.highRxt, lost) - rxt.pending(b, t.sndUna);
  while (c.cc.cwnd - pipe >= mss) {
    // Before NextSeg, a retransmission proven lost goes again (RFC 8985 §6.2; RFC 6675 would wait for
    // the RTO). Then NextSeg (1): the first lost hole above HighRxt; (2) new data; (3) any other hole below
    // the highest SACK; (4) once per recovery, the tail (rescue retransmission).
    let sent: number;
    if (rxt.next(b, t.sndUna, mss, hole)) sent = resendLost(c, r, hole);
    else if (b.nextHole(r.highRxt, lost, t.sndUna, hole)) sent = resendHole(c, r, hole);
    else {
      sent = sendNewSegment(c);
      if (sent === 0 && b.nextHole(r.highRxt, highSacked, t.sndUna, hole)) sent = resendHole(c, r, hole);
      if (sent === 0) sent = rescue(c, r, highSacked);
    }
    if (sent === 0) break;
    pipe += sent;
  }
}

/** Resends up to one MSS from the start of `hole`; returns the bytes sent. */
function resendHole(c: TcpConnection, r: SackRecovery, hole: readonly [number, number]): number {
  const len = resendLost(c, r, hole);
  r.highRxt = seqAdd(hole[0], len);
  return len;
}

/** Resends up to one MSS from the start of `hole`, noting it as a retransmission; returns the bytes sent. */
function resendLost(c: TcpConnection, r: SackRecovery, hole: readonly [number, number]): number {
  const len = Math.min(c.sendMss, seqDiff(hole[1], hole[0]));
  sendAt(c, hole[0], len);
  r.retransmissions.sent(hole[0], seqAdd(hole[0], len), c.tcb.sndMax);
  return len;
}

/**
 * NextSeg (4): with nothing else to send, one segment ending at SND.MAX (the highest unSACKed data) goes
 * once per recovery, so a loss at the very end of the window still draws an ACK instead of an RTO.
 * HighRxt is not moved by it.
 */
function rescue(c: TcpConnection, r: SackRecovery, highSacked: number): number {
  const t = c.tcb;
  if (r.rescueRxt !== null && !seqLt(r.rescueRxt, t.sndUna)) return 0;
  if (!seqLt(highSacked, t.sndMax) || !seqLt(r.highRxt, t.sndMax)) return 0;
  let start = seqAdd(t.sndMax, -c.sendMss);
  if (seqLt(start, highSacked)) start = highSacked;
  if (seqLt(start, r.highRxt)) start = r.highRxt;
  r.rescueRxt = r.recoveryPoint;
  const len = seqDiff(t.sndMax, start);
  sendAt(c, start, len);
  return len;
}

/**
 * Outside recovery, with SND.NXT pulled back by a timeout (go-back-N): skip what the peer SACKed, and
 * return how much may go from SND.NXT before the next SACKed range (at most one MSS).
 */
export function goBackRoom(c: TcpConnection, r: SackRecovery): number {
  const t = c.tcb;
  if (!seqLt(t.sndNxt, t.sndMax)) return c.sendMss;
  const b = r.board;
  t.sndNxt = b.skip(t.sndNxt);
  if (!seqLt(t.sndNxt, t.sndMax)) return c.sendMss;
  return Math.min(c.sendMss, seqDiff(b.nextSacked(t.sndNxt, seqAdd(t.sndNxt, c.sendMss)), t.sndNxt));
}
