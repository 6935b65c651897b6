/**
 * Hand-written SVG charts for the benchmark results: one or more panels stacked over a shared x axis,
 * linear or logarithmic axes, and a legend beside the plot. A log x axis may keep a separate strip at its
 * left for x = 0 (a loss rate of zero has no place on a log scale but belongs on the chart).
 */

export interface Axis {
  label: string;
  min: number;
  max: number;
  log?: boolean;
  /** Log axes only: draw x = 0 in a strip left of `min`, set off by a break mark. */
  zeroStrip?: boolean;
  /** Tick label text (default: a short number). */
  format?: (v: number) => string;
}

export interface Point {
  x: number;
  y: number;
  /** `bars` only: the other end of the vertical bar. */
  y2?: number;
}

export interface Series {
  name: string;
  color: string;
  kind: "line" | "step" | "markers" | "bars";
  points: readonly Point[];
  dash?: string;
  width?: number;
  /** Also mark each point of a line (a circle). */
  marks?: boolean;
  /** Leave out of the legend (a companion of another series, e.g. its spread). */
  hideInLegend?: boolean;
}

export interface Panel {
  y: Axis;
  series: Series[];
  height: number;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  width: number;
  x: Axis;
  panels: Panel[];
}

const MARGIN = { left: 78, top: 62, gap: 34, bottom: 58 };
const ZERO_STRIP = 56;

type Scale = (v: number) => number;

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

/** The short number a tick shows: 0.001 -> "0.001", 2500 -> "2500", 1e6 -> "1e6". */
export function shortNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(0).replace("+", "");
  return Number(v.toPrecision(6)).toString();
}

