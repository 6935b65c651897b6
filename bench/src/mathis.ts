/**
 * Mathis, Semke, Mahdavi and Ott (1997), "The macroscopic behavior of the TCP congestion avoidance
 * algorithm": a Reno flow losing a fraction p of its segments at random, in congestion avoidance, with no
 * timeouts, averages at most MSS/RTT * C/sqrt(p), with C = sqrt(3/2) when every segment is ACKed (sqrt(3/4)
 * with delayed ACKs, which halve the window's growth). The bound ignores the link's rate: the real ceiling
 * is the smaller of it and the bottleneck.
 */
export const MATHIS_C = Math.sqrt(3 / 2);

/** Goodput bound in bit/s for `mss` payload bytes, `rttMs` round trip and segment loss rate `p` (0 < p <= 1). */
export function mathisBound(mss: number, rttMs: number, p: number, c = MATHIS_C): number {
  if (!(p > 0 && p <= 1)) throw new RangeError(`loss rate must be in (0, 1], got ${p}`);
  if (!(mss > 0 && rttMs > 0)) throw new RangeError("mss and rtt must be positive");
  return ((mss * 8) / (rttMs / 1000)) * (c / Math.sqrt(p));
}
