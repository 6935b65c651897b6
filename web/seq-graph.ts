/**
 * The time-sequence graph, as tcptrace draws it: each data segment the client sends is a vertical tick from
 * its first to its last sequence offset (red when it resends bytes), the ACKs the client gets back are a
 * green step line and the receiver's right window edge a grey one. Below, on the same time axis, the
 * congestion window and slow-start threshold.
 */
import type { AckSample, CwndSample, SentSegment } from "./messages.js";
import { bytesScale, linear, round } from "./svg.js";

export interface SeqGraphData {
  t0: number;
  segments: readonly SentSegment[];
  acks: readonly AckSample[];
  cwnd: readonly CwndSample[];
  /** Bytes the transfer will send, so the axis does not rescale as it grows. */
  total: number;
}

const W = 1100;
const LEFT = 78;
const RIGHT = 20;
const SEQ_TOP = 16;
const SEQ_BOTTOM = 300;
const CWND_TOP = 340;
const CWND_BOTTOM = 440;
const H = 476;

export function seqGraphSvg(d: SeqGraphData): string {
  const last = Math.max(d.segments.at(-1)?.t ?? d.t0, d.acks.at(-1)?.t ?? d.t0, d.cwnd.at(-1)?.t ?? d.t0);
  const x = linear(Math.max(0.1, (last - d.t0) / 1000), LEFT, W - RIGHT, 10);
  const tx = (t: number) => round(x((t - d.t0) / 1000));
  const maxSeq = Math.max(d.total, ...d.acks.slice(-1).map((a) => a.windowEdge));
  const y = bytesScale(maxSeq, SEQ_BOTTOM, SEQ_TOP, 6);
  const maxCwnd = d.cwnd.reduce(
    (m, c) => Math.max(m, c.cwnd, Number.isFinite(c.ssthresh) && c.ssthresh < 1 << 30 ? c.ssthresh : 0),
    1,
  );
  const yc = bytesScale(maxCwnd, CWND_BOTTOM, CWND_TOP, 3);

  let sent = "";
  let resent = "";
  for (const s of d.segments) {
    // A segment is a fraction of a pixel tall at this scale: draw at least a visible tick around its middle.
    const mid = (y(s.start) + y(s.end)) / 2;
    const half = Math.max(Math.abs(y(s.start) - y(s.end)) / 2, s.retransmit ? 5 : 2.5);
    const tick = `M${tx(s.t)} ${round(mid + half)}V${round(mid - half)}`;
    if (s.retransmit) resent += tick;
    else sent += tick;
  }
  const ackLine = step(d.acks, (a) => y(a.ack), tx);
  const windowLine = step(d.acks, (a) => y(a.windowEdge), tx);
  const cwndLine = step(d.cwnd, (c) => yc(c.cwnd), tx);
  const ssthreshLine = step(
    d.cwnd.filter((c) => c.ssthresh < 1 << 30),
    (c) => yc(Math.min(c.ssthresh, maxCwnd)),
    tx,
  );

  const grid: string[] = [];
  for (const v of x.ticks) {
    grid.push(`<line class="grid" x1="${round(x(v))}" x2="${round(x(v))}" y1="${SEQ_TOP}" y2="${CWND_BOTTOM}"/>`);
    grid.push(
      `<text class="tick" x="${round(x(v))}" y="${CWND_BOTTOM + 18}" text-anchor="middle">${+v.toFixed(2)} s</text>`,
    );
  }
  for (const v of y.ticks) {
    grid.push(`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${round(y(v))}" y2="${round(y(v))}"/>`);
    grid.push(`<text class="tick" x="${LEFT - 8}" y="${round(y(v)) + 4}" text-anchor="end">${y.label(v)}</text>`);
  }
  for (const v of yc.ticks) {
    grid.push(`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${round(yc(v))}" y2="${round(yc(v))}"/>`);
    grid.push(`<text class="tick" x="${LEFT - 8}" y="${round(yc(v)) + 4}" text-anchor="end">${yc.label(v)}</text>`);
  }

  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="time-sequence graph">
  ${grid.join("")}
  <text class="axis-title" x="${LEFT}" y="${SEQ_TOP - 4}">sequence offset</text>
  <text class="axis-title" x="${LEFT}" y="${CWND_TOP - 6}">congestion window</text>
  <path class="window" d="${windowLine}"/>
  <path class="ack" d="${ackLine}"/>
  <path class="seg" d="${sent}"/>
  <path class="reseg" d="${resent}"/>
  <path class="ssthresh" d="${ssthreshLine}"/>
  <path class="cwnd" d="${cwndLine}"/>
</svg>`;
}

/** A step line through the points: the value holds until the next sample. */
function step<T extends { t: number }>(points: readonly T[], y: (p: T) => number, tx: (t: number) => string): string {
  let d = "";
  for (const p of points) d += d === "" ? `M${tx(p.t)} ${round(y(p))}` : `H${tx(p.t)}V${round(y(p))}`;
  return d;
}
