/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32. Small, fast in JS (32-bit
 * integer ops only) and reproducible across engines, which `Math.random` is not: the same seed gives the
 * same impairments on every run, so a failing simulation can be replayed.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** `stream` separates independent generators made from one user seed (one per link direction). */
  constructor(seed: number, stream = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`PRNG seed must be a finite number, got ${seed}`);
    let state = (Math.floor(seed / 0x1_0000_0000) ^ Math.imul(stream, 0x632be5ab)) | 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state ^ (seed >>> 0);
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // The first outputs of sfc32 still correlate with the seed; the reference implementation skips them.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Uniform integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}
