import type { Figure, Target } from "./suite.js";

/** A figure as the runner prints and saves it: its anchor, ratio and the verdict of its targets. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  /** The anchor's value in the same unit, or null for a figure measured against nothing. */
  anchor: number | null;
  anchorName: string | null;
  /** value / anchor. */
  ratio: number | null;
  /** The targets on this figure, as text ("ratio >= 1: bulk ... "), or null. */
  target: string | null;
  /** Whether every target on this figure is met, or null without a target. */
  met: boolean | null;
}

function bound(t: Target): string {
  const parts: string[] = [];
  if (t.atLeast !== undefined) parts.push(`>= ${t.atLeast}`);
  if (t.atMost !== undefined) parts.push(`<= ${t.atMost}`);
  return `${t.on ?? "value"} ${parts.join(" and ")}`;
}

/** Whether `t` holds for `f` (a missing figure, or a ratio target on a figure without anchor, does not). */
export function targetMet(t: Target, f: Figure | undefined): boolean {
  if (f === undefined) return false;
  const x = t.on !== "ratio" ? f.value : f.anchor === undefined ? NaN : f.value / f.anchor.value;
  if (!Number.isFinite(x)) return false;
  return (t.atLeast === undefined || x >= t.atLeast) && (t.atMost === undefined || x <= t.atMost);
}

export function targetText(t: Target): string {
  return `${t.what} (${bound(t)})`;
}

/** The rows of one suite: each figure with its ratio and the verdict of the targets that name it. */
export function rows(figures: Figure[], targets: Target[]): Row[] {
  return figures.map((f) => {
    const mine = targets.filter((t) => t.figure === f.name);
    return {
      name: f.name,
      value: f.value,
      unit: f.unit,
      anchor: f.anchor?.value ?? null,
      anchorName: f.anchor?.name ?? null,
      ratio: f.anchor === undefined ? null : f.value / f.anchor.value,
      target: mine.length === 0 ? null : mine.map(targetText).join("; "),
      met: mine.length === 0 ? null : mine.every((t) => targetMet(t, f)),
    };
  });
}
