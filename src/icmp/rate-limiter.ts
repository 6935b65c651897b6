import type { Clock } from "../clock/clock.js";

/**
 * A token bucket: `rate` events a second on average, up to `burst` at once (RFC 1812 §4.3.2.8 asks
 * for ICMP to be rate-limited; Linux's icmp_ratelimit is such a bucket).
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(clock: Clock, rate: number, burst: number) {
    if (!(rate > 0) || !(burst >= 1)) throw new RangeError(`rate must be > 0 and burst >= 1, got ${rate}, ${burst}`);
    this.#clock = clock;
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#at = clock.now();
  }

  /** Takes a token when one is there: true when the event may happen now. */
  allow(): boolean {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) * this.#rate) / 1000);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
