import type { AckSample } from "./congestion.js";
import { NewReno } from "./newreno.js";

/** RFC 9438 §5.1 and §5.4: C and beta_cubic. */
export const CUBIC_C = 0.4;
export const CUBIC_BETA = 0.7;
/** §4.3: the additive increase that makes the Reno-friendly estimate match Reno's average rate. */
export const CUBIC_ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);

/**
 * RFC 9438 CUBIC: after a congestion event the window follows W_cubic(t) = C*(t-K)^3 + W_max (§4.2), concave
 * up to the last maximum and convex past it, never below the Reno-friendly estimate W_est (§4.3); a loss cuts
 * by beta_cubic = 0.7 (§4.6) and, when it comes below the previous maximum, lowers W_max further (fast
 * convergence, §4.7). Slow start and the response to a timeout are NewReno's (§4.8, §4.10). Windows are in
 * segments, time in seconds, as in the RFC; cwnd itself stays in bytes.
 */
export class Cubic extends NewReno {
  override readonly name: string = "cubic";
  /** W_max: the window (segments) at the last congestion event, as fast convergence left it. */
  wMax = 0;
  /** cwnd_prior: the window (segments) just before the last reduction (§4.3 switches alpha there). */
  prior = 0;
  /** Start of the current congestion-avoidance epoch (clock ms), or -1 before its first ACK. */
  epochStart = -1;
  /** K (seconds) and W_est (segments) of the current epoch. */
  k = 0;
  wEst = 0;
  /** cwnd in segments with its fraction, so growth of less than a byte per ACK is not lost. */
  #segments = 0;

  /** §4.2 equation (1). */
  wCubic(t: number): number {
    return CUBIC_C * (t - this.k) ** 3 + this.wMax;
  }

  protected override congestionEvent(flight: number, mss: number): number {
    const cwnd = this.cwnd / mss;
    // §4.7 fast convergence: a loss below the previous maximum means the share shrank; release more.
    this.wMax = cwnd < this.wMax ? (cwnd * (1 + CUBIC_BETA)) / 2 : cwnd;
    this.prior = cwnd;
    this.epochStart = -1;
    // §4.6: ssthresh = flight_size * beta_cubic, at least 2 segments. §4.6 lets cwnd stand in for
    // flight_size where cwnd cannot grow while unused (here RFC 7661's rule in NewReno.onAck), as Linux's
    // tcp_cubic always takes snd_cwnd. It is taken only when the flight filled cwnd to within a segment
    // (cwnd-limited): the flight is then short of cwnd by the part of a segment cwnd's byte count holds but
    // no full segment fits, and a cut from the flight would drop that part at every loss (2% of goodput at
    // 1% loss, bench/src/aimd-model.ts). An application-limited flight is still cut from itself.
    const base = flight + mss > this.cwnd ? Math.max(flight, this.cwnd) : flight;
    return Math.max(Math.floor(base * CUBIC_BETA), 2 * mss);
  }

  protected override avoid(s: AckSample): void {
    const mss = s.mss;
    const cwnd = Math.floor(this.#segments * mss) === this.cwnd ? this.#segments : this.cwnd / mss;
    if (this.epochStart < 0) {
      // §4.2: a new epoch starts with the first ACK in congestion avoidance; without a loss before it, the
      // current window is the maximum (K = 0).
      this.epochStart = s.now;
      if (this.wMax < cwnd) this.wMax = cwnd;
      this.k = Math.cbrt((this.wMax - cwnd) / CUBIC_C);
      this.wEst = cwnd;
    }
    const t = (s.now - this.epochStart) / 1000;
    const acked = s.acked / mss;
    // §4.3: W_est grows like Reno with alpha_cubic until it passes cwnd_prior, then with 1.
    this.wEst += ((this.wEst >= this.prior ? 1 : CUBIC_ALPHA) * acked) / cwnd;
    let next: number;
    if (this.wCubic(t) < this.wEst) {
      // Reno-friendly region.
      next = this.wEst;
    } else {
      // §4.4 concave and §4.5 convex regions: close (target - cwnd)/cwnd per segment acknowledged, with the
      // target W_cubic(t + RTT) kept within [cwnd, 1.5 cwnd].
      const target = Math.min(Math.max(this.wCubic(t + s.srtt / 1000), cwnd), 1.5 * cwnd);
      next = cwnd + ((target - cwnd) / cwnd) * acked;
    }
    if (next < cwnd) next = cwnd;
    this.#segments = next;
    this.cwnd = Math.floor(next * mss);
  }

  override onIdle(restartWindow: number): void {
    super.onIdle(restartWindow);
    // The time spent idle is not growth time: the cubic curve starts over from the restarted window.
    this.epochStart = -1;
  }
}
