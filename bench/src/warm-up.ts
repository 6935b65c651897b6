/**
 * Warm-up until the rate stops climbing. V8 optimizes the engine's hot functions while they run, and any
 * that meets a shape or a path it has not seen yet is deoptimized and compiled again: a fresh process ran
 * its first three 128 MiB transfers at a third to two thirds of the later speed. A native anchor (lwIP)
 * has no JIT, so the fair comparison is the steady state, reached when two runs in a row agree.
 */
export interface WarmUp {
  /** Each warm-up run's rate, in order: the first is the cold one. */
  rates: number[];
  /** Whether the last two agreed within the tolerance (else the cap was hit). */
  steady: boolean;
}

export interface WarmUpOptions {
  /** Runs before agreement counts: the early ones can agree while both are still slow. */
  min: number;
  max: number;
  /** Largest relative difference between two runs in a row that counts as agreement. */
  within: number;
}

export async function warmUntilSteady(run: () => Promise<number>, o: WarmUpOptions): Promise<WarmUp> {
  const rates: number[] = [];
  while (rates.length < o.max) {
    rates.push(await run());
    const n = rates.length;
    const [a, b] = [rates[n - 2], rates[n - 1]];
    if (n >= 2 && n >= o.min && Math.abs(b - a) <= o.within * Math.max(a, b)) return { rates, steady: true };
  }
  return { rates, steady: false };
}
