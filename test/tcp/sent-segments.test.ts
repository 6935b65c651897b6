import { describe, expect, it } from "vitest";
import { SegmentFlag, SentSegments } from "../../src/tcp/sent-segments.js";

/** The live entries as [start, end, xmit, flags] rows. */
function rows(s: SentSegments): number[][] {
  const out: number[][] = [];
  for (let i = s.head; i < s.length; i++) out.push([s.start[i], s.end[i], s.xmit[i], s.flags[i]]);
  return out;
}

describe("SentSegments across compaction", () => {
  it("keeps the entries tiling [SND.UNA, SND.MAX) as acknowledgements compact it and new sends reuse its slots", () => {
    const s = new SentSegments();
    const base = 0xffff0000; // wraps past 2^32 on the way
    for (let k = 0; k < 200; k++) s.sent((base + k * 100) >>> 0, (base + (k + 1) * 100) >>> 0, k);
    s.mark(160, SegmentFlag.sacked);
    s.acked((base + 150 * 100) >>> 0); // 150 entries acknowledged: compacted to the 50 live ones
    expect(s.head).toBe(0);
    expect(s.length).toBe(50);
    expect(s.sackedBytes).toBe(100);
    expect(s.sackedCount).toBe(1);
    expect(s.flags[10]).toBe(SegmentFlag.sacked);
    for (let k = 200; k < 230; k++) s.sent((base + k * 100) >>> 0, (base + (k + 1) * 100) >>> 0, k);
    expect(s.length).toBe(80);
    // A retransmission of the middle of one entry splits it in three, the middle one resent.
    const mid = (base + 170 * 100 + 40) >>> 0;
    expect(s.sent(mid, (mid + 20) >>> 0, 500)).toBe(true);
    expect(s.length).toBe(82);
    const r = rows(s);
    for (let i = 1; i < r.length; i++) expect(r[i][0]).toBe(r[i - 1][1]);
    expect(r[0][0]).toBe((base + 15000) >>> 0);
    expect(r[r.length - 1][1]).toBe((base + 23000) >>> 0);
    expect(r[21]).toEqual([mid, (mid + 20) >>> 0, 500, SegmentFlag.retransmitted]);
    expect(r[20]).toEqual([(base + 17000) >>> 0, mid, 170, 0]);
    expect(s.find((mid + 5) >>> 0)).toBe(21);
    s.acked((base + 23000) >>> 0);
    expect(s.length - s.head).toBe(0);
    expect(s.sackedBytes).toBe(0);
    expect(s.sackedCount).toBe(0);
  });

  it("gives its arrays to the pool once all is acknowledged, and the next flight, of any list, takes them", () => {
    const s = new SentSegments();
    for (let k = 0; k < 700; k++) s.sent(k * 1448, (k + 1) * 1448, k);
    const grown = [s.start, s.end, s.xmit, s.order, s.flags];
    expect(s.start.length).toBe(700);
    s.acked(350 * 1448); // half: compacted, the arrays keep their size for the rest of the flight
    expect(s.start).toBe(grown[0]);
    expect(s.start.length).toBe(700);
    s.acked(700 * 1448);
    expect(s.length - s.head).toBe(0);
    // An idle list holds no arrays of its own, however large its last flight was.
    for (const a of [s.start, s.end, s.xmit, s.order, s.flags]) expect(a.length).toBe(0);
    const other = new SentSegments();
    for (let k = 0; k < 100; k++) other.sent(k * 1000, (k + 1) * 1000, k);
    for (const [i, a] of [other.start, other.end, other.xmit, other.order, other.flags].entries()) {
      expect(a).toBe(grown[i]);
    }
    for (let k = 700; k < 800; k++) s.sent(k * 1448, (k + 1) * 1448, k);
    expect(s.start).not.toBe(grown[0]);
    const r = rows(s);
    expect(r.length).toBe(100);
    expect(r[0]).toEqual([700 * 1448, 701 * 1448, 700, 0]);
    expect(r[99]).toEqual([799 * 1448, 800 * 1448, 799, 0]);
    expect(s.find(750 * 1448 + 1)).toBe(50);
    expect(rows(other)[99]).toEqual([99_000, 100_000, 99, 0]);
  });

  it("keeps no more than 64 KiB of arrays for later flights (32 bytes an entry)", () => {
    const huge = new SentSegments();
    for (let k = 0; k < 2_100; k++) huge.sent(k * 10, (k + 1) * 10, k);
    const grown = huge.start;
    huge.acked(21_000);
    const next = new SentSegments();
    next.sent(0, 10, 0);
    expect(next.start).not.toBe(grown);
    expect(rows(next)).toEqual([[0, 10, 0, 0]]);
  });
});

describe("SentSegments.sentRun and signed sequence numbers", () => {
  it("a run makes the entries, transmission orders and times that one sent() per segment makes", () => {
    const base = 0xfffff000; // past 2^31, wrapping past 2^32 within the run
    const one = new SentSegments();
    for (let k = 0; k < 5; k++) one.sent((base + k * 1448) >>> 0, (base + (k + 1) * 1448) >>> 0, 7);
    const run = new SentSegments();
    run.sentRun(base, 5, 1448, 7);
    expect(rows(run)).toEqual(rows(one));
    expect([...run.order.slice(0, 5)]).toEqual([...one.order.slice(0, 5)]);
    expect(rows(run).every(([start, end]) => start >= 0 && end >= 0 && end < 2 ** 32)).toBe(true);
  });

  it("sent() takes its edges as signed 32-bit integers too, and keeps them unsigned", () => {
    const s = new SentSegments();
    s.sent(0xfffffa00 | 0, 0x00000200 | 0, 3);
    expect(rows(s)).toEqual([[0xfffffa00, 0x200, 3, 0]]);
    expect(s.sent(0xfffffc00 | 0, 0xfffffe00 | 0, 4)).toBe(true); // a retransmission inside it: split
    expect(rows(s).map(([start, end]) => [start, end])).toEqual([
      [0xfffffa00, 0xfffffc00],
      [0xfffffc00, 0xfffffe00],
      [0xfffffe00, 0x200],
    ]);
  });
});
