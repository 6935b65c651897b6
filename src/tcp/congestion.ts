/**
 * The congestion-control interface the engine drives. The engine reports what the ACK stream says; the
 * algorithm owns cwnd, ssthresh and its recovery state, and answers whether to retransmit now. NewReno
 * (newreno.ts) and CUBIC (cubic.ts) implement it. With SACK, RFC 6675 recovery (sack-recovery.ts) decides
 * what to resend and tells the algorithm of the loss through `onLoss`.
 */
export interface AckSample {
  /** Bytes newly acknowledged by this ACK (SND.UNA moved by this much). */
  acked: number;
  /** The cumulative ACK carried. */
  ack: number;
  /** Bytes outstanding before this ACK. */
  flight: number;
  /** Highest sequence number sent so far (RFC 6582 "recover" is taken from it). */
  sndMax: number;
  mss: number;
  /** The clock (ms) and the smoothed RTT (ms, 0 before the first sample), for time-based growth (CUBIC). */
  now: number;
  srtt: number;
}

export type CongestionAction = "none" | "retransmit";

export interface CongestionControl {
  readonly name: string;
  readonly cwnd: number;
  readonly ssthresh: number;
  readonly inRecovery: boolean;
  /** Partial ACKs so far in the current fast recovery (RFC 6582 §3.2 step 5 restarts the timer on the first only). */
  readonly partialAcks: number;
  /** Duplicate ACKs since SND.UNA last advanced (RFC 3042 Limited Transmit acts on the first two). */
  readonly duplicateAcks: number;
  /** SND.UNA advanced. "retransmit" asks to resend the segment at the new SND.UNA (a partial ACK). */
  onAck(s: AckSample): CongestionAction;
  /** A duplicate ACK per RFC 5681 §2. "retransmit" asks for a fast retransmit of SND.UNA. */
  onDuplicateAck(s: AckSample): CongestionAction;
  /** The retransmission timer expired with `flight` bytes outstanding and `sndMax` the highest sent. */
  onTimeout(flight: number, mss: number, sndMax: number): void;
  /**
   * SACK-based recovery (RFC 6675 §5 step 4.2) found a loss: reduce ssthresh and set cwnd to it. Further ACKs
   * go to `onAck` only after that recovery ends.
   */
  onLoss(flight: number, mss: number, sndMax: number): void;
  /** RFC 5681 §4.1: after an idle period of at least one RTO, cwnd restarts from at most `restartWindow`. */
  onIdle(restartWindow: number): void;
}

/** RFC 6928 initial window: min(10*MSS, max(2*MSS, 14600)). */
export function initialWindow(mss: number): number {
  return Math.min(10 * mss, Math.max(2 * mss, 14600));
}
