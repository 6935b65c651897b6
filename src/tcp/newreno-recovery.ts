/**
 * RFC 6582 NewReno fast recovery, for connections without SACK: the third duplicate ACK starts a recovery
 * and resends SND.UNA; each partial ACK resends the next hole; the ACK that reaches `recover` ends it. The
 * window follows RFC 6582 §3.2: ssthresh + 3 SMSS on entry, one SMSS more per further duplicate, deflated by
 * what a partial ACK acknowledged, and at the end min(ssthresh, FlightSize + SMSS).
 */
import { seqDiff, seqGe, seqGt } from "../wire/seq.js";
import type { AckSample } from "./congestion.js";
import type { AckVerdict, LossRecovery, RecoverySender } from "./loss-recovery.js";
import { RecoveryPoint } from "./recovery-point.js";
import { DUP_THRESH } from "./sack-scoreboard.js";

export class NewRenoRecovery implements LossRecovery {
  readonly name = "newreno";
  readonly sackedBytes = 0;
  inRecovery = false;
  readonly #s: RecoverySender;
  #dupAcks = 0;
  /** Bytes Limited Transmit sent on this run of duplicate ACKs (left out of the cut). */
  #limited = 0;
  /** Partial ACKs so far in this recovery (§3.2 step 5 restarts the timer on the first only). */
  #partialAcks = 0;
  /** RFC 6582 "recover". */
  readonly #recover: RecoveryPoint;

  constructor(sender: RecoverySender, iss: number) {
    this.#s = sender;
    this.#recover = new RecoveryPoint(iss);
  }

  ackArrived(): void {}

  sent(): void {}

  sentRun(): void {}

  timerFired(): void {}

  ackAdvanced(a: AckSample): AckVerdict {
    this.#dupAcks = 0;
    this.#limited = 0;
    if (!this.inRecovery) return "grow";
    const s = this.#s;
    const cc = s.cc;
    if (seqGe(a.ack, this.#recover.seq)) {
      // §3.2 step 3, full acknowledgment: deflate to min(ssthresh, FlightSize + SMSS).
      const flightAfter = Math.max(0, a.flight - a.acked);
      cc.cwnd = Math.min(cc.ssthresh, Math.max(flightAfter, a.mss) + a.mss);
      this.inRecovery = false;
      s.report("recovery-end", 0);
      return "recovering";
    }
    // Partial acknowledgment: deflate by the amount acked, add back one SMSS, resend the next hole now.
    this.#partialAcks++;
    cc.cwnd = Math.max(a.mss, cc.cwnd - a.acked + (a.acked >= a.mss ? a.mss : 0));
    s.resend(s.tcb.sndUna, s.mss);
    // §3.2 step 5 and §4, the Impatient variant: only the first partial ACK restarts the timer. Repairing
    // one hole per RTT (Slow-but-Steady) took 45 s after a slow start dropped 830 segments of one window;
    // the timeout ends that and slow start resends the rest.
    return this.#partialAcks <= 1 ? "recovering" : "recovering-timer-kept";
  }

  ackHeld(a: AckSample, duplicate: boolean): void {
    if (!duplicate) return;
    const s = this.#s;
    if (this.inRecovery) {
      // §3.2 step 4: inflate by one SMSS per further duplicate.
      s.cc.cwnd += a.mss;
      return;
    }
    const t = s.tcb;
    if (++this.#dupAcks < DUP_THRESH) {
      // RFC 3042 Limited Transmit (RFC 5681 §3.2 SHOULD): each of the first two duplicates sends one segment
      // of new data if the peer's window allows and the flight stays within cwnd + 2 SMSS; cwnd stays.
      // What it sends is counted, so that the cut can leave it out.
      if (seqDiff(t.sndMax, t.sndUna) + s.mss <= s.cc.cwnd + 2 * s.mss) this.#limited += s.sendNew();
      return;
    }
    if (this.#dupAcks !== DUP_THRESH) return;
    // §3.2 step 2: only start a new recovery if this loss is past the previous one's recover point.
    if (!seqGt(a.ack, this.#recover.seq)) return;
    // RFC 5681 §3.2 step 2: ssthresh from FlightSize without the data Limited Transmit sent (MUST NOT be
    // included). Counted in, its two segments raised every cut: at 1% loss ssthresh was 0.57 of cwnd for
    // NewReno and 0.77 for CUBIC, which is how the connection without SACK outran the ones with it.
    s.cutWindow(a.flight - this.#limited);
    s.cc.cwnd += 3 * a.mss;
    this.#recover.mark(t.sndMax);
    this.inRecovery = true;
    this.#partialAcks = 0;
    s.report("recovery-start", 0);
    s.resend(t.sndUna, s.mss);
  }

  output(): boolean {
    return false;
  }

  sendRoom(): number {
    return this.#s.mss;
  }

  timeout(): void {
    const s = this.#s;
    const t = s.tcb;
    // §3.2 step 1: `recover` moves past everything sent; a timeout before SND.UNA passed the old one is
    // the same congestion event.
    s.cc.onTimeout(seqDiff(t.sndMax, t.sndUna), s.mss, this.#recover.covers(t.sndUna));
    this.#recover.mark(t.sndMax);
    this.inRecovery = false;
    this.#dupAcks = 0;
    this.#limited = 0;
  }
}
