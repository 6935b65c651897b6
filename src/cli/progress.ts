import type { EventStream } from "../api/index.js";

/**
 * A one-line progress bar on a terminal (redrawn in place), or a line per quarter when the output is a
 * pipe or a file, so logs stay readable.
 */
export class ProgressBar {
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly #total: number;
  #lastQuarter = -1;
  #drawn = false;

  constructor(out: NodeJS.WritableStream, total: number) {
    this.#out = out;
    this.#total = total;
  }

  update(done: number, detail: string): void {
    const fraction = this.#total === 0 ? 1 : Math.min(1, done / this.#total);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    if (this.#out.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      this.#out.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${percent} ${detail}\x1b[K`);
      this.#drawn = true;
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.#lastQuarter) {
      this.#lastQuarter = quarter;
      this.#out.write(`${percent} ${detail}\n`);
    }
  }

  /** Ends the bar's line so what follows starts on its own. */
  finish(): void {
    if (this.#drawn) this.#out.write("\n");
    this.#drawn = false;
  }
}

/**
 * What loss made a stack's connections do so far, counted from its typed events as they happen: for the
 * progress line ("2 RTO, 5 recoveries").
 */
export class LossTally {
  #rtos = 0;
  #recoveries = 0;

  constructor(events: EventStream) {
    events.on("rto", () => this.#rtos++);
    events.on("recovery", (e) => {
      if (e.phase === "enter") this.#recoveries++;
    });
  }

  toString(): string {
    return `${this.#rtos} RTO, ${this.#recoveries} ${this.#recoveries === 1 ? "recovery" : "recoveries"}`;
  }
}

/** 1536 -> "1.5 KiB", 4194304 -> "4.0 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
