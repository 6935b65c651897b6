/**
 * RFC 9406 HyStart++: slow start watches each round's minimum RTT, and when it rises by a threshold
 * (min(max(lastRoundMinRTT/8, 4 ms), 16 ms)) over the previous round's, the queue is building: growth
 * slows to a quarter (Conservative Slow Start) for CSS_ROUNDS rounds, then congestion avoidance takes over
 * with ssthresh = cwnd, before the queue overflows. An RTT that falls back below the baseline in CSS means
 * the rise was noise, and slow start resumes. It runs in the first slow start only (§4.3: not after a loss
 * or timeout, when ssthresh already bounds it).
 */
import { seqGe } from "../wire/seq.js";
import type { AckSample } from "./congestion.js";

/** §4.3 constants. */
export const MIN_RTT_THRESH = 4;
export const MAX_RTT_THRESH = 16;
export const MIN_RTT_DIVISOR = 8;
export const N_RTT_SAMPLE = 8;
export const CSS_GROWTH_DIVISOR = 4;
export const CSS_ROUNDS = 5;

/** §4.2: RttThresh = clamp(MIN_RTT_THRESH, lastRoundMinRTT / MIN_RTT_DIVISOR, MAX_RTT_THRESH). */
function rttThresh(minRtt: number): number {
  return Math.max(MIN_RTT_THRESH, Math.min(minRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH));
}

export class HyStartPlusPlus {
  /** The round ends when this is acknowledged (SND.NXT when it began). */
  #windowEnd: number;
  lastRoundMinRtt = Number.POSITIVE_INFINITY;
  currentRoundMinRtt = Number.POSITIVE_INFINITY;
  #samples = 0;
  /** In Conservative Slow Start, since `cssBaselineMinRtt` was measured, for `#cssRounds` rounds. */
  css = false;
  cssBaselineMinRtt = Number.POSITIVE_INFINITY;
  #cssRounds = 0;
  /** A loss or timeout ended it, or CSS handed over to congestion avoidance. */
  done = false;

  constructor(iss: number) {
    this.#windowEnd = iss;
  }

  /**
   * An ACK in slow start. Returns the divisor of slow start's growth: 1 in slow start, CSS_GROWTH_DIVISOR in
   * CSS, and 0 when slow start is over (the caller sets ssthresh = cwnd).
   */
  onAck(s: AckSample): number {
    if (this.done) return 1;
    if (seqGe(s.ack, this.#windowEnd)) {
      // A new round.
      if (this.css && ++this.#cssRounds >= CSS_ROUNDS) {
        this.done = true;
        return 0;
      }
      this.lastRoundMinRtt = this.currentRoundMinRtt;
      this.currentRoundMinRtt = Number.POSITIVE_INFINITY;
      this.#samples = 0;
      this.#windowEnd = s.sndMax;
    }
    const rtt = s.rtt ?? 0;
    if (rtt > 0) {
      if (rtt < this.currentRoundMinRtt) this.currentRoundMinRtt = rtt;
      this.#samples++;
    }
    if (this.#samples >= N_RTT_SAMPLE && this.currentRoundMinRtt !== Number.POSITIVE_INFINITY) {
      if (!this.css) {
        if (this.currentRoundMinRtt >= this.lastRoundMinRtt + rttThresh(this.lastRoundMinRtt)) {
          this.css = true;
          this.cssBaselineMinRtt = this.currentRoundMinRtt;
          this.#cssRounds = 0;
        }
      } else if (this.#cssRounds > 0) {
        // Only later rounds judge the rise. The round CSS began in still acknowledges data sent in bursts
        // before it (no pacing), and behind a burst's queue the bottleneck drains: an RTT at the base
        // returns within that round and would undo every rise at once, until the queue overflows.
        if (this.currentRoundMinRtt < this.cssBaselineMinRtt) {
          // The RTT rise was spurious: back to slow start.
          this.css = false;
          this.cssBaselineMinRtt = Number.POSITIVE_INFINITY;
        } else if (this.currentRoundMinRtt >= this.cssBaselineMinRtt + rttThresh(this.cssBaselineMinRtt)) {
          // A second rise as large as the first, over the baseline: the queue grows round over round, no
          // noise. The remaining CSS rounds (a quarter of slow start's growth each, 3x in all) would fill a
          // one-BDP buffer twice over; slow start ends here as RFC 9406 §4.2 ends it after CSS_ROUNDS.
          this.done = true;
          return 0;
        }
      }
    }
    return this.css ? CSS_GROWTH_DIVISOR : 1;
  }
}
