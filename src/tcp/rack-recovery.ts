/**
 * RFC 8985 RACK-TLP with SACK. RACK (§6) finds losses by time: a segment is lost when a segment sent after
 * it has been delivered and it is older than that one by more than the reordering window (min_RTT/4, grown
 * by D-SACKs, zero while no reordering was seen and DupThresh segments are SACKed). TLP (§7) sends a probe
 * two SRTTs after the last transmission when the ACKs stop, so a loss at the tail of a flight draws the SACK
 * that RACK needs instead of waiting for the RTO. Recovery sends the segments marked lost, then new data,
 * while cwnd - pipe allows; pipe is what is neither SACKed nor marked lost. During recovery cwnd follows
 * RFC 6937 PRR-SSRB: sending keeps pace with what the ACKs report delivered, in proportion ssthresh /
 * RecoverFS while pipe is above ssthresh, and regrows to ssthresh by slow start (at most one MSS beyond
 * what was delivered) once it is below, instead of halting and then bursting.
 */
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "../wire/seq.js";
import type { AckSample } from "./congestion.js";
import type { SegmentHeader } from "./connection.js";
import type { AckVerdict, LossRecovery, RecoverySender } from "./loss-recovery.js";
import { FRTO_FIRST, FRTO_OFF, FRTO_SPURIOUS, type FrtoState, frtoAck } from "./frto.js";
import { RecoveryPoint } from "./recovery-point.js";
import { RecoveryUndo, firstBlockIsDsack } from "./recovery-undo.js";
import { DUP_THRESH, SackScoreboard } from "./sack-scoreboard.js";
import { SegmentFlag, SentSegments } from "./sent-segments.js";

/** §7.2: max_ack_delay, the peer's worst-case delayed-ACK timer (WCDelAckT), added when one segment is out. */
export const TLP_MAX_ACK_DELAY = 200;
/**
 * The least PTO (ms), as Linux's tcp_tlp_timeout had it (max(2*SRTT, 10 ms)): on a path of a millisecond
 * or two, 2*SRTT is shorter than the pauses of a busy peer's ACK clock, and a probe fired in one resends a
 * segment that had arrived (the peer D-SACKs it). Above 5 ms of SRTT it changes nothing.
 */
export const TLP_MIN_PTO = 10;
/** §6.2 step 4: how many recoveries a D-SACK-widened reordering window persists. */
const REO_WND_PERSIST = 16;

const { retransmitted: RETRANSMITTED, sacked: SACKED, lost: LOST } = SegmentFlag;

const range: [number, number] = [0, 0];

