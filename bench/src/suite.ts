/**
 * One figure of a benchmark run. A figure measured against an anchor (native lwIP, Node `net`, the
 * checksum alone, the engine's own figure) carries the anchor's value in the same unit, measured
 * interleaved in the same run: the runner prints and saves the ratio, the only number that means anything
 * across machines of one kind.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  anchor?: Anchor;
}

export interface Anchor {
  /** What the anchor is, e.g. "native lwIP (Debian liblwip 2.1.3)". */
  name: string;
  value: number;
}

/**
 * A goal a figure must reach; the runner reports each one as met or missed, never hides a miss. `on`
 * (default "value") says whether the bound applies to the figure's value or to its ratio against its anchor (a ratio target
 * on a figure without an anchor is missed: "not measured"). A lower figure that is better (bytes, a cost)
 * takes `atMost`.
 */
export interface Target {
  figure: string;
  on?: "value" | "ratio";
  atLeast?: number;
  atMost?: number;
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
