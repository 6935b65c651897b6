import { initialWindow, type AckSample, type CongestionAction, type CongestionControl } from "./congestion.js";
import { seqAdd, seqGe, seqGt, seqLt } from "../wire/seq.js";

/**
 * RFC 5681 slow start and congestion avoidance with RFC 6582 NewReno fast recovery. CUBIC (cubic.ts) keeps
 * the slow start and the recovery and replaces the two hooks: how far a loss cuts (`congestionEvent`) and how
 * cwnd grows in congestion avoidance (`avoid`).
 */
export class NewReno implements CongestionControl {
  readonly name: string = "newreno";
  cwnd: number;
  ssthresh = 0x7fffffff;
  inRecovery = false;
  partialAcks = 0;
  #dupAcks = 0;
  /** RFC 6582 "recover": the highest sequence sent when recovery began. */
  #recover: number;
  /** A congestion event has set `#recover` (before the first one, `#recover` is only the ISS). */
  #reduced = false;
  /** Byte counter for congestion avoidance (RFC 5681 §3.1, appropriate byte counting). */
  #avoidBytes = 0;
  /**
   * The largest flight of this round trip and of the last one, and the sequence that ends this round: how
   * much of cwnd the sender really used (RFC 7661's pipeACK, measured as Linux's max_packets_out is).
   */
  #roundPeak = 0;
  #lastRoundPeak = 0;
  #roundEnd: number;

  get duplicateAcks(): number {
    return this.#dupAcks;
  }

  constructor(mss: number, iss: number) {
    this.cwnd = initialWindow(mss);
    this.#recover = iss;
    this.#roundEnd = iss;
  }

  onAck(s: AckSample): CongestionAction {
    this.#dupAcks = 0;
    if (seqGe(s.ack, this.#roundEnd)) {
      this.#roundEnd = s.sndMax;
      this.#lastRoundPeak = this.#roundPeak;
      this.#roundPeak = 0;
    }
    if (s.flight > this.#roundPeak) this.#roundPeak = s.flight;
    if (this.inRecovery) {
      if (seqGe(s.ack, this.#recover)) {
        // RFC 6582 §3.2 step 3, full acknowledgment: deflate to min(ssthresh, FlightSize + SMSS).
        const flightAfter = Math.max(0, s.flight - s.acked);
        this.cwnd = Math.min(this.ssthresh, Math.max(flightAfter, s.mss) + s.mss);
        this.inRecovery = false;
        return "none";
      }
      // Partial acknowledgment: retransmit the next hole, deflate by the amount acked, add back one SMSS.
      this.partialAcks++;
      this.cwnd = Math.max(s.mss, this.cwnd - s.acked + (s.acked >= s.mss ? s.mss : 0));
      return "retransmit";
    }
    // RFC 7661 §4.3 (and RFC 9438 §5.8 for CUBIC): cwnd grows only while it is used. A sender held back by
    // the receive window or the application (under half of cwnd in flight through the last round trips, the
    // "non-validated" phase) would otherwise raise cwnd without bound, then burst all of it into the path.
    if (2 * Math.max(this.#roundPeak, this.#lastRoundPeak) < this.cwnd) return "none";
    // RFC 5681 §3.1 slow start, with L = 2*SMSS (RFC 3465).
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(s.acked, 2 * s.mss);
    else this.avoid(s);
    return "none";
  }

  /** RFC 5681 §3.1 congestion avoidance: one SMSS per cwnd of bytes acknowledged. */
  protected avoid(s: AckSample): void {
    this.#avoidBytes += s.acked;
    if (this.#avoidBytes >= this.cwnd) {
      this.#avoidBytes -= this.cwnd;
      this.cwnd += s.mss;
    }
  }

  /** A congestion event (fast retransmit, SACK loss, timeout): returns the new ssthresh, RFC 5681 §3.1 equation (4). */
  protected congestionEvent(flight: number, mss: number): number {
    return Math.max(Math.floor(flight / 2), 2 * mss);
  }

  onDuplicateAck(s: AckSample): CongestionAction {
    if (this.inRecovery) {
      // RFC 6582 §3.2 step 4: inflate by one SMSS per further duplicate.
      this.cwnd += s.mss;
      return "none";
    }
    this.#dupAcks++;
    if (this.#dupAcks !== 3) return "none";
    // RFC 6582 §3.2 step 2: only start a new recovery if this loss is past the previous one's recover point.
    if (!seqGt(s.ack, this.#recover)) return "none";
    this.ssthresh = this.congestionEvent(s.flight, s.mss);
    this.#reduced = true;
    this.#recover = s.sndMax;
    this.cwnd = this.ssthresh + 3 * s.mss;
    this.inRecovery = true;
    this.partialAcks = 0;
    return "retransmit";
  }

  onTimeout(flight: number, mss: number, sndMax: number): void {
    // RFC 5681 §3.1 equation (4), then cwnd = LW = 1 SMSS; RFC 6582 §3.2 step 1 moves recover past it all.
    // A timeout before SND.UNA passes `recover` is the same congestion event as the recovery (or the
    // timeout) that set it: ssthresh was already cut for that window and is held (RFC 5681 §3.1 holds it
    // for a segment the timer resends again; Linux's tcp_enter_loss keeps it while recovery is open).
    // Recomputing it would take FlightSize as it stands now, swollen by what recovery sent past the losses
    // (3.4 path capacities on a 50 ms path overshot by slow start), and the slow start that follows would
    // overshoot again.
    const sndUna = seqAdd(sndMax, -flight);
    if (!this.#reduced || !seqLt(sndUna, this.#recover)) this.ssthresh = this.congestionEvent(flight, mss);
    this.#reduced = true;
    this.#recover = sndMax;
    this.cwnd = mss;
    this.inRecovery = false;
    this.#dupAcks = 0;
    this.#avoidBytes = 0;
  }

  onLoss(flight: number, mss: number, sndMax: number): void {
    // RFC 6675 §5 step 4.2: ssthresh per RFC 5681 equation (4), cwnd = ssthresh.
    this.#recover = sndMax;
    this.#reduced = true;
    this.ssthresh = this.congestionEvent(flight, mss);
    this.cwnd = this.ssthresh;
    this.#dupAcks = 0;
    this.#avoidBytes = 0;
  }

  onIdle(restartWindow: number): void {
    if (this.cwnd > restartWindow) this.cwnd = restartWindow;
  }
}
