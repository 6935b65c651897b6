/**
 * The ceiling a standards-conformant sender can reach under the path suite's random loss: an idealized
 * round-by-round model of a window-based sender in congestion avoidance, to set the engine's goodput
 * against (the Mathis bound is a closed form for one idealized case, periodic loss and Reno; this is the
 * same idea run under the loss the path simulator applies).
 *
 * Each round is one RTT and sends floor(cwnd) segments; each is lost independently with probability p
 * (Bernoulli, as impaired-link.ts drops). What the model grants is what a perfect SACK sender could have:
 * - no timeouts and no spurious retransmission: a loss is found a round after it was sent, at its place in
 *   the flight (when the segment after it is SACKed, RACK with no reordering window), and resent at once;
 * - one cut per window (RFC 6582's recovery point, RFC 6675 / RFC 8985 recovery): every loss among the data
 *   sent before the first one was found shares its cut, a lost retransmission is resent without another;
 * - from where the loss is found the round sends ssthresh per round (RFC 6937 PRR ends at ssthresh);
 * - growth by bytes acknowledged (RFC 3465, as the engine does), so the peer's delayed ACKs do not slow it:
 *   cwnd += alpha * acked / cwnd per round, continuously (RFC 5681 eq. (3): no byte counter to lose at a cut),
 *   for data cumulatively acknowledged outside recovery: not what is only SACKed behind a hole, not what a
 *   recovery's end acknowledges (RFC 5681 §3.1, RFC 6675 §5).
 *
 * Both cut from cwnd, not from the whole segments in flight (Linux's choice; RFC 9438 §4.6 allows it for
 * CUBIC when cwnd cannot grow unused; the FlightSize of RFC 5681 loses the fraction of a segment cwnd holds
 * but the flight does not, 1-2% of goodput at 1% loss). Reno is RFC 5681 (alpha 1, cut to half). CUBIC is RFC 9438: cut to beta = 0.7 (§4.6) with fast
 * convergence (§4.7); cwnd = max(W_cubic, W_est) with W_est growing by alpha = 3(1-beta)/(1+beta) (§4.3)
 * until it passes cwnd_prior, then by 1, and the cubic curve's step toward W_cubic(t + RTT) capped at 1.5
 * cwnd (§4.4, §4.5). It ignores the link rate, as the bound does: valid while cwnd stays under the path's
 * bandwidth-delay product (at 1% loss on the 50 ms / 100 Mbit/s path the window is ~15 segments, the BDP
 * ~430).
 */
import { Prng } from "../../src/link/prng.js";
import { mathisBound } from "./mathis.js";
import { CUBIC_ALPHA, CUBIC_BETA, CUBIC_C } from "../../src/tcp/cubic.js";

export type ModelAlgorithm = "reno" | "cubic";

export interface AimdModelSpec {
  algorithm: ModelAlgorithm;
  /** Payload bytes per segment. */
  mss: number;
  rttMs: number;
  /** Segment loss probability, 0 < p < 1. */
  loss: number;
  /** Rounds (RTTs) measured, after `warmupRounds` that are not. */
  rounds: number;
  warmupRounds?: number;
  seed: number;
  /** Window (segments) the run starts in congestion avoidance from; the warm-up forgets it. */
  initialWindow?: number;
}

export interface AimdModelResult {
  /** Delivered payload (each segment once, retransmissions included) per second, in bit/s. */
  goodputBps: number;
  /** goodputBps over the Mathis bound for the same MSS, RTT and p. */
  vsMathis: number;
  /** Mean cwnd (segments) over the measured rounds. */
  meanWindow: number;
  /** Congestion events (cuts) per measured round. */
  cutsPerRound: number;
}

/** The window's state between rounds: cwnd and the CUBIC variables (unused for Reno). */
interface WindowState {
  cwnd: number;
  wMax: number;
  prior: number;
  /** Rounds since the current epoch began; -1 until the first growth after a cut. */
  epochRounds: number;
  k: number;
  wEst: number;
}

