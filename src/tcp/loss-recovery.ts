/**
 * The loss-recovery interface (gVisor's lossRecovery beside its congestionControl; Linux's recovery state
 * machine beside tcp_congestion_ops): which segments are lost, what to resend and when, entering and leaving
 * recovery, and what the retransmission timer does to the scoreboard. Congestion control (congestion.ts)
 * only sizes the window from the events recovery reports. The engine drives a recovery through this
 * interface alone, and a recovery acts on the connection through `RecoverySender` alone.
 */
import type { ControlBlock } from "./tcb.js";
import type { AckSample, CongestionControl } from "./congestion.js";
import type { SegmentHeader } from "./connection.js";

/**
 * What an ACK that advanced SND.UNA leaves to the engine: "grow", outside recovery, lets congestion control
 * grow cwnd; "recovering" keeps cwnd to recovery and restarts the retransmission timer; "recovering-timer-kept"
 * also leaves the timer running (RFC 6582 §4, the Impatient variant).
 */
export type AckVerdict = "grow" | "recovering" | "recovering-timer-kept";

/** Events a recovery reports; `RecoverySender.report` turns them into the counters and events. */
export type RecoveryEvent =
  | "recovery-start"
  | "recovery-end"
  | "lost-retransmission"
  | "loss-probe" // RFC 8985 §7.3: a tail loss probe went out
  | "probe-repaired-loss" // §7.4: the probe repaired a loss; congestion control was told
  | "undo"; // the recovery was spurious and its cut taken back (recovery-undo.ts)

export interface LossRecovery {
  /** The name `TcpConfig.lossRecovery` takes (events carry it). */
  readonly name: string;
  readonly inRecovery: boolean;
  /** Bytes the peer has SACKed above SND.UNA (0 without SACK). */
  readonly sackedBytes: number;
  /** An acceptable ACK, before SND.UNA or the send window moves: record what it reports (its SACK blocks). */
  ackArrived(seg: SegmentHeader): void;
  /** SND.UNA advanced (the TCB already holds the new value). */
  ackAdvanced(s: AckSample): AckVerdict;
  /**
   * An ACK that left SND.UNA where it was with data outstanding; `duplicate` when it is a duplicate ACK as
   * RFC 5681 §2 defines one (no data, no SYN or FIN, the window unchanged).
   */
  ackHeld(s: AckSample, duplicate: boolean): void;
  /** The sender may send now: sends what recovery owns. True when it took the turn from the segmentizer. */
  output(): boolean;
  /** Outside recovery, how many bytes the segmentizer may send from SND.NXT as one segment (SACKed data skipped). */
  sendRoom(): number;
  /** The retransmission timer fired with the peer's window open: end recovery and tell congestion control. */
  timeout(): void;
  /** `sendAt` sent [seq, end) (data or FIN; below SND.MAX it is a retransmission). */
  sent(seq: number, end: number): void;
  /**
   * `sendRun` sent `count` segments of `mss` bytes of new data from `seq` (SND.MAX before them) at one
   * instant, outside recovery: what `sent` does for each of them, with what they share done once.
   */
  sentRun(seq: number, count: number, mss: number): void;
  /** The recovery's own timer (`RecoverySender.setTimer`) fired. */
  timerFired(): void;
}

/** The one narrow way a recovery reaches the connection (recovery-sender.ts implements it). */
export interface RecoverySender {
  readonly tcb: ControlBlock;
  readonly cc: CongestionControl;
  readonly mss: number;
  /**
   * A loss found with `flight` bytes out: congestion control cuts the window (`cc.onLoss`) unless an ECN
   * reduction already answered this window of data (RFC 3168 §6.1.2: one reduction per window, for losses
   * and CE marks alike). False when it did not cut.
   */
  cutWindow(flight: number): boolean;
  /** Resends up to `len` bytes from `seq` (below SND.MAX): a retransmission. */
  resend(seq: number, len: number): void;
  /** One segment of new data (or the FIN) within the peer's window; its sequence length, 0 when none may go. */
  sendNew(): number;
  /** Counters and events for `event` (`bytes`: how much it concerns). */
  report(event: RecoveryEvent, bytes: number): void;
  /** The clock (ms), and SRTT (ms; undefined before the first sample). */
  readonly now: number;
  readonly srtt: number | undefined;
  /** Arms the recovery's own timer `ms` from now, or stops it. */
  setTimer(ms: number): void;
  clearTimer(): void;
  /** Time (ms) until the retransmission timer fires (Infinity when it is stopped); restart it (RFC 6298 §5.3). */
  readonly rtoRemaining: number;
  restartRto(): void;
  /** Our TSval at clock time `ms` (RFC 7323), to compare with an echo; null without timestamps. */
  tsvalAt(ms: number): number | null;
}
