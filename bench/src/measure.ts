export interface Rate {
  median: number;
  min: number;
  max: number;
}

export interface MeasureOptions {
  /** Timed runs; the median is the figure. */
  runs: number;
  /** Each run lasts at least this long, so timer resolution and JIT warm-up do not dominate. */
  minMs: number;
}

/**
 * One competitor: a `body(iterations)` doing that many units of work, timed here with a calibrated count,
 * or a `sample()` that times itself (a native subprocess) and returns units per second.
 */
export type Contender = { body: (iterations: number) => void } | { sample: () => number };

/** Rates for a suite's log line, comma-separated, `digits` decimals each. */
export function listRates(values: number[], digits = 2): string {
  return values.map((x) => x.toFixed(digits)).join(", ");
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Milliseconds of CPU time this process has used. Rates are per CPU-second, not per wall-clock second: on
 * a shared machine the wall clock also counts the time other jobs hold the core, which made figures swing
 * 2-3x between runs; CPU time measures the code. (It includes Node's helper threads, e.g. the GC's, which
 * is a real cost of allocating code.) The native reference uses CLOCK_PROCESS_CPUTIME_ID alike.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function calibrate(body: (iterations: number) => void, minMs: number): number {
  let iterations = 1;
  for (;;) {
    const t0 = cpuMs();
    body(iterations);
    const ms = cpuMs() - t0;
    if (ms >= minMs) return iterations;
    iterations = ms < minMs / 16 ? iterations * 8 : Math.ceil((iterations * minMs * 1.1) / Math.max(ms, 0.001));
  }
}

/**
 * Units per CPU-second of each contender. Runs are interleaved (one of each, `runs` times), so a burst of load
 * from other processes on a shared machine hits all of them alike and the ratios stay meaningful.
 */
export function compare<K extends string>(contenders: Record<K, Contender>, o: MeasureOptions): Record<K, Rate> {
  const keys = Object.keys(contenders) as K[];
  const counts = new Map<K, number>();
  for (const k of keys) {
    const c = contenders[k];
    if ("body" in c) counts.set(k, calibrate(c.body, o.minMs));
  }
  const rates = new Map<K, number[]>(keys.map((k) => [k, []]));
  for (let r = 0; r < o.runs; r++) {
    for (const k of keys) {
      const c = contenders[k];
      if ("sample" in c) {
        rates.get(k)!.push(c.sample());
        continue;
      }
      const n = counts.get(k)!;
      const t0 = cpuMs();
      c.body(n);
      rates.get(k)!.push((n * 1000) / (cpuMs() - t0));
    }
  }
  const out = {} as Record<K, Rate>;
  for (const k of keys) {
    const list = rates.get(k)!;
    out[k] = { median: median(list), min: Math.min(...list), max: Math.max(...list) };
  }
  return out;
}