export function aimdModel(spec: AimdModelSpec): AimdModelResult {
  const { loss: p, rounds } = spec;
  if (!(p > 0 && p < 1)) throw new RangeError(`loss rate must be in (0, 1), got ${p}`);
  if (!(spec.mss > 0 && spec.rttMs > 0)) throw new RangeError("mss and rtt must be positive");
  if (!(Number.isInteger(rounds) && rounds > 0))
    throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  const warmup = spec.warmupRounds ?? Math.min(rounds, 10_000);
  const rng = new Prng(spec.seed, 11);
  const w: WindowState = { cwnd: spec.initialWindow ?? 10, wMax: 0, prior: 0, epochRounds: -1, k: 0, wEst: 0 };
  const rttS = spec.rttMs / 1000;
  let owed = 0;
  /** Where in this round the last round's loss is found, as a fraction of the round; -1 when it had none. */
  let found = -1;
  let delivered = 0;
  let windowSum = 0;
  let cuts = 0;
  for (let r = 0; r < warmup + rounds; r++) {
    const measured = r >= warmup;
    if (measured) windowSum += w.cwnd;
    // RFC 5681 eq. (4) floor: never under 2 segments.
    const full = Math.max(2, Math.floor(w.cwnd));
    let sent = full;
    // New segments sent before the loss was found: below the recovery point, so their losses are this
    // episode's, not another cut.
    let covered = 0;
    if (found >= 0) {
      // A loss is found a round after it was sent, when the segment after it is SACKed: up to that point this
      // round sends at the old window; from there PRR (RFC 6937) sends ssthresh per round, and the cut is
      // the one for every loss below the recovery point.
      covered = Math.floor(found * full);
      cut(w, spec.algorithm);
      if (measured) cuts++;
      sent = Math.max(covered + Math.floor((w.cwnd * (full - covered)) / full), 2);
    }
    // This round's order: the covered new segments, the retransmissions owed, then new data.
    const resent = Math.min(owed, sent - covered);
    let got = 0;
    // Growth credit (RFC 5681 §3.1: ACKs of new data, outside recovery): in a cut round only what was sent
    // after the retransmissions, acknowledged once they repaired the hole; and in any round nothing after
    // its own first lost new segment, since that data is only SACKed until the next recovery ends.
    let credit = 0;
    let firstNewLoss = -1;
    for (let i = 0; i < sent; i++) {
      if (!rng.chance(p)) {
        got++;
        if (firstNewLoss < 0 && (found < 0 || i >= covered + resent)) credit++;
        continue;
      }
      owed++;
      if (i >= covered + resent && firstNewLoss < 0) firstNewLoss = i;
    }
    owed -= resent;
    if (measured) delivered += got;
    if (credit > 0) grow(w, spec.algorithm, credit, rttS);
    found = firstNewLoss < 0 ? -1 : firstNewLoss / sent;
  }
  const seconds = rounds * rttS;
  const goodputBps = (delivered * spec.mss * 8) / seconds;
  return {
    goodputBps,
    vsMathis: goodputBps / mathisBound(spec.mss, spec.rttMs, p),
    meanWindow: windowSum / rounds,
    cutsPerRound: cuts / rounds,
  };
}

/** A congestion event: Reno halves (RFC 5681 §3.1), CUBIC cuts to beta with fast convergence (RFC 9438 §4.6-4.7). */
function cut(w: WindowState, algorithm: ModelAlgorithm): void {
  if (algorithm === "reno") {
    w.cwnd = Math.max(w.cwnd / 2, 2);
    return;
  }
  w.wMax = w.cwnd < w.wMax ? (w.cwnd * (1 + CUBIC_BETA)) / 2 : w.cwnd;
  w.prior = w.cwnd;
  w.cwnd = Math.max(w.cwnd * CUBIC_BETA, 2);
  w.epochRounds = -1;
}

/** One round of congestion avoidance that delivered `acked` segments. */
function grow(w: WindowState, algorithm: ModelAlgorithm, acked: number, rttS: number): void {
  const cwnd = w.cwnd;
  if (algorithm === "reno") {
    w.cwnd = cwnd + acked / cwnd;
    return;
  }
  if (w.epochRounds < 0) {
    // §4.2: the epoch starts with the first ACK in congestion avoidance.
    w.epochRounds = 0;
    if (w.wMax < cwnd) w.wMax = cwnd;
    w.k = Math.cbrt((w.wMax - cwnd) / CUBIC_C);
    w.wEst = cwnd;
  }
  const t = w.epochRounds * rttS;
  w.epochRounds++;
  w.wEst += ((w.wEst >= w.prior ? 1 : CUBIC_ALPHA) * acked) / cwnd;
  const wCubic = (x: number) => CUBIC_C * (x - w.k) ** 3 + w.wMax;
  let next: number;
  if (wCubic(t) < w.wEst) {
    next = w.wEst;
  } else {
    const target = Math.min(Math.max(wCubic(t + rttS), cwnd), 1.5 * cwnd);
    next = cwnd + ((target - cwnd) / cwnd) * acked;
  }
  w.cwnd = Math.max(next, cwnd);
}
