import { initialWindow, type AckSample, type CongestionControl } from "./congestion.js";
import { seqGe } from "../wire/seq.js";
import { HyStartPlusPlus } from "./hystart.js";

/**
 * L, the most one ACK adds to cwnd in slow start, in SMSS. RFC 9406 §4.3 recommends 8 for a sender that does
 * not pace, as this one does not, while HyStart++ runs (the first slow start): a receiver that acknowledges
 * a burst at once (GRO, and this stack's own ACK per burst) sends stretch ACKs of 10 and more segments, on
 * which RFC 3465's L = 2 grew cwnd by a fifth per round trip instead of doubling it (1,000 connections over
 * the in-memory link, 12 segments per ACK). The slow starts after a loss or timeout keep RFC 3465's 2.
 */
const HYSTART_LIMIT = 8;
const LIMIT = 2;

/**
 * RFC 5681 slow start and congestion avoidance, and the RFC 5681 §3.1 response to a loss. What to resend
 * (RFC 6582 fast recovery, RFC 6675) is loss recovery's (loss-recovery.ts). CUBIC (cubic.ts) keeps the slow
 * start and replaces the two hooks: how far a loss cuts (`congestionEvent`) and how cwnd grows in congestion
 * avoidance (`avoid`).
 */
export class NewReno implements CongestionControl {
  readonly name: string = "newreno";
  cwnd: number;
  ssthresh = 0x7fffffff;
  /** Byte counter for congestion avoidance (RFC 5681 §3.1, appropriate byte counting). */
  #avoidBytes = 0;
  /**
   * The largest flight of this round trip and of the last one, and the sequence that ends this round: how
   * much of cwnd the sender really used (RFC 7661's pipeACK, measured as Linux's max_packets_out is).
   */
  #roundPeak = 0;
  #lastRoundPeak = 0;
  #roundEnd: number;
  /** RFC 9406 HyStart++ for the first slow start. */
  readonly hystart: HyStartPlusPlus;

  constructor(mss: number, iss: number) {
    this.cwnd = initialWindow(mss);
    this.#roundEnd = iss;
    this.hystart = new HyStartPlusPlus(iss);
  }

  onAck(s: AckSample): void {
    if (seqGe(s.ack, this.#roundEnd)) {
      this.#roundEnd = s.sndMax;
      this.#lastRoundPeak = this.#roundPeak;
      this.#roundPeak = 0;
    }
    if (s.flight > this.#roundPeak) this.#roundPeak = s.flight;
    // RFC 7661 §4.3 (and RFC 9438 §5.8 for CUBIC): cwnd grows only while it is used. A sender held back by
    // the receive window or the application (under half of cwnd in flight through the last round trips, the
    // "non-validated" phase) would otherwise raise cwnd without bound, then burst all of it into the path.
    if (2 * Math.max(this.#roundPeak, this.#lastRoundPeak) < this.cwnd) return;
    if (this.cwnd < this.ssthresh) {
      // RFC 5681 §3.1 slow start, at most L*SMSS per ACK (RFC 3465; RFC 9406 §4.2 under HyStart++), slowed or
      // ended by HyStart++. It runs while cwnd < ssthresh and stops at ssthresh (as Linux's tcp_slow_start):
      // after RFC 6582's deflation to FlightSize + SMSS, or a timeout, cwnd regrows to the ssthresh the loss
      // set, not up to 2 SMSS past it; the overshoot turned NewReno's halving into a cut to 0.63 of cwnd at 1%
      // loss.
      const divisor = this.hystart.onAck(s);
      const limit = (this.hystart.done ? LIMIT : HYSTART_LIMIT) * s.mss;
      if (divisor === 0) this.ssthresh = this.cwnd;
      else this.cwnd = Math.min(this.cwnd + Math.floor(Math.min(s.acked, limit) / divisor), this.ssthresh);
    } else {
      this.avoid(s);
    }
  }

  /** RFC 5681 §3.1 congestion avoidance: one SMSS per cwnd of bytes acknowledged. */
  protected avoid(s: AckSample): void {
    this.#avoidBytes += s.acked;
    if (this.#avoidBytes >= this.cwnd) {
      this.#avoidBytes -= this.cwnd;
      this.cwnd += s.mss;
    }
  }

  /** A congestion event (a loss found, a timeout): returns the new ssthresh, RFC 5681 §3.1 equation (4). */
  protected congestionEvent(flight: number, mss: number): number {
    return Math.max(Math.floor(flight / 2), 2 * mss);
  }

  onLoss(flight: number, mss: number): void {
    this.hystart.done = true;
    this.ssthresh = this.congestionEvent(this.#lossFlight(flight), mss);
    this.cwnd = this.ssthresh;
    this.#avoidBytes = 0;
  }

  /**
   * The flight a loss cuts from: FlightSize, or what the last round trips really had in flight when that was
   * more (at most cwnd). RFC 7661 §4.4 cuts from max(pipeACK, LossFlightSize): a loss found by a tail loss
   * probe, or at the end of a response, sees one or two segments outstanding, and a cut from those would
   * drop ssthresh to 2 segments after a burst the path carried whole.
   */
  #lossFlight(flight: number): number {
    const used = Math.min(Math.max(this.#roundPeak, this.#lastRoundPeak), this.cwnd);
    return Math.max(flight, used);
  }

  onTimeout(flight: number, mss: number, sameEvent: boolean): void {
    // RFC 5681 §3.1 equation (4), then cwnd = LW = 1 SMSS. A timeout within the window a recovery (or a
    // timeout) already cut for holds ssthresh (RFC 5681 §3.1 holds it for a segment the timer resends again;
    // Linux's tcp_enter_loss keeps it while recovery is open). Recomputing it would take FlightSize as it
    // stands now, swollen by what recovery sent past the losses (3.4 path capacities on a 50 ms path
    // overshot by slow start), and the slow start that follows would overshoot again.
    this.hystart.done = true;
    if (!sameEvent) this.ssthresh = this.congestionEvent(flight, mss);
    this.cwnd = mss;
    this.#avoidBytes = 0;
  }

  onUndo(priorCwnd: number, priorSsthresh: number): void {
    // RFC 4015 §3.2 (Linux's tcp_undo_cwnd_reduction): what the loss took back, never less than now.
    if (this.cwnd < priorCwnd) this.cwnd = priorCwnd;
    if (this.ssthresh < priorSsthresh) this.ssthresh = priorSsthresh;
  }

  onIdle(restartWindow: number): void {
    if (this.cwnd > restartWindow) this.cwnd = restartWindow;
  }
}
