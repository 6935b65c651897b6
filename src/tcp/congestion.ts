/**
 * The congestion-control interface: it only sizes the window. Loss recovery (loss-recovery.ts) decides what
 * to resend and reports the events (a loss found, a timeout); the algorithm answers with ssthresh and cwnd,
 * and grows cwnd on the ACKs recovery leaves to it. NewReno (newreno.ts) and CUBIC (cubic.ts) implement it.
 * During a recovery, the recovery itself steers cwnd (RFC 6582's inflation, RFC 6675's cwnd = ssthresh).
 */
export interface AckSample {
  /** Bytes newly acknowledged by this ACK (SND.UNA moved by this much). */
  acked: number;
  /** The cumulative ACK carried. */
  ack: number;
  /** Bytes outstanding before this ACK. */
  flight: number;
  /** Highest sequence number sent so far. */
  sndMax: number;
  mss: number;
  /** The clock (ms) and the smoothed RTT (ms, 0 before the first sample), for time-based growth (CUBIC). */
  now: number;
  srtt: number;
  /** The RTT sample (ms) this ACK gave, 0 when none (HyStart++ watches the round's minimum). */
  rtt?: number;
}

export interface CongestionControl {
  readonly name: string;
  cwnd: number;
  ssthresh: number;
  /** SND.UNA advanced outside recovery: slow start or congestion avoidance. */
  onAck(s: AckSample): void;
  /** Recovery found a loss with `flight` bytes outstanding: cut ssthresh (RFC 5681 eq. (4), CUBIC §4.6), cwnd = ssthresh. */
  onLoss(flight: number, mss: number): void;
  /**
   * The retransmission timer expired: cwnd = 1 SMSS (RFC 5681 §3.1). `sameEvent` when the loss is the one
   * recovery (or the last timeout) already cut ssthresh for: it is held, not cut again.
   */
  onTimeout(flight: number, mss: number, sameEvent: boolean): void;
  /** The loss recovery reported was spurious (recovery-undo.ts): back to the window before it. */
  onUndo(priorCwnd: number, priorSsthresh: number): void;
  /** RFC 5681 §4.1: after an idle period of at least one RTO, cwnd restarts from at most `restartWindow`. */
  onIdle(restartWindow: number): void;
}

/** RFC 6928 initial window: min(10*MSS, max(2*MSS, 14600)). */
export function initialWindow(mss: number): number {
  return Math.min(10 * mss, Math.max(2 * mss, 14600));
}