/** Ticks: 1-2-5 steps on a linear axis; 1, 2 and 5 times each power of ten on a log axis. */
export function ticks(axis: Axis, approx = 6): number[] {
  const { min, max } = axis;
  if (axis.log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  }
  const raw = (max - min) / approx;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Maps data values on `axis` to pixels between `lo` and `hi` (either order). */
export function scaleFor(axis: Axis, lo: number, hi: number): Scale {
  if (axis.log) {
    if (!(axis.min > 0)) throw new RangeError(`log axis ${axis.label} needs min > 0`);
    const start = axis.zeroStrip ? lo + Math.sign(hi - lo) * ZERO_STRIP : lo;
    const a = Math.log10(axis.min);
    const span = Math.log10(axis.max) - a;
    return (v) =>
      v <= 0 ? (axis.zeroStrip ? lo + (start - lo) / 2 : lo) : start + ((Math.log10(v) - a) / span) * (hi - start);
  }
  const span = axis.max - axis.min;
  return (v) => lo + ((v - axis.min) / span) * (hi - lo);
}

function seriesSvg(s: Series, sx: Scale, sy: Scale): string {
  const stroke = `stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}`;
  const pts = s.points;
  if (pts.length === 0) return "";
  if (s.kind === "bars") {
    const d = pts.map((p) => `M${n(sx(p.x))} ${n(sy(p.y))}V${n(sy(p.y2 ?? p.y))}`).join("");
    return `<path d="${d}" fill="none" ${stroke}/>`;
  }
  if (s.kind === "markers") {
    const r = (s.width ?? 2) + 1;
    return pts.map((p) => `<circle cx="${n(sx(p.x))}" cy="${n(sy(p.y))}" r="${r}" fill="${s.color}"/>`).join("");
  }
  let d = `M${n(sx(pts[0].x))} ${n(sy(pts[0].y))}`;
  for (let i = 1; i < pts.length; i++) {
    d += s.kind === "step" ? `H${n(sx(pts[i].x))}V${n(sy(pts[i].y))}` : `L${n(sx(pts[i].x))} ${n(sy(pts[i].y))}`;
  }
  const marks = s.marks
    ? pts.map((p) => `<circle cx="${n(sx(p.x))}" cy="${n(sy(p.y))}" r="4" fill="${s.color}"/>`).join("")
    : "";
  return `<path d="${d}" fill="none" stroke-linejoin="round" ${stroke}/>${marks}`;
}

function legendSvg(series: Series[], x: number, y: number): string {
  return series
    .filter((s) => !s.hideInLegend)
    .map((s, i) => {
      const top = y + i * 22;
      const sample =
        s.kind === "markers"
          ? `<circle cx="${x + 14}" cy="${top}" r="4" fill="${s.color}"/>`
          : `<line x1="${x}" y1="${top}" x2="${x + 28}" y2="${top}" stroke="${s.color}" stroke-width="${Math.max(2, s.width ?? 2)}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`;
      return `${sample}<text x="${x + 36}" y="${top + 4}" font-size="13">${escapeXml(s.name)}</text>`;
    })
    .join("");
}

/** The whole chart as an SVG document. */
export function renderChart(spec: ChartSpec): string {
  const plotLeft = MARGIN.left;
  // Room for the widest legend entry (13 px text, about 7 px a character).
  const longest = Math.max(
    0,
    ...spec.panels.flatMap((p) => p.series.filter((s) => !s.hideInLegend).map((s) => s.name.length)),
  );
  const plotRight = spec.width - (60 + 7 * longest);
  const sx = scaleFor(spec.x, plotLeft, plotRight);
  const height =
    MARGIN.top + spec.panels.reduce((h, p) => h + p.height, 0) + MARGIN.gap * (spec.panels.length - 1) + MARGIN.bottom;
  const fmtX = spec.x.format ?? shortNumber;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${height}" viewBox="0 0 ${spec.width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${plotLeft}" y="24" font-size="17" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  if (spec.subtitle)
    parts.push(`<text x="${plotLeft}" y="44" font-size="12" fill="#444">${escapeXml(spec.subtitle)}</text>`);
  let top = MARGIN.top;
  spec.panels.forEach((panel, index) => {
    const bottom = top + panel.height;
    const sy = scaleFor(panel.y, bottom, top);
    const fmtY = panel.y.format ?? shortNumber;
    const clip = `clip${index}`;
    parts.push(
      `<clipPath id="${clip}"><rect x="${plotLeft}" y="${top}" width="${plotRight - plotLeft}" height="${panel.height}"/></clipPath>`,
    );
    parts.push(
      `<rect x="${plotLeft}" y="${top}" width="${plotRight - plotLeft}" height="${panel.height}" fill="#fbfbfb" stroke="#888"/>`,
    );
    for (const t of ticks(panel.y)) {
      const y = n(sy(t));
      parts.push(`<line x1="${plotLeft}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="#e2e2e2"/>`);
      parts.push(
        `<text x="${plotLeft - 6}" y="${y}" font-size="12" text-anchor="end" dominant-baseline="middle">${escapeXml(fmtY(t))}</text>`,
      );
    }
    // A tick label too close to the zero strip's would overprint it.
    const xTicks = spec.x.zeroStrip ? [0, ...ticks(spec.x).filter((t) => sx(t) - sx(0) > 40)] : ticks(spec.x);
    for (const t of xTicks) {
      const x = n(sx(t));
      parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#e2e2e2"/>`);
      if (index === spec.panels.length - 1) {
        parts.push(
          `<text x="${x}" y="${bottom + 18}" font-size="12" text-anchor="middle">${escapeXml(fmtX(t))}</text>`,
        );
      }
    }
    if (spec.x.zeroStrip) {
      const bx = plotLeft + ZERO_STRIP;
      parts.push(`<line x1="${bx}" y1="${top}" x2="${bx}" y2="${bottom}" stroke="#888" stroke-dasharray="4 3"/>`);
      parts.push(`<text x="${bx}" y="${bottom + 4}" font-size="14" text-anchor="middle" fill="#888">//</text>`);
    }
    const cy = (top + bottom) / 2;
    parts.push(
      `<text x="18" y="${cy}" font-size="13" text-anchor="middle" transform="rotate(-90 18 ${cy})">${escapeXml(panel.y.label)}</text>`,
    );
    parts.push(`<g clip-path="url(#${clip})">${panel.series.map((s) => seriesSvg(s, sx, sy)).join("")}</g>`);
    parts.push(legendSvg(panel.series, plotRight + 16, top + 12));
    top = bottom + MARGIN.gap;
  });
  const axisY = top - MARGIN.gap + 42;
  parts.push(
    `<text x="${(plotLeft + plotRight) / 2}" y="${axisY}" font-size="13" text-anchor="middle">${escapeXml(spec.x.label)}</text>`,
  );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
