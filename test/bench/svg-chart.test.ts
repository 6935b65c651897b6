import { describe, expect, it } from "vitest";
import { goodputChart, timeSequenceChart } from "../../bench/src/path-charts.js";
import type { Trace } from "../../bench/src/path-sim.js";
import { renderChart, scaleFor, shortNumber, ticks, type ChartSpec } from "../../bench/src/svg-chart.js";

/** Every element opened is closed, in order (a well-formedness check without an XML parser). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

const count = (s: string, needle: RegExp) => s.match(needle)?.length ?? 0;

describe("axes", () => {
  it("puts linear ticks on 1-2-5 steps", () => {
    expect(ticks({ label: "", min: 0, max: 10 })).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks({ label: "", min: 0, max: 4.4 })).toEqual([0, 1, 2, 3, 4]);
    expect(ticks({ label: "", min: 0, max: 0.9 })).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it("puts log ticks at 1, 2 and 5 times each power of ten inside the range", () => {
    expect(ticks({ label: "", min: 0.0005, max: 0.1, log: true })).toEqual([
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
    ]);
    expect(ticks({ label: "", min: 0.3, max: 30, log: true })).toEqual([0.5, 1, 2, 5, 10, 20]);
  });

  it("maps log values by their logarithm, and 0 into the zero strip left of the axis", () => {
    const s = scaleFor({ label: "", min: 1, max: 100, log: true }, 0, 200);
    expect([s(1), s(10), s(100)]).toEqual([0, 100, 200]);
    const z = scaleFor({ label: "", min: 1, max: 100, log: true, zeroStrip: true }, 0, 256);
    expect(z(1)).toBe(56);
    expect(z(100)).toBe(256);
    expect(z(0)).toBe(28);
  });

  it("maps a y axis upwards when given bottom then top", () => {
    const s = scaleFor({ label: "", min: 0, max: 10 }, 400, 100);
    expect([s(0), s(5), s(10)]).toEqual([400, 250, 100]);
  });

  it("writes short tick labels", () => {
    expect([0, 0.001, 2500, 1e6, 0.1 + 0.2].map(shortNumber)).toEqual(["0", "0.001", "2500", "1e6", "0.3"]);
  });
});

describe("renderChart", () => {
  const spec: ChartSpec = {
    title: "A <title> & more",
    width: 800,
    x: { label: "x axis", min: 0, max: 10 },
    panels: [
      {
        y: { label: "y axis", min: 0, max: 100 },
        height: 300,
        series: [
          {
            name: "line",
            color: "#f00",
            kind: "line",
            points: [
              { x: 0, y: 0 },
              { x: 10, y: 100 },
            ],
            marks: true,
          },
          {
            name: "dots",
            color: "#0f0",
            kind: "markers",
            points: [
              { x: 1, y: 1 },
              { x: 2, y: 2 },
              { x: 3, y: 3 },
            ],
          },
          {
            name: "bars",
            color: "#00f",
            kind: "bars",
            points: [
              { x: 1, y: 10, y2: 20 },
              { x: 2, y: 30, y2: 40 },
            ],
          },
        ],
      },
      {
        y: { label: "second", min: 0, max: 1 },
        height: 100,
        series: [
          {
            name: "steps",
            color: "#000",
            kind: "step",
            points: [
              { x: 0, y: 0 },
              { x: 5, y: 1 },
            ],
          },
        ],
      },
    ],
  };
  const svg = renderChart(spec);

  it("is a well-formed SVG document with escaped text and no NaN", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain("A &lt;title&gt; &amp; more");
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("labels both axes and every series in the legend", () => {
    for (const text of ["x axis", "y axis", "second", ">line<", ">dots<", ">bars<", ">steps<"])
      expect(svg).toContain(text);
  });

  it("draws each marker, each bar and each step", () => {
    // 3 markers + 2 line marks + 1 legend circle for the markers series.
    expect(count(svg, /<circle /g)).toBe(6);
    expect(svg).toMatch(/d="(M[\d.]+ [\d.]+V[\d.]+){2}"/);
    expect(svg).toMatch(/d="M[\d.]+ [\d.]+H[\d.]+V[\d.]+"/);
  });

  it("clips each panel's data to its plot area", () => {
    expect(count(svg, /<clipPath /g)).toBe(2);
    expect(count(svg, /clip-path="url\(#clip\d\)"/g)).toBe(2);
  });
});

describe("path charts", () => {
  it("draws measured variants, names the unavailable ones, and the Mathis bound", () => {
    const svg = goodputChart({
      lines: [
        {
          variant: { name: "newreno", congestionControl: "newreno", sack: false },
          points: [
            { loss: 0, mbps: 90, min: 80, max: 95 },
            { loss: 0.01, mbps: 2.5, min: 2, max: 3 },
          ],
        },
        { variant: { name: "cubic", congestionControl: "cubic", sack: false }, points: null },
      ],
      mss: 1448,
      rttMs: 50,
      bandwidthBps: 100e6,
      windowLimited: true,
      setting: "test setting",
    });
    expect(balanced(svg)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // The spread bars are drawn but not named in the legend.
    expect(svg).toMatch(/d="(M[\d.]+ [\d.]+V[\d.]+){2}" fill="none" stroke="#1f5fbf" stroke-width="4"/);
    expect(svg).not.toContain("spread");
    for (const text of [
      ">newreno<",
      "cubic: not available",
      "Mathis bound (Reno)",
      "link rate 100 Mbit/s",
      "64 KiB window / RTT",
      ">0%<",
      ">1%<",
    ]) {
      expect(svg).toContain(text);
    }
  });

  it("marks each retransmission on the time-sequence graph and steps the ACKs and cwnd", () => {
    const trace: Trace = {
      segments: [
        { t: 0, seq: 0, len: 1000, retransmit: false },
        { t: 1, seq: 1000, len: 1000, retransmit: false },
        { t: 60, seq: 0, len: 1000, retransmit: true },
      ],
      acks: [
        { t: 50, ack: 0, sack: [{ left: 1000, right: 2000 }] },
        { t: 110, ack: 2000, sack: [] },
      ],
      cwnd: [
        { t: 0, cwnd: 3000, ssthresh: 2 ** 31 - 1 },
        { t: 50, cwnd: 1500, ssthresh: 1500 },
      ],
    };
    const svg = timeSequenceChart({ trace, title: "trace", setting: "s" });
    expect(balanced(svg)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // One retransmission marker plus its legend sample.
    expect(count(svg, /<circle [^>]*fill="#d62020"/g)).toBe(2);
    for (const text of ["data sent", "cumulative ACK", "SACK blocks", "cwnd", "ssthresh", "time since the SYN, s"])
      expect(svg).toContain(text);
  });
});
