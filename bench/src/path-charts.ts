/** The path suite's two charts, built on svg-chart.ts: goodput against loss, and a time-sequence graph. */
import type { Variant } from "./engine-features.js";
import { mathisBound } from "./mathis.js";
import type { Trace } from "./path-sim.js";
import { renderChart, type Point, type Series } from "./svg-chart.js";

export interface GoodputLine {
  variant: Variant;
  /** Median, lowest and highest goodput over the seeds per loss rate; null when the engine cannot run the variant. */
  points: { loss: number; mbps: number; min: number; max: number }[] | null;
}

export interface GoodputChartInput {
  lines: GoodputLine[];
  mss: number;
  rttMs: number;
  bandwidthBps: number;
  /** No window scale: the window, not the path, caps goodput at 65535 bytes per RTT. */
  windowLimited: boolean;
  setting: string;
}

const COLORS: Record<string, string> = {
  newreno: "#1f5fbf",
  "newreno+sack": "#12a4b8",
  cubic: "#c8262b",
  "cubic+sack": "#f08a0c",
  "cubic+sack-rfc6675": "#7a3fb0",
};

const LOSS_MIN = 0.0005;
const LOSS_MAX = 0.1;

/** Round down to 1, 2 or 5 times a power of ten. */
function floor125(v: number): number {
  const e = 10 ** Math.floor(Math.log10(v));
  return [5, 2, 1].map((m) => m * e).find((x) => x <= v) ?? e;
}

export function goodputChart(input: GoodputChartInput): string {
  const { mss, rttMs } = input;
  const mathis: Point[] = [];
  for (let i = 0; i <= 60; i++) {
    const p = LOSS_MIN * (LOSS_MAX / LOSS_MIN) ** (i / 60);
    mathis.push({ x: p, y: mathisBound(mss, rttMs, p) / 1e6 });
  }
  const measured = input.lines.flatMap((l) => (l.points ?? []).map((p) => p.min)).filter((v) => v > 0);
  const yMin = floor125(Math.min(...measured, mathis.at(-1)!.y) / 1.3);
  const yMax = (input.bandwidthBps / 1e6) * 2;
  const flat = (y: number): Point[] => [
    { x: 0, y },
    { x: LOSS_MAX, y },
  ];
  const series: Series[] = input.lines.map((l) => ({
    name: l.points === null ? `${l.variant.name}: not available` : l.variant.name,
    color: l.points === null ? "#bbbbbb" : (COLORS[l.variant.name] ?? "#555"),
    kind: "line",
    marks: true,
    width: 2.5,
    dash: l.variant.sack ? "7 4" : undefined,
    points: (l.points ?? []).map((p) => ({ x: p.loss, y: Math.max(p.mbps, yMin) })),
  }));
  // The spread over seeds, as a bar from the lowest to the highest run at each loss rate, each variant's
  // nudged sideways (a few percent on the log axis) so overlapping spreads stay apart.
  input.lines.forEach((l, k) => {
    if (l.points === null) return;
    const nudge = 1.05 ** (k - (input.lines.length - 1) / 2);
    const points = l.points.map((p) => ({ x: p.loss * nudge, y: Math.max(p.min, yMin), y2: Math.max(p.max, yMin) }));
    series.push({
      name: `${l.variant.name} spread`,
      color: COLORS[l.variant.name] ?? "#555",
      kind: "bars",
      width: 4,
      points,
      hideInLegend: true,
    });
  });
  series.push({ name: "Mathis bound (Reno)", color: "#111", kind: "line", width: 1.5, dash: "2 3", points: mathis });
  series.push({
    name: `link rate ${input.bandwidthBps / 1e6} Mbit/s`,
    color: "#999",
    kind: "line",
    width: 1,
    dash: "8 3",
    points: flat(input.bandwidthBps / 1e6),
  });
  if (input.windowLimited) {
    series.push({
      name: "64 KiB window / RTT",
      color: "#7a4fb0",
      kind: "line",
      width: 1,
      dash: "8 3",
      points: flat((65535 * 8) / rttMs / 1000),
    });
  }
  return renderChart({
    title: "Goodput against random loss",
    subtitle: `${input.setting}. Lines join medians; bars span the seeds. Mathis: MSS/RTT x sqrt(3/2)/sqrt(p).`,
    width: 980,
    x: {
      label: "data segment loss rate (log scale; 0 at left)",
      min: LOSS_MIN,
      max: LOSS_MAX,
      log: true,
      zeroStrip: true,
      format: (v) => `${Number((v * 100).toPrecision(3))}%`,
    },
    panels: [{ y: { label: "goodput, Mbit/s (log scale)", min: yMin, max: yMax, log: true }, series, height: 460 }],
  });
}

