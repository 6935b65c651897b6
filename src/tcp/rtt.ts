/**
 * RFC 6298 retransmission timeout: SRTT/RTTVAR smoothing (alpha 1/8, beta 1/4, K 4), clamping to
 * [minRto, maxRto], and exponential backoff; and the one segment being timed (§3). Karn's rule lives
 * with the caller, which never samples a retransmitted segment.
 */
export class RttEstimator {
  // NaN until the first sample: a field that holds only numbers keeps them as doubles in place, where one
  // that also holds undefined boxes every new value (two heap numbers per ACK in a bulk flow).
  #srtt = Number.NaN;
  #rttvar = Number.NaN;
  /** The smoothed RTT (ms), undefined before the first sample. */
  get srtt(): number | undefined {
    const v = this.#srtt;
    return Number.isNaN(v) ? undefined : v;
  }
  /** The RTT variation (ms), undefined before the first sample. */
  get rttvar(): number | undefined {
    const v = this.#rttvar;
    return Number.isNaN(v) ? undefined : v;
  }
  /** One segment at a time is timed: its ACK must reach `timedSeq`; it went out at `timedAt`. */
  timing = false;
  // -0, not 0: stored as doubles from the start, as a sequence number, a clock reading and a sample will
  // be, so none changes the estimator's shape later (see ControlBlock).
  timedSeq = -0;
  timedAt = -0;
  /** The latest sample (ms), and how many were taken: an ACK that measured leaves `samples` changed. */
  latest = -0;
  samples = 0;
  #base: number;
  #backoff = 0;
  #rto: number;
  readonly #min: number;
  readonly #max: number;

  constructor(initialRto: number, minRto: number, maxRto: number) {
    this.#base = initialRto;
    this.#min = minRto;
    this.#max = maxRto;
    this.#rto = Math.min(maxRto, initialRto);
  }

  get rto(): number {
    return this.#rto;
  }

  #update(): void {
    this.#rto = Math.min(this.#max, this.#base * 2 ** this.#backoff);
  }

  /**
   * RFC 6298 §2.2 and §2.3. A new sample also ends any backoff (§5.7 takes the new RTO). `perRtt` is how
   * many samples arrive per round trip: with timestamps every ACK gives one, and RFC 7323 Appendix G divides
   * the gains by that so the history RTTVAR keeps still spans about one RTT.
   */
  sample(r: number, perRtt = 1): void {
    this.latest = r;
    this.samples++;
    // The first sample (§2.2: SRTT R, RTTVAR R/2) is the general update with gains 1 and 0 from those
    // values, so it runs no code of its own: a path each connection takes once, at its start, is one V8
    // optimizes without having seen it run, and the next connection's first sample would deoptimize it.
    const first = Number.isNaN(this.#srtt) || Number.isNaN(this.#rttvar);
    const srtt = first ? r : this.#srtt;
    const rttvar = first ? r / 2 : this.#rttvar;
    const beta = first ? 0 : 0.25 / perRtt;
    const alpha = first ? 1 : 0.125 / perRtt;
    this.#rttvar = (1 - beta) * rttvar + beta * Math.abs(srtt - r);
    this.#srtt = (1 - alpha) * srtt + alpha * r;
    // G (clock granularity) is taken as 1 ms.
    this.#base = Math.min(this.#max, Math.max(this.#min, this.#srtt + Math.max(1, 4 * this.#rttvar)));
    this.#backoff = 0;
    this.#update();
  }

  /** How many times the RTO has doubled since the last sample (events report it). */
  get backoffs(): number {
    return this.#backoff;
  }

  /** RFC 6298 §5.5: double the RTO on expiry. */
  backoff(): void {
    if (this.rto < this.#max) this.#backoff++;
    this.#update();
  }

  /** Timeouts that were not losses (zero-window probes) leave no backoff behind. */
  resetBackoff(): void {
    this.#backoff = 0;
    this.#update();
  }

  /** RFC 6298 §5.7: after the SYN's timer expired, data starts from a 3 s RTO if no sample was taken. */
  resetAfterSynTimeout(): void {
    if (this.srtt === undefined) this.#base = Math.max(this.#base, 3000);
    this.#backoff = 0;
    this.#update();
  }
}
