/**
 * RFC 6675 conservative SACK-based loss recovery: the scoreboard says which bytes the peer holds, IsLost
 * which are gone, pipe how many are still in the network, and NextSeg what to send while cwnd - pipe allows
 * a segment. Congestion control is told of the loss once per recovery (`onLoss`) and does not grow cwnd
 * during it.
 */
import { seqAdd, seqDiff, seqGe, seqLt } from "../wire/seq.js";
import type { AckSample } from "./congestion.js";
import type { SegmentHeader } from "./connection.js";
import type { AckVerdict, LossRecovery, RecoverySender } from "./loss-recovery.js";
import { LostRetransmissions } from "./lost-retransmissions.js";
import { RecoveryPoint } from "./recovery-point.js";
import { DUP_THRESH, SackScoreboard } from "./sack-scoreboard.js";

/**
 * [start, end) of the hole NextSeg picks, written by the scoreboard's search and read by the resend at
 * once: one reused pair, since recovery picks a hole for every segment it sends.
 */
const hole: [number, number] = [0, 0];

export class SackRecovery implements LossRecovery {
  readonly name: string = "rfc6675";
  readonly board = new SackScoreboard();
  inRecovery = false;
  protected readonly s: RecoverySender;
  /** RecoveryPoint: HighData when recovery began or the RTO last fired; no new recovery starts below it. */
  readonly #point: RecoveryPoint;
  /** HighRxt: the highest sequence number retransmitted in this recovery. */
  #highRxt = 0;
  /** DupAcks (RFC 6675 §2): ACKs that newly SACKed data without moving SND.UNA. */
  #dupAcks = 0;
  /** Bytes the last ACK's SACK blocks newly covered. */
  #newlySacked = 0;
  /** RescueRxt: NextSeg rule (4) resends the tail once per recovery; this is the RecoveryPoint it did it for. */
  #rescueRxt: number | null = null;
  /** This recovery's retransmissions, to find the lost ones from SACKs (RFC 8985 §6.2). */
  readonly #retransmissions = new LostRetransmissions();

  constructor(sender: RecoverySender, iss: number) {
    this.s = sender;
    this.#point = new RecoveryPoint(iss);
  }

  get sackedBytes(): number {
    return this.board.sackedBytes;
  }

  /** Records the segment's SACK blocks (before SND.UNA moves). */
  ackArrived(seg: SegmentHeader): void {
    const t = this.s.tcb;
    this.#newlySacked = this.board.addBlocks(seg.options.sackBlocks, t.sndUna, t.sndMax);
  }

  sent(): void {}

  timerFired(): void {}

