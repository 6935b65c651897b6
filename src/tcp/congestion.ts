/**
 * The congestion-control interface the engine drives. The engine reports what the ACK stream says; the
 * algorithm owns cwnd, ssthresh and its recovery state, and answers whether to retransmit now. NewReno
 * (newreno.ts) is the one behind it today; CUBIC and SACK-based recovery plug in here later.
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
}

export type CongestionAction = "none" | "retransmit";

export interface CongestionControl {
  readonly name: string;
  readonly cwnd: number;
  readonly ssthresh: number;
  readonly inRecovery: boolean;
  /** SND.UNA advanced. "retransmit" asks to resend the segment at the new SND.UNA (a partial ACK). */
  onAck(s: AckSample): CongestionAction;
  /** A duplicate ACK per RFC 5681 §2. "retransmit" asks for a fast retransmit of SND.UNA. */
  onDuplicateAck(s: AckSample): CongestionAction;
  /** The retransmission timer expired with `flight` bytes outstanding and `sndMax` the highest sent. */
  onTimeout(flight: number, mss: number, sndMax: number): void;
}

/** RFC 5681 §3.1 initial window (the RFC 3390 rule); RFC 6928's IW10 belongs to the options work. */
export function initialWindow(mss: number): number {
  if (mss > 2190) return 2 * mss;
  if (mss > 1095) return 3 * mss;
  return 4 * mss;
}