export class RackRecovery implements LossRecovery {
  readonly name = "rack";
  // The scoreboard, the segment list and the undo state are made on first use: a connection that has only
  // shaken hands (most of an idle server's) holds none of them (the per-connection memory target).
  #board: SackScoreboard | null = null;
  #segments: SentSegments | null = null;
  #undoState: RecoveryUndo | null = null;
  get board(): SackScoreboard {
    return (this.#board ??= new SackScoreboard());
  }
  get segments(): SentSegments {
    return (this.#segments ??= new SentSegments());
  }
  get undo(): RecoveryUndo {
    return (this.#undoState ??= new RecoveryUndo());
  }
  inRecovery = false;
  /** RTO recovery: from a timeout until SND.UNA passes what was outstanding then. */
  rtoRecovery = false;
  readonly #s: RecoverySender;
  readonly #point: RecoveryPoint;

  // §5.3: the most recently sent segment that was delivered (its transmission's place in the order of all
  // transmissions stands for RACK.xmit_ts and RACK.end_seq: see SentSegments), and the RTT it measured.
  // RTTs, sequence numbers and clock readings here start as -0: doubles from the start (see ControlBlock).
  order = 0;
  rtt = -0;
  minRtt = Number.POSITIVE_INFINITY;
  /** Highest end of any segment delivered (RACK.fack), and whether reordering was seen (RACK.reord). */
  fack = -0;
  reord = false;
  /** §6.2 step 4: the D-SACK round (SND.MAX when the last counted D-SACK came) and the window's multiplier. */
  #dsackRound: number | null = null;
  reoWndMult = 1;
  #reoWndPersist = 0;

  // What the ACK being processed carried (a D-SACK once more as `#dsackUncounted` until step 4 counts it).
  #dsack = false;
  #dsackUncounted = false;
  #dsackLeft = -0;
  #dsackRight = -0;
  #tsecr: number | null = null;
  #newlySacked = 0;
  /** The latest transmission (its order) this ACK delivered so far, whose RTT is the one RACK.rtt keeps. */
  #ackOrder = -1;

  // RFC 6937 PRR: the flight recovery started from, and the bytes delivered and sent since.
  prrRecoverFs = 0;
  prrDelivered = 0;
  prrOut = 0;
  /** SACKed bytes before the ACK being processed, for DeliveredData. */
  #sackedBefore = 0;

  /** Lost segments are resent from here (no segment below it is marked lost). */
  #lostFrom = -0;
  /** RFC 5682 F-RTO's state (frto.ts). */
  #frto: FrtoState = FRTO_OFF;
  /** Which of the two uses the recovery timer has now. */
  #timer: "none" | "reorder" | "probe" = "none";

  // §5.4 TLP: the probe outstanding ([tlpStart, tlpEnd), null when none) and whether it was a retransmission.
  tlpEnd: number | null = null;
  #tlpStart = -0;
  #tlpIsRetrans = false;
  /** A probe is being sent: its transmission does not restart the probe timer. */
  #probing = false;

  constructor(sender: RecoverySender, iss: number) {
    this.#s = sender;
    this.#point = new RecoveryPoint(iss);
    this.fack = iss;
    this.#lostFrom = iss;
  }

  get sackedBytes(): number {
    return this.board.sackedBytes;
  }

  /** The reordering window now (§6.2 step 4, RACK_update_reo_wnd), with a D-SACK on this ACK counted once. */
  reoWnd(): number {
    const t = this.#s.tcb;
    if (this.#dsackRound !== null && seqGe(t.sndUna, this.#dsackRound)) this.#dsackRound = null;
    if (this.#dsackRound === null && this.#dsackUncounted) {
      this.#dsackRound = t.sndMax;
      this.reoWndMult++;
      this.#reoWndPersist = REO_WND_PERSIST;
    }
    this.#dsackUncounted = false;
    if (!this.reord) {
      if (this.inRecovery || this.rtoRecovery) return 0;
      if (this.segments.sackedCount >= DUP_THRESH) return 0;
    }
    if (this.minRtt === Number.POSITIVE_INFINITY) return 0;
    const wnd = (this.reoWndMult * this.minRtt) / 4;
    const srtt = this.#s.srtt;
    return srtt === undefined ? wnd : Math.min(wnd, srtt);
  }

  /** pipe: bytes outstanding that are neither SACKed nor marked lost. */
  pipe(): number {
    const t = this.#s.tcb;
    const seg = this.segments;
    return seqDiff(t.sndMax, t.sndUna) - seg.sackedBytes - seg.lostBytes;
  }

  ackArrived(seg: SegmentHeader): void {
    const s = this.#s;
    const t = s.tcb;
    const blocks = seg.options.sackBlocks;
    this.#tsecr = seg.options.timestamps?.tsecr ?? null;
    this.#dsack = false;
    if (blocks !== undefined && blocks.length > 0) {
      if (firstBlockIsDsack(blocks, seg.ack)) {
        const b0 = blocks[0];
        this.#dsack = true;
        this.#dsackUncounted = true;
        this.#dsackLeft = b0.left;
        this.#dsackRight = b0.right;
      }
    }
    this.#sackedBefore = this.board.sackedBytes;
    this.#ackOrder = -1;
    if (this.#dsack && this.undo.dsack(this.#dsackRight) && this.segments.lostBytes === 0) this.#undo();
    const added = this.board.addBlocks(blocks, t.sndUna, t.sndMax);
    this.#newlySacked = added;
    const now = s.now;
    // §6.2 steps 2 and 3 take an ACK's segments in the order they were sent: first those it acknowledges
    // cumulatively (sent before any it SACKs, but for retransmissions, which step 3 passes over), then the
    // SACKed ones. The other way round, a segment whose ACK the peer delayed, acknowledged by the ACK that
    // SACKs the segment after a loss, lies below RACK.fack and reads as reordering: reo_wnd stays
    // min_RTT/4 and every later loss waits it out.
    const cumulative = seqGt(seg.ack, t.sndUna) && seqLe(seg.ack, t.sndMax);
    if (cumulative) {
      const segs = this.segments;
      for (let i = segs.head; i < segs.length && seqLe(segs.end[i], seg.ack); i++) {
        if (!(segs.flags[i] & SACKED)) this.#delivered(i, now);
      }
    }
    if (added > 0 && blocks !== undefined) {
      const segs = this.segments;
      for (let b = 0; b < blocks.length; b++) {
        const from = seqLt(blocks[b].left, t.sndUna) ? t.sndUna : blocks[b].left;
        if (!this.board.rangeAt(from, range)) continue;
        for (let i = segs.find(range[0]); i < segs.length && seqLe(segs.end[i], range[1]); i++) {
          if (segs.flags[i] & SACKED || seqLt(segs.start[i], range[0])) continue;
          if (cumulative && seqLe(segs.end[i], seg.ack)) continue;
          this.#delivered(i, now);
          segs.mark(i, SACKED);
        }
      }
    }
  }

  /** §6.2 steps 2 and 3 (RACK_update, RACK_detect_reordering) for entry `i`, delivered now. */
  #delivered(i: number, now: number): void {
    const segs = this.segments;
    const xmit = segs.xmit[i];
    const end = segs.end[i];
    const retransmitted = (segs.flags[i] & RETRANSMITTED) !== 0;
    const rtt = now - xmit;
    let ambiguous = false;
    if (retransmitted) {
      // Step 2: a retransmitted segment measures only if the ACK is for this transmission: an echo at or
      // after its TSval shows it, else an RTT short of min_RTT shows the ACK was the original's. An ACK of
      // data above a hole echoes an older TSval (RFC 7323 §4.3), so the RTT test decides there; it keeps
      // an eighth of min_RTT of slack, since a probe that queued less than the segments before it (a short
      // one, an empty queue) measures a little below min_RTT, and ignoring that delivery would hide the
      // very losses it proves.
      const tsval = this.#tsecr === null ? null : this.#s.tsvalAt(xmit);
      const echoed = tsval !== null && this.#tsecr !== null && ((this.#tsecr - tsval) | 0) >= 0;
      ambiguous = !echoed && rtt < this.minRtt - this.minRtt / 8;
    }
    if (!ambiguous) {
      // Step 2 walks an ACK's segments in the order they were sent, so RACK.rtt ends as the latest one's.
      // SACK blocks come most recent first (RFC 2018 §4), so a later block can hold older segments: one
      // whose ACK was delayed, met after a probe's, would lend RACK.rtt its long wait and hold the losses
      // the probe just proved for that long.
      if (segs.order[i] > this.#ackOrder) {
        this.#ackOrder = segs.order[i];
        this.rtt = rtt;
      }
      if (!retransmitted && rtt < this.minRtt) this.minRtt = rtt;
      if (segs.order[i] > this.order) this.order = segs.order[i];
    }
    if (seqGt(end, this.fack)) this.fack = end;
    else if (seqLt(end, this.fack) && !retransmitted) this.reord = true;
  }

  /**
   * §6.2 step 5, RACK_detect_loss: marks lost every segment sent before the RACK segment and older than it by
   * RACK.rtt + the reordering window; returns how long until the youngest of the others would be (0: none).
   * Segments first sent in sequence order, so the scan stops at the first never-resent one sent after RACK.
   */
  detectLoss(): number {
    const reoWnd = this.reoWnd();
    const segs = this.segments;
    const now = this.#s.now;
    let timeout = 0;
    for (let i = segs.head; i < segs.length; i++) {
      const f = segs.flags[i];
      if (f & (SACKED | LOST)) continue;
      // RACK_sent_after(RACK segment, this one).
      if (this.order <= segs.order[i]) {
        if (!(f & RETRANSMITTED)) break;
        continue;
      }
      const remaining = segs.xmit[i] + this.rtt + reoWnd - now;
      if (remaining <= 0) this.#markLost(i);
      else if (remaining > timeout) timeout = remaining;
    }
    return timeout;
  }

  #markLost(i: number): void {
    const segs = this.segments;
    segs.mark(i, LOST);
    if (seqLt(segs.start[i], this.#lostFrom)) this.#lostFrom = segs.start[i];
  }

  /** Loss detection after an ACK or the reordering timer: arm the timer for what is not yet due, start recovery. */
  #detect(): void {
    const timeout = this.detectLoss();
    if (timeout > 0) {
      this.#timer = "reorder";
      this.#s.setTimer(timeout);
    } else if (this.#timer === "reorder") {
      this.#timer = "none";
      this.#s.clearTimer();
    }
    const t = this.#s.tcb;
    if (this.segments.lostBytes > 0 && !this.inRecovery && !seqLt(t.sndUna, this.#point.seq)) this.#enter();
  }

  /** A loss found: recovery starts, congestion control is told once, and the first lost segment goes now. */
  #enter(): void {
    const s = this.#s;
    const t = s.tcb;
    this.inRecovery = true;
    this.#point.mark(t.sndMax);
    // The window is cut from what was in the network, at most cwnd (as Linux's ssthresh hooks take cwnd):
    // FlightSize counts the SACKed data above the holes too, and after a recovery that sent as SACKs
    // freed the pipe it can be twice cwnd, so a cut from it would raise the window.
    const base = Math.min(seqDiff(t.sndMax, t.sndUna), s.cc.cwnd);
    this.undo.begin(s.cc.cwnd, s.cc.ssthresh, t.sndUna);
    s.cutWindow(base);
    this.prrRecoverFs = base;
    this.prrDelivered = 0;
    this.prrOut = 0;
    s.report("recovery-start", 0);
    // The probe's episode is this recovery's now (as Linux's tcp_init_cwnd_reduction ends it): the loss it
    // may have repaired is one of the losses cut for here, not a second congestion event.
    this.tlpEnd = null;
    this.#resendLost();
  }

  /**
   * RFC 6937 §3 on an ACK in recovery that reported `delivered` bytes (cumulatively or by SACK):
   * cwnd = pipe + sndcnt.
   */
  #prr(delivered: number): void {
    const s = this.#s;
    const cc = s.cc;
    this.prrDelivered += delivered;
    const pipe = this.pipe();
    let sndcnt: number;
    if (pipe > cc.ssthresh) {
      // Proportional rate reduction.
      sndcnt = Math.ceil((this.prrDelivered * cc.ssthresh) / Math.max(this.prrRecoverFs, 1)) - this.prrOut;
    } else {
      // Slow start reduction bound (PRR-SSRB).
      const limit = Math.max(this.prrDelivered - this.prrOut, delivered) + s.mss;
      sndcnt = Math.min(cc.ssthresh - pipe, limit);
    }
    cc.cwnd = pipe + Math.max(sndcnt, 0);
  }

  /** The episode was spurious: congestion control takes its cut back, and a recovery still open ends. */
  #undo(): void {
    const s = this.#s;
    this.undo.active = false;
    if (this.inRecovery) this.#exit();
    s.cc.onUndo(this.undo.priorCwnd, this.undo.priorSsthresh);
    s.report("undo", 0);
  }

  #exit(): void {
    this.inRecovery = false;
    // RFC 6937: recovery ends with cwnd = ssthresh.
    this.#s.cc.cwnd = this.#s.cc.ssthresh;
    // §6.2 step 4: a widened window shrinks back after REO_WND_PERSIST recoveries without a D-SACK.
    if (--this.#reoWndPersist <= 0) this.reoWndMult = 1;
    this.#s.report("recovery-end", 0);
  }

  /** RFC 5682 F-RTO on an ACK after a timeout (frto.ts); a spurious timeout's cut is undone. */
  #frtoAck(a: AckSample, advanced: boolean): void {
    const next = frtoAck(this.#s, this.#frto, a.ack, this.#point.seq, advanced);
    if (next === FRTO_SPURIOUS) {
      this.#frto = FRTO_OFF;
      this.rtoRecovery = false;
      this.#undo();
    } else {
      this.#frto = next;
    }
  }

  ackAdvanced(a: AckSample): AckVerdict {
    const t = this.#s.tcb;
    this.segments.acked(t.sndUna);
    this.board.prune(t.sndUna);
    if (this.#frto !== FRTO_OFF) this.#frtoAck(a, true);
    const wasRecovering = this.inRecovery;
    if (seqGe(a.ack, this.#point.seq)) {
      if (this.inRecovery) this.#exit();
      this.rtoRecovery = false;
    }
    this.#detect();
    if (this.inRecovery) this.#prr(a.acked + this.board.sackedBytes - this.#sackedBefore);
    if (this.undo.eifel(a.ack, this.#tsecr)) this.#undo();
    this.#probeAcked(a, true, false);
    this.#schedule();
    return wasRecovering || this.inRecovery ? "recovering" : "grow";
  }

  ackHeld(a: AckSample, duplicate: boolean): void {
    if (this.#frto !== FRTO_OFF) this.#frtoAck(a, false);
    this.#detect();
    if (this.inRecovery) this.#prr(this.board.sackedBytes - this.#sackedBefore);
    this.#probeAcked(a, false, duplicate);
    this.#schedule();
    if (this.inRecovery || this.rtoRecovery || this.#newlySacked === 0) return;
    // Limited transmit governed by pipe (RFC 6675 §5 step (2)): SACKed data has left the network, so new
    // data may take its place before any loss is proven, and a small window keeps its ACK clock.
    const s = this.#s;
    while (s.cc.cwnd - this.pipe() >= s.mss) if (s.sendNew() === 0) break;
  }

  output(): boolean {
    if (!this.inRecovery) return false;
    const s = this.#s;
    while (s.cc.cwnd - this.pipe() >= s.mss) {
      if (this.#resendLost() === 0 && s.sendNew() === 0) break;
    }
    return true;
  }

  /** Resends the lowest segment marked lost (up to one MSS of it); returns its sequence length, 0 if none. */
  #resendLost(): number {
    const s = this.#s;
    const segs = this.segments;
    for (let i = segs.find(this.#lostFrom); i < segs.length; i++) {
      if (!(segs.flags[i] & LOST)) continue;
      const start = segs.start[i];
      const len = Math.min(segs.bytes(i), s.mss);
      this.#lostFrom = start;
      s.resend(start, len);
      return len;
    }
    this.#lostFrom = s.tcb.sndMax;
    return 0;
  }

  sendRoom(): number {
    return this.board.goBackRoom(this.#s.tcb, this.#s.mss);
  }

  /** §6.3: on RTO, every segment at SND.UNA or old enough is lost; RTO recovery resends from SND.UNA. */
  timeout(): void {
    const s = this.#s;
    const t = s.tcb;
    if (this.inRecovery) this.#exit();
    if (!this.rtoRecovery) {
      // RFC 5682: the first timeout of an episode may be spurious; F-RTO decides on the next two ACKs.
      this.undo.begin(s.cc.cwnd, s.cc.ssthresh, t.sndUna);
      this.#frto = FRTO_FIRST;
    }
    s.cc.onTimeout(seqDiff(t.sndMax, t.sndUna), s.mss, this.#point.covers(t.sndUna));
    this.rtoRecovery = true;
    this.#point.mark(t.sndMax);
    const reoWnd = this.reoWnd();
    const segs = this.segments;
    const now = s.now;
    for (let i = segs.head; i < segs.length; i++) {
      if (segs.flags[i] & (SACKED | LOST)) continue;
      if (segs.start[i] === t.sndUna || segs.xmit[i] + this.rtt + reoWnd - now <= 0) this.#markLost(i);
    }
    this.tlpEnd = null;
    this.#timer = "none";
    s.clearTimer();
  }

  sent(seq: number, end: number): void {
    const retransmission = this.segments.sent(seq, end, this.#s.now);
    if (this.inRecovery) this.prrOut += seqDiff(end, seq);
    if (retransmission) this.undo.retransmitted(end, this.#s.tsvalAt(this.#s.now));
    // §7.2: new data (not itself a probe) restarts the probe timer.
    if (!retransmission && !this.#probing) this.#schedule();
  }

  /**
   * Each segment of the run is an entry of its own, sent at the same time; the probe timer restarts once,
   * after the last, as Linux schedules the loss probe once per transmit pass (tcp_write_xmit): a restart
   * per segment left the deadline the last one set, which one restart after the run computes alike (the
   * same instant, SRTT and flight). Outside recovery only (RACK's `output` sends in recovery), so no PRR,
   * and never a probe (`#sendProbe` sends one segment, through `sendAt`).
   */
  sentRun(seq: number, count: number, mss: number): void {
    this.segments.sentRun(seq, count, mss, this.#s.now);
    this.#schedule();
  }

  timerFired(): void {
    const mode = this.#timer;
    this.#timer = "none";
    if (mode === "reorder") {
      this.#detect();
      this.#schedule();
    } else if (mode === "probe") {
      this.#sendProbe();
    }
  }

  /**
   * §7.2: the probe timer runs while data is out, outside recovery, with nothing SACKed and no probe
   * outstanding: PTO = 2*SRTT (plus max_ack_delay when one segment is out), at least TLP_MIN_PTO, or 1 s
   * before the first RTT sample, and never past the RTO.
   */
  #schedule(): void {
    const s = this.#s;
    const t = s.tcb;
    if (t.sndUna === t.sndMax) {
      if (this.#timer !== "none") s.clearTimer();
      this.#timer = "none";
      return;
    }
    if (this.#timer === "reorder") return;
    if (this.inRecovery || this.rtoRecovery || this.segments.sackedCount > 0 || this.tlpEnd !== null) {
      if (this.#timer === "probe") s.clearTimer();
      this.#timer = "none";
      return;
    }
    const srtt = s.srtt;
    let pto = 1000;
    if (srtt !== undefined) {
      const oneSegment = seqDiff(t.sndMax, t.sndUna) <= s.mss;
      pto = Math.max(2 * srtt + (oneSegment ? TLP_MAX_ACK_DELAY : 0), TLP_MIN_PTO);
    }
    pto = Math.min(pto, s.rtoRemaining);
    this.#timer = "probe";
    s.setTimer(pto);
  }

  /**
   * §7.3: one segment of new data if the peer's window takes it (cwnd does not hold a probe back), else the
   * last segment sent again; then the RTO, not the probe timer, is re-armed.
   */
  #sendProbe(): void {
    const s = this.#s;
    const t = s.tcb;
    if (t.sndUna === t.sndMax || this.tlpEnd !== null) return;
    const start = t.sndMax;
    this.#probing = true;
    let sent = s.sendNew();
    let retransmission = false;
    if (sent === 0) {
      const segs = this.segments;
      const last = segs.length - 1;
      // Nothing recorded (only a SYN could be out, and no probe is scheduled then): leave it to the RTO.
      if (last < segs.head) {
        this.#probing = false;
        return;
      }
      const from = Math.max(0, segs.bytes(last) - s.mss);
      this.#tlpStart = seqAdd(segs.start[last], from);
      sent = segs.bytes(last) - from;
      s.resend(this.#tlpStart, sent);
      retransmission = true;
    } else {
      this.#tlpStart = start;
    }
    this.#probing = false;
    this.tlpEnd = t.sndMax;
    this.#tlpIsRetrans = retransmission;
    s.report("loss-probe", sent);
    s.restartRto();
  }

  /**
   * §7.4 TLP loss detection, on each ACK at or past the probe: a probe of new data leaves losses to RACK; a
   * D-SACK of the probe, or a plain duplicate ACK, shows the original arrived too; an ACK past the probe
   * shows it repaired a loss, which congestion control must hear of.
   */
  #probeAcked(a: AckSample, advanced: boolean, duplicate: boolean): void {
    const end = this.tlpEnd;
    if (end === null || seqLt(a.ack, end)) return;
    if (!this.#tlpIsRetrans) {
      this.tlpEnd = null;
    } else if (this.#dsackCoversProbe(end)) {
      this.tlpEnd = null;
    } else if (seqGt(a.ack, end)) {
      this.tlpEnd = null;
      const s = this.#s;
      if (!this.inRecovery && !this.#point.covers(s.tcb.sndUna)) {
        s.cutWindow(a.flight);
        this.#point.mark(s.tcb.sndMax);
      }
      s.report("probe-repaired-loss", 0);
    } else if (!advanced && duplicate && this.#newlySacked === 0) {
      this.tlpEnd = null;
    }
  }

  #dsackCoversProbe(end: number): boolean {
    return this.#dsack && seqLt(this.#dsackLeft, end) && seqGt(this.#dsackRight, this.#tlpStart);
  }
}