  ackAdvanced(a: AckSample): AckVerdict {
    this.board.prune(this.s.tcb.sndUna);
    if (!this.inRecovery) {
      this.#dupAcks = 0;
      return "grow";
    }
    if (seqGe(a.ack, this.#point.seq)) {
      // RFC 6675 §5 step (3): HighACK >= RecoveryPoint ends the recovery; cwnd stays at ssthresh.
      this.inRecovery = false;
      this.#dupAcks = 0;
      this.#retransmissions.clear();
      this.s.report("recovery-end", 0);
    }
    return "recovering";
  }

  ackHeld(): void {
    if (this.inRecovery) return;
    const s = this.s;
    const t = s.tcb;
    const newlySacked = this.#newlySacked;
    if (newlySacked > 0) this.#dupAcks++;
    // §5.1: after an RTO (or a recovery) no new recovery starts until the cumulative ACK reaches RecoveryPoint.
    if (seqLt(t.sndUna, this.#point.seq)) return;
    const lost = this.board.lostBoundary(s.mss, t.sndUna);
    if (this.#dupAcks >= DUP_THRESH || seqLt(t.sndUna, lost)) {
      this.#enter();
      return;
    }
    // §5 step (2), Limited Transmit governed by pipe: below DupThresh, new data goes while cwnd - pipe >= 1 SMSS,
    // so a small window still draws its third duplicate ACK instead of waiting for the RTO.
    if (newlySacked === 0) return;
    let pipe = this.board.pipe(t.sndUna, t.sndMax, t.sndUna, lost);
    while (s.cc.cwnd - pipe >= s.mss) {
      const sent = s.sendNew();
      if (sent === 0) break;
      pipe += sent;
    }
  }

  /** RFC 6675 §5 step (4): enter loss recovery and retransmit the first unSACKed segment. */
  #enter(): void {
    const s = this.s;
    const t = s.tcb;
    this.inRecovery = true;
    this.#point.mark(t.sndMax);
    this.#rescueRxt = null;
    this.#retransmissions.clear();
    s.cc.onLoss(seqDiff(t.sndMax, t.sndUna), s.mss);
    s.report("recovery-start", 0);
    // (4.3): the first segment goes now, whatever pipe says.
    const end = this.board.nextSacked(t.sndUna, t.sndMax);
    const len = Math.min(s.mss, seqDiff(end, t.sndUna));
    this.#highRxt = seqAdd(t.sndUna, len);
    s.resend(t.sndUna, len);
    this.#retransmissions.sent(t.sndUna, this.#highRxt, t.sndMax);
  }

  /** §5.1: the retransmission timer fired; recovery ends, and none starts until SND.UNA passes SND.MAX now. */
  timeout(): void {
    const s = this.s;
    const t = s.tcb;
    s.cc.onTimeout(seqDiff(t.sndMax, t.sndUna), s.mss, this.#point.covers(t.sndUna));
    this.inRecovery = false;
    this.#dupAcks = 0;
    this.#point.mark(t.sndMax);
    this.#retransmissions.clear();
  }

  /** §5 step (C): while cwnd - pipe >= 1 SMSS, send what NextSeg picks. */
  output(): boolean {
    if (!this.inRecovery) return false;
    const s = this.s;
    const t = s.tcb;
    const b = this.board;
    const mss = s.mss;
    if (seqLt(this.#highRxt, t.sndUna)) this.#highRxt = t.sndUna;
    const lost = b.lostBoundary(mss, t.sndUna);
    const highSacked = b.highestSacked(t.sndUna);
    const rxt = this.#retransmissions;
    const found = rxt.detect(b, t.sndUna);
    if (found > 0) s.report("lost-retransmission", found);
    // A retransmission proven lost is out of the network: SetPipe counted it (below HighRxt) as in flight.
    let pipe = b.pipe(t.sndUna, t.sndMax, this.#highRxt, lost) - rxt.pending(b, t.sndUna);
    while (s.cc.cwnd - pipe >= mss) {
      // Before NextSeg, a retransmission proven lost goes again (RFC 8985 §6.2; RFC 6675 would wait for
      // the RTO). Then NextSeg (1): the first lost hole above HighRxt; (2) new data; (3) any other hole below
      // the highest SACK; (4) once per recovery, the tail (rescue retransmission).
      let sent: number;
      if (rxt.next(b, t.sndUna, mss, hole)) sent = this.#resendLost(hole);
      else if (b.nextHole(this.#highRxt, lost, t.sndUna, hole)) sent = this.#resendHole(hole);
      else {
        sent = s.sendNew();
        if (sent === 0 && b.nextHole(this.#highRxt, highSacked, t.sndUna, hole)) sent = this.#resendHole(hole);
        if (sent === 0) sent = this.#rescue(highSacked);
      }
      if (sent === 0) break;
      pipe += sent;
    }
    return true;
  }

  /** Resends up to one MSS from the start of `hole`; returns the bytes sent. */
  #resendHole(hole: readonly [number, number]): number {
    const len = this.#resendLost(hole);
    this.#highRxt = seqAdd(hole[0], len);
    return len;
  }

  /** Resends up to one MSS from the start of `hole`, noting it as a retransmission; returns the bytes sent. */
  #resendLost(hole: readonly [number, number]): number {
    const s = this.s;
    const len = Math.min(s.mss, seqDiff(hole[1], hole[0]));
    s.resend(hole[0], len);
    this.#retransmissions.sent(hole[0], seqAdd(hole[0], len), s.tcb.sndMax);
    return len;
  }

  /**
   * NextSeg (4): with nothing else to send, one segment ending at SND.MAX (the highest unSACKed data) goes
   * once per recovery, so a loss at the very end of the window still draws an ACK instead of an RTO.
   * HighRxt is not moved by it.
   */
  #rescue(highSacked: number): number {
    const s = this.s;
    const t = s.tcb;
    if (this.#rescueRxt !== null && !seqLt(this.#rescueRxt, t.sndUna)) return 0;
    if (!seqLt(highSacked, t.sndMax) || !seqLt(this.#highRxt, t.sndMax)) return 0;
    let start = seqAdd(t.sndMax, -s.mss);
    if (seqLt(start, highSacked)) start = highSacked;
    if (seqLt(start, this.#highRxt)) start = this.#highRxt;
    this.#rescueRxt = this.#point.seq;
    const len = seqDiff(t.sndMax, start);
    s.resend(start, len);
    return len;
  }

  sendRoom(): number {
    return this.board.goBackRoom(this.s.tcb, this.s.mss);
  }
}
