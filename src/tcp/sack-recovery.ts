/**
 * RFC 6675 conservative SACK-based loss recovery: the scoreboard says which bytes the peer holds, IsLost
 * which are gone, pipe how many are still in the network, and NextSeg what to send while cwnd - pipe allows
 * a segment. Congestion control is told of the loss once per recovery (`onLoss`) and does not grow cwnd
 * during it. A recovery shown spurious (every retransmission D-SACKed, or Eifel's timestamp) has its cut
 * undone, and F-RTO (frto.ts) judges the first timeout of an episode, as in RACK recovery.
 */
import { seqAdd, seqDiff, seqGe, seqLt } from "../wire/seq.js";
import type { AckSample } from "./congestion.js";
import type { SegmentHeader } from "./connection.js";
import type { AckVerdict, LossRecovery, RecoverySender } from "./loss-recovery.js";
import { FRTO_FIRST, FRTO_OFF, FRTO_SPURIOUS, type FrtoState, frtoAck } from "./frto.js";
import { LostRetransmissions } from "./lost-retransmissions.js";
import { RecoveryPoint } from "./recovery-point.js";
import { RecoveryUndo, firstBlockIsDsack } from "./recovery-undo.js";
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
  /** Bytes Limited Transmit sent since SND.UNA last advanced (left out of the cut). */
  #limited = 0;
  /** RescueRxt: NextSeg rule (4) resends the tail once per recovery; this is the RecoveryPoint it did it for. */
  #rescueRxt: number | null = null;
  /** This recovery's retransmissions, to find the lost ones from SACKs (RFC 8985 §6.2). */
  readonly #retransmissions = new LostRetransmissions();
  /** Undo of a spurious episode (recovery-undo.ts), made at the first one. */
  #undoState: RecoveryUndo | null = null;
  /** RFC 5682 F-RTO's state, and whether a timeout's episode is open (RTO recovery). */
  #frto: FrtoState = FRTO_OFF;
  #rtoRecovery = false;
  /** The TSecr of the ACK being processed (null without timestamps). */
  #tsecr: number | null = null;
  /** The end of the highest data sent (SND.MAX as this recovery saw it), to tell retransmissions. */
  #sentMax: number;

  constructor(sender: RecoverySender, iss: number) {
    this.s = sender;
    this.#point = new RecoveryPoint(iss);
    this.#sentMax = seqAdd(iss, 1);
  }

  get sackedBytes(): number {
    return this.board.sackedBytes;
  }

  get #undo(): RecoveryUndo {
    return (this.#undoState ??= new RecoveryUndo());
  }

  /** Records the segment's SACK blocks (before SND.UNA moves); a D-SACK may show the episode spurious. */
  ackArrived(seg: SegmentHeader): void {
    const t = this.s.tcb;
    const blocks = seg.options.sackBlocks;
    this.#tsecr = seg.options.timestamps?.tsecr ?? null;
    this.#newlySacked = this.board.addBlocks(blocks, t.sndUna, t.sndMax);
    if (blocks !== undefined && blocks.length > 0 && firstBlockIsDsack(blocks, seg.ack)) {
      if (this.#undoState?.dsack(blocks[0].right) && this.#allLossResent()) this.#undoCut();
    }
  }

  /** Every transmission: one below the highest sent so far is a retransmission, which undo counts. */
  sent(seq: number, end: number): void {
    if (seqLt(seq, this.#sentMax)) {
      const s = this.s;
      this.#undoState?.retransmitted(end, s.tsvalAt(s.now));
    }
    if (seqLt(this.#sentMax, end)) this.#sentMax = end;
  }

  sentRun(seq: number, count: number, mss: number): void {
    this.sent(seq, seqAdd(seq, count * mss));
  }

  timerFired(): void {}

  ackAdvanced(a: AckSample): AckVerdict {
    this.board.prune(this.s.tcb.sndUna);
    if (this.#frto !== FRTO_OFF) this.#frtoAck(a, true);
    if (seqGe(a.ack, this.#point.seq)) this.#rtoRecovery = false;
    const wasRecovering = this.inRecovery;
    if (this.inRecovery && seqGe(a.ack, this.#point.seq)) {
      // RFC 6675 §5 step (3): HighACK >= RecoveryPoint ends the recovery; cwnd stays at ssthresh.
      this.#exit();
    }
    if (this.#undoState?.eifel(a.ack, this.#tsecr) && this.#allLossResent()) this.#undoCut();
    this.#limited = 0;
    if (!wasRecovering) {
      this.#dupAcks = 0;
      return "grow";
    }
    return "recovering";
  }

  /**
   * In recovery, every byte IsLost counts lost has been resent (HighRxt is past it), so the episode's
   * retransmission count covers all of its losses. Otherwise the same window has lost more since, not yet
   * resent (a slow start overshooting the queue), and an undo on the retransmissions so far would restore
   * the window that overflowed it.
   */
  #allLossResent(): boolean {
    if (!this.inRecovery) return true;
    const t = this.s.tcb;
    return !seqLt(this.#highRxt, this.board.lostBoundary(this.s.mss, t.sndUna));
  }

  #exit(): void {
    this.inRecovery = false;
    this.#dupAcks = 0;
    this.#retransmissions.clear();
    this.s.report("recovery-end", 0);
  }

  /**
   * The episode's retransmissions were spurious: congestion control takes its cut back (RFC 4015). A
   * recovery still open goes on to its RecoveryPoint (as Linux's tcp_try_undo_dsack leaves the Recovery
   * state alone): the same window may have lost other segments since, a slow start overshooting the queue,
   * and they are repaired within it rather than left to the RTO.
   */
  #undoCut(): void {
    const undo = this.#undo;
    undo.active = false;
    this.s.cc.onUndo(undo.priorCwnd, undo.priorSsthresh);
    this.s.report("undo", 0);
  }

  /** RFC 5682 F-RTO on an ACK after a timeout (frto.ts); a spurious timeout's cut is undone. */
  #frtoAck(a: AckSample, advanced: boolean): void {
    const next = frtoAck(this.s, this.#frto, a.ack, this.#point.seq, advanced);
    if (next === FRTO_SPURIOUS) {
      this.#frto = FRTO_OFF;
      this.#rtoRecovery = false;
      this.#undoCut();
    } else {
      this.#frto = next;
    }
  }

  ackHeld(a: AckSample): void {
    if (this.#frto !== FRTO_OFF) this.#frtoAck(a, false);
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
      this.#limited += sent;
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
    this.#undo.begin(s.cc.cwnd, s.cc.ssthresh, t.sndUna);
    // (4.2): ssthresh from FlightSize, without the data Limited Transmit sent (RFC 5681 §3.2 step 2, as
    // RFC 6675 §5 recalls): with it, every cut started from cwnd plus the segments the SACKs let out.
    s.cutWindow(seqDiff(t.sndMax, t.sndUna) - this.#limited);
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
    if (!this.#rtoRecovery) {
      // RFC 5682: the first timeout of an episode may be spurious; F-RTO decides on the next two ACKs.
      this.#undo.begin(s.cc.cwnd, s.cc.ssthresh, t.sndUna);
      this.#frto = FRTO_FIRST;
    }
    this.#rtoRecovery = true;
    s.cc.onTimeout(seqDiff(t.sndMax, t.sndUna), s.mss, this.#point.covers(t.sndUna));
    this.inRecovery = false;
    this.#dupAcks = 0;
    this.#limited = 0;
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