export interface TimeSequenceInput {
  trace: Trace;
  title: string;
  setting: string;
}

export function timeSequenceChart(input: TimeSequenceInput): string {
  const { segments, acks, cwnd } = input.trace;
  const MB = 1e6;
  const end = Math.max(segments.at(-1)?.t ?? 0, acks.at(-1)?.t ?? 0, 1) / 1000;
  const top = Math.max(1, ...segments.map((s) => s.seq + s.len)) / MB;
  const bar = (s: { t: number; seq: number; len: number }): Point => ({
    x: s.t / 1000,
    y: s.seq / MB,
    y2: (s.seq + s.len) / MB,
  });
  const sacks: Point[] = acks.flatMap((a) => a.sack.map((b) => ({ x: a.t / 1000, y: b.left / MB, y2: b.right / MB })));
  const maxCwnd = Math.max(1, ...cwnd.map((c) => c.cwnd)) / 1024;
  const cwndPoints = cwnd.map((c) => ({ x: c.t / 1000, y: c.cwnd / 1024 }));
  // ssthresh starts "infinite"; draw it once it means something.
  const ssthresh = cwnd
    .filter((c) => c.ssthresh / 1024 <= maxCwnd * 4)
    .map((c) => ({ x: c.t / 1000, y: c.ssthresh / 1024 }));
  const last = (pts: Point[]) => (pts.length > 0 ? [...pts, { x: end, y: pts.at(-1)!.y }] : pts);
  // Drawn in this order so the rare events (retransmissions) stay on top of the dense ones.
  const seqSeries: Series[] = [
    {
      name: "data sent",
      color: "#1f5fbf",
      kind: "bars",
      width: 1.5,
      points: segments.filter((s) => !s.retransmit).map(bar),
    },
    {
      name: "cumulative ACK",
      color: "#1a9a3a",
      kind: "step",
      width: 1.5,
      points: last(acks.map((a) => ({ x: a.t / 1000, y: a.ack / MB }))),
    },
  ];
  if (sacks.length > 0)
    seqSeries.push({ name: "SACK blocks", color: "#b58be0", kind: "bars", width: 1, points: sacks });
  seqSeries.push({
    name: "retransmission",
    color: "#d62020",
    kind: "markers",
    width: 2.5,
    points: segments.filter((s) => s.retransmit).map((s) => ({ x: s.t / 1000, y: s.seq / MB })),
  });
  return renderChart({
    title: input.title,
    subtitle: `${input.setting}. Sequence numbers relative to the ISN, as the sender saw them.`,
    width: 1100,
    x: { label: "time since the SYN, s", min: 0, max: end },
    panels: [
      { y: { label: "sequence number, MB", min: 0, max: top * 1.03 }, series: seqSeries, height: 430 },
      {
        y: { label: "KiB", min: 0, max: maxCwnd * 1.1 },
        series: [
          { name: "cwnd", color: "#f08a0c", kind: "step", width: 2, points: last(cwndPoints) },
          { name: "ssthresh", color: "#555", kind: "step", width: 1.5, dash: "6 3", points: last(ssthresh) },
        ],
        height: 180,
      },
    ],
  });
}
