/** One figure of a benchmark run; `--json` prints exactly these keys, one object per line. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** A goal a figure must reach; the runner reports each one as met or not met, never hides a miss. */
export interface Target {
  figure: string;
  atLeast: number;
  what: string;
}

export interface BenchOptions {
  /** Fewer and shorter runs, for a smoke check rather than a measurement. */
  quick: boolean;
  /** Progress and notes for the human table (stderr under --json). */
  log(text: string): void;
}

export interface BenchSuite {
  name: string;
  targets: Target[];
  run(options: BenchOptions): Promise<Figure[]>;
}
