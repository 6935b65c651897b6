/**
 * Goodput on a long simulated path (VirtualClock: 50 ms RTT, 100 Mbit/s, a one-BDP tail-drop bottleneck
 * queue, random loss of 0, 0.1%, 1% and 5% of data segments) for each congestion algorithm with and
 * without SACK (RACK-TLP, the default, and RFC 6675), set against the Mathis et al. bound for Reno, and on
 * the same path with 2% of segments held back RTT/4 (reordering). Then the tail-loss case on a 10 ms path:
 * what losing the last 1-3 segments of a 64 KiB response adds to its completion time (tail-loss.ts).
 * Medians over seeds. Writes two charts to bench/results/: goodput against loss, and the time-sequence
 * (Stevens) graph of one lossy transfer.
 *
 * The figures are virtual-time goodput, independent of the machine's speed; the CPU each run took is
 * logged so the suite's own cost stays visible.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoPath } from "./repo-path.js";
import { engineHas, missingFeatures, variantConfig, type Variant } from "./engine-features.js";
import { aimdModel, type ModelAlgorithm } from "./aimd-model.js";
import { mathisBound } from "./mathis.js";
import { median } from "./measure.js";
import { runPath, type PathSpec, type RunResult } from "./path-sim.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";
import { goodputChart, timeSequenceChart, type GoodputLine } from "./path-charts.js";
import { runTailLoss } from "./tail-loss.js";

const VARIANTS: readonly Variant[] = [
  { name: "newreno", congestionControl: "newreno", sack: false },
  { name: "newreno+sack", congestionControl: "newreno", sack: true },
  { name: "cubic", congestionControl: "cubic", sack: false },
  { name: "cubic+sack", congestionControl: "cubic", sack: true },
  { name: "cubic+sack-rfc6675", congestionControl: "cubic", sack: true, lossRecovery: "rfc6675" },
];

/** The reordering case: 2% of data segments held back a quarter of the RTT. */
const REORDER = { rate: 0.02, delayMs: 50 / 4 };
/** The tail-loss case's path and the tails it drops. */
const TAIL_RTT_MS = 10;
const TAILS = [1, 2, 3];

const LOSSES: readonly number[] = [0, 0.001, 0.01, 0.05];

const RTT_MS = 50;
const BANDWIDTH = 100e6;
/** One bandwidth-delay product: the classic sizing, which lets Reno keep the link busy at zero loss. */
const QUEUE_BYTES = (BANDWIDTH / 8) * (RTT_MS / 1000);
const BUFFERS = 4 << 20;
const MTU = 1500;
/**
 * The ECN case's marking threshold: a quarter of the queue. A mark reaches the sender a round trip after
 * the queue passed it, while slow start (or CUBIC's probing) still grows the flight: the rest of the queue
 * must hold that round trip's growth, or packets are dropped before the sender hears.
 */
const ECN_THRESHOLD = QUEUE_BYTES / 4;

/** "0.1%"-style label for a loss rate, and the figure-name form of it ("0.1pct"). */
const lossLabel = (p: number) => `${Number((p * 100).toPrecision(3))}%`;
const lossKey = (p: number) => `loss${Number((p * 100).toPrecision(3))}pct`;

function resultsDir(quick: boolean): string {
  const dir = quick ? join(tmpdir(), "wirestate-bench") : repoPath("bench", "results");
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Grid {
  seeds: number[];
  warmupMs: number;
  measureMs: number;
}

/** One variant over every loss rate: its chart line and its figures. */
function runVariant(
  v: Variant,
  grid: Grid,
  o: BenchOptions,
): { line: GoodputLine; figures: Figure[]; mss: number; cpuMs: number } {
  const figures: Figure[] = [];
  const points: NonNullable<GoodputLine["points"]> = [];
  let mss = MTU - 40;
  let cpuMs = 0;
  for (const loss of LOSSES) {
    const runs: RunResult[] = grid.seeds.map((seed) =>
      runPath({
        path: pathSpec(loss, seed),
        tcp: variantConfig(v, BUFFERS),
        warmupMs: grid.warmupMs,
        measureMs: grid.measureMs,
      }),
    );
    const first = runs[0].info;
    if (first.congestionControl !== undefined && first.congestionControl !== v.congestionControl)
      throw new Error(`${v.name} ran ${first.congestionControl}`);
    if (engineHas("sack") && first.sack !== v.sack)
      throw new Error(`${v.name}: SACK ${v.sack ? "asked for but not" : "refused but"} negotiated`);
    // The payload per segment the connection really used (1448 with timestamps): the Mathis formula's MSS.
    mss = first.mss;
    const cpu = runs.reduce((t, r) => t + r.cpuMs, 0);
    cpuMs += cpu;
    const each = runs.map((r) => r.goodputBps / 1e6);
    const mbps = median(each);
    const rexmit = median(runs.map((r) => (100 * r.info.retransmittedBytes) / Math.max(1, r.info.bytesSent)));
    o.log(
      `${v.name.padEnd(13)} loss ${lossLabel(loss).padStart(5)}: ${each.map((x) => x.toFixed(2)).join(", ")} Mbit/s` +
        `; retransmitted ${rexmit.toFixed(2)}% of bytes sent, RTOs ${runs.map((r) => r.info.timeouts).join("/")}` +
        `, queue drops ${runs.map((r) => r.queueDrops).join("/")} (${(cpu / 1000).toFixed(1)} s CPU)`,
    );
    points.push({ loss, mbps, min: Math.min(...each), max: Math.max(...each) });
    figures.push({ name: `path.${v.name}.${lossKey(loss)}.goodput`, value: mbps, unit: "Mbit/s" });
    // Without random loss every drop is the queue's: slow start's overshoot, then the algorithm's probing.
    if (loss === 0)
      figures.push({
        name: `path.${v.name}.loss0pct.queue_drops`,
        value: median(runs.map((r) => r.queueDrops)),
        unit: "packets",
      });
    if (loss > 0) {
      figures.push({
        name: `path.${v.name}.${lossKey(loss)}.vs_mathis`,
        value: (mbps * 1e6) / mathisBound(mss, RTT_MS, loss),
        unit: "x",
      });
      figures.push({ name: `path.${v.name}.${lossKey(loss)}.retransmitted`, value: rexmit, unit: "%" });
    }
  }
  return { line: { variant: v, points }, figures, mss, cpuMs };
}

/** Rounds (RTTs) the conformant-sender model runs per seed: 10,000 s of virtual time at 50 ms. */
const MODEL_ROUNDS = 200_000;

/**
 * The ceiling under the same random loss (aimd-model.ts): an idealized RFC-conformant Reno and CUBIC
 * sender (one cut per window, no timeouts, byte counting) against the Mathis bound, and each SACK
 * variant's goodput against the model of its algorithm. The 1.2x-Mathis goal at 1% is above what the
 * CUBIC model reaches there; the engine's gap to the model is what the idealization leaves out (RACK's
 * reordering window before a loss is found, the peer's delayed-ACK timer on an odd segment, the byte
 * counter NewReno restarts at each cut as Linux does).
 */
function modelFigures(lines: GoodputLine[], mss: number, grid: Grid, o: BenchOptions): Figure[] {
  const figures: Figure[] = [];
  for (const loss of LOSSES.filter((p) => p > 0)) {
    for (const algorithm of ["reno", "cubic"] as const satisfies readonly ModelAlgorithm[]) {
      const runs = grid.seeds.map((seed) =>
        aimdModel({ algorithm, mss, rttMs: RTT_MS, loss, rounds: o.quick ? MODEL_ROUNDS / 10 : MODEL_ROUNDS, seed }),
      );
      const mbps = median(runs.map((r) => r.goodputBps / 1e6));
      const vsMathis = (mbps * 1e6) / mathisBound(mss, RTT_MS, loss);
      o.log(
        `model ${algorithm.padEnd(6)} loss ${lossLabel(loss).padStart(5)}: ${mbps.toFixed(3)} Mbit/s, ${vsMathis.toFixed(3)}x Mathis; ` +
          `mean window ${median(runs.map((r) => r.meanWindow)).toFixed(1)} segments, ${median(runs.map((r) => r.cutsPerRound)).toFixed(3)} cuts per RTT`,
      );
      figures.push({ name: `path.model.${algorithm}.${lossKey(loss)}.vs_mathis`, value: vsMathis, unit: "x" });
      const variant = algorithm === "reno" ? "newreno+sack" : "cubic+sack";
      const engine = lines.find((l) => l.variant.name === variant)?.points?.find((p) => p.loss === loss)?.mbps;
      if (engine !== undefined)
        figures.push({ name: `path.${variant}.${lossKey(loss)}.vs_model`, value: engine / mbps, unit: "x" });
    }
  }
  return figures;
}

/** What SACK buys each algorithm: goodput with it over goodput without, at each loss rate both ran. */
function sackGains(lines: GoodputLine[]): Figure[] {
  const goodputOf = (name: string, loss: number) =>
    lines.find((l) => l.variant.name === name)?.points?.find((p) => p.loss === loss)?.mbps;
  const figures: Figure[] = [];
  for (const algo of ["newreno", "cubic"]) {
    for (const loss of LOSSES) {
      const plain = goodputOf(algo, loss);
      const sack = goodputOf(`${algo}+sack`, loss);
      if (plain !== undefined && sack !== undefined)
        figures.push({ name: `path.${algo}.${lossKey(loss)}.sack_gain`, value: sack / plain, unit: "x" });
    }
  }
  return figures;
}

/** The reordering case for one variant: goodput, retransmitted share, RTOs. */
function runReorder(v: Variant, grid: Grid, o: BenchOptions): Figure[] {
  const runs = grid.seeds.map((seed) =>
    runPath({
      path: { ...pathSpec(0, seed), reorder: REORDER },
      tcp: variantConfig(v, BUFFERS),
      warmupMs: grid.warmupMs,
      measureMs: grid.measureMs,
    }),
  );
  const mbps = median(runs.map((r) => r.goodputBps / 1e6));
  const rexmit = median(runs.map((r) => (100 * r.info.retransmittedBytes) / Math.max(1, r.info.bytesSent)));
  o.log(
    `${v.name.padEnd(18)} reordering ${REORDER.rate * 100}% by ${REORDER.delayMs} ms: ${mbps.toFixed(2)} Mbit/s; ` +
      `retransmitted ${rexmit.toFixed(2)}% of bytes sent, RTOs ${runs.map((r) => r.info.timeouts).join("/")}, ` +
      `recoveries ${runs.map((r) => r.info.fastRetransmits).join("/")} (undone ${runs.map((r) => r.info.undos ?? 0).join("/")})`,
  );
  return [
    { name: `path.reorder.${v.name}.goodput`, value: mbps, unit: "Mbit/s" },
    { name: `path.reorder.${v.name}.retransmitted`, value: rexmit, unit: "%" },
  ];
}

/**
 * The ECN case for one variant: the clean path's queue, marking CE above `ECN_THRESHOLD`, both ends with
 * ECN on. Goodput against the same variant's loss-free figure, retransmitted bytes (the goal: none), RTOs.
 */
function runEcn(v: Variant, grid: Grid, o: BenchOptions, lossFreeMbps: number | undefined): Figure[] {
  const runs = grid.seeds.map((seed) =>
    runPath({
      path: { ...pathSpec(0, seed), ecnThreshold: ECN_THRESHOLD },
      tcp: { ...variantConfig(v, BUFFERS), ecn: true },
      warmupMs: grid.warmupMs,
      measureMs: grid.measureMs,
    }),
  );
  if (!runs[0].info.ecn) throw new Error(`${v.name}: ECN asked for but not negotiated`);
  const mbps = median(runs.map((r) => r.goodputBps / 1e6));
  const rexmit = median(runs.map((r) => r.info.retransmittedBytes));
  const ratio = lossFreeMbps === undefined ? Number.NaN : mbps / lossFreeMbps;
  o.log(
    `${v.name.padEnd(18)} ECN, CE above ${ECN_THRESHOLD / 1000} kB queued: ${mbps.toFixed(2)} Mbit/s ` +
      `(${(100 * ratio).toFixed(1)}% of the loss-free path); retransmitted ${runs.map((r) => r.info.retransmittedBytes).join("/")} bytes, ` +
      `RTOs ${runs.map((r) => r.info.timeouts).join("/")}, marks ${runs.map((r) => r.marked).join("/")}, ` +
      `cwnd reductions ${runs.map((r) => r.info.ecnReductions ?? 0).join("/")}, queue drops ${runs.map((r) => r.queueDrops).join("/")}`,
  );
  return [
    { name: `path.ecn.${v.name}.goodput`, value: mbps, unit: "Mbit/s" },
    { name: `path.ecn.${v.name}.vs_loss_free`, value: ratio, unit: "x" },
    { name: `path.ecn.${v.name}.retransmitted_bytes`, value: rexmit, unit: "B" },
  ];
}

/** The tail-loss case for one variant: the round trips losing the last `tail` segments adds to a request. */
function runTails(v: Variant, grid: Grid, o: BenchOptions): Figure[] {
  const figures: Figure[] = [];
  const tcp = { ...variantConfig(v, 1 << 20), noDelay: true };
  const request = (tail: number, seed: number) =>
    runTailLoss({ rttMs: TAIL_RTT_MS, bandwidthBps: BANDWIDTH, mtu: MTU, tail, requests: 40, seed, tcp });
  const clean = median(grid.seeds.map((seed) => request(0, seed).medianMs));
  for (const tail of TAILS) {
    const runs = grid.seeds.map((seed) => request(tail, seed));
    const added = (median(runs.map((r) => r.medianMs)) - clean) / TAIL_RTT_MS;
    // The same against the request before each lossy one, whose window the earlier drops cut as well.
    const repair = median(runs.map((r) => (r.medianMs - r.beforeMs) / TAIL_RTT_MS));
    o.log(
      `${v.name.padEnd(18)} tail loss of ${tail} segment(s): +${added.toFixed(1)} RTT over ${clean.toFixed(1)} ms, ` +
        `+${repair.toFixed(1)} RTT over the request before it (RTOs ${runs.map((r) => r.server.timeouts).join("/")}, ` +
        `probes ${runs.map((r) => r.server.lossProbes ?? 0).join("/")})`,
    );
    figures.push({ name: `path.tail.${v.name}.tail${tail}.added_rtt`, value: added, unit: "RTT" });
    figures.push({ name: `path.tail.${v.name}.tail${tail}.repair_rtt`, value: repair, unit: "RTT" });
  }
  return figures;
}

/** The Stevens graph of a tail-loss recovery: four requests, the last two segments of the fourth dropped. */
function tailChart(): string {
  const shown = [...VARIANTS].reverse().find((v) => v.lossRecovery === undefined && missingFeatures(v).length === 0)!;
  const tcp = { ...variantConfig(shown, 1 << 20), noDelay: true };
  const r = runTailLoss({
    rttMs: TAIL_RTT_MS,
    bandwidthBps: BANDWIDTH,
    mtu: MTU,
    tail: 2,
    requests: 4,
    seed: 1,
    tcp,
    trace: true,
  });
  return timeSequenceChart({
    trace: r.trace!,
    title: `Time-sequence graph: ${shown.name}, the last 2 segments of the 4th 64 KiB response lost`,
    setting: `${TAIL_RTT_MS} ms RTT, ${BANDWIDTH / 1e6} Mbit/s, server with Nagle off; ${r.server.lossProbes ?? 0} loss probe(s), ${r.server.timeouts} RTOs; the 4th request took ${r.medianMs.toFixed(1)} ms`,
  });
}

/** The Stevens graph: the best variant the engine has, at 1% loss, for 5 s from the first SYN. */
function traceChart(): string {
  const shown = [...VARIANTS].reverse().find((v) => missingFeatures(v).length === 0)!;
  const traced = runPath({
    path: pathSpec(0.01, 1),
    tcp: variantConfig(shown, BUFFERS),
    warmupMs: 0,
    measureMs: 5_000,
    trace: true,
  });
  return timeSequenceChart({
    trace: traced.trace!,
    title: `Time-sequence graph: ${shown.name}, 1% loss`,
    setting: `${RTT_MS} ms RTT, ${BANDWIDTH / 1e6} Mbit/s, seed 1; ${traced.info.retransmits} retransmissions, ${traced.info.timeouts} RTOs`,
  });
}

const suite: BenchSuite = {
  name: "path",
  targets: [
    {
      figure: "path.cubic+sack.loss0pct.queue_drops",
      atMost: 100,
      what: "clean deep-queue path (default CUBIC + RACK): under 100 segments dropped by the queue (HyStart++ ends slow start before it overflows)",
    },
    {
      figure: "path.ecn.cubic+sack.retransmitted_bytes",
      atMost: 0,
      what: "ECN case (default CUBIC + RACK): no retransmissions at all",
    },
    {
      figure: "path.ecn.cubic+sack.vs_loss_free",
      atLeast: 0.95,
      what: "ECN case (default CUBIC + RACK): goodput within 5% of the loss-free path",
    },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const grid: Grid = {
      seeds: o.quick ? [1] : [1, 2, 3, 4, 5],
      warmupMs: o.quick ? 2_000 : 5_000,
      measureMs: o.quick ? 8_000 : 60_000,
    };
    const windowScale = engineHas("windowScale");
    o.log(
      `path: ${RTT_MS} ms RTT, ${BANDWIDTH / 1e6} Mbit/s, ${QUEUE_BYTES / 1000} kB bottleneck queue, MTU ${MTU}; ` +
        `loss on data segments only; goodput measured over ${grid.measureMs / 1000} s of virtual time after ${grid.warmupMs / 1000} s; ` +
        `median of seeds ${grid.seeds.join(", ")}`,
    );
    o.log(
      `engine options: window scale ${windowScale ? "on" : "NOT AVAILABLE (receive window capped at 65535 bytes)"}, ` +
        `timestamps ${engineHas("timestamps") ? "on" : "not available"}`,
    );
    const figures: Figure[] = [];
    const lines: GoodputLine[] = [];
    let mss = MTU - 40;
    let cpuMs = 0;
    for (const v of VARIANTS) {
      const missing = missingFeatures(v);
      if (missing.length > 0) {
        o.log(`${v.name}: not available (the engine lacks ${missing.join(", ")})`);
        lines.push({ variant: v, points: null });
        continue;
      }
      const r = runVariant(v, grid, o);
      lines.push(r.line);
      figures.push(...r.figures);
      mss = r.mss;
      cpuMs += r.cpuMs;
    }
    for (const loss of LOSSES.filter((p) => p > 0)) {
      figures.push({
        name: `path.mathis.${lossKey(loss)}`,
        value: mathisBound(mss, RTT_MS, loss) / 1e6,
        unit: "Mbit/s",
      });
    }
    figures.push(...modelFigures(lines, mss, grid, o));
    figures.push(...sackGains(lines));
    o.log(`grid: ${(cpuMs / 1000).toFixed(1)} s CPU`);
    const available = VARIANTS.filter((v) => missingFeatures(v).length === 0);
    for (const v of available.filter((x) => x.congestionControl === "cubic")) figures.push(...runReorder(v, grid, o));
    for (const v of available.filter((x) => x.sack && x.lossRecovery === undefined)) {
      const lossFree = lines.find((l) => l.variant === v)?.points?.find((p) => p.loss === 0)?.mbps;
      figures.push(...runEcn(v, grid, o, lossFree));
    }
    for (const v of available.filter((x) => x.name !== "cubic" && x.name !== "newreno+sack"))
      figures.push(...runTails(v, grid, o));

    const dir = resultsDir(o.quick);
    const setting =
      `${RTT_MS} ms RTT, ${BANDWIDTH / 1e6} Mbit/s, ${QUEUE_BYTES / 1000} kB queue, MSS ${mss}` +
      `${windowScale ? "" : ", no window scale (64 KiB window)"}; median of ${grid.seeds.length} seed(s), ${grid.measureMs / 1000} s measured`;
    const goodputPath = join(dir, "path-goodput.svg");
    writeFileSync(
      goodputPath,
      goodputChart({ lines, mss, rttMs: RTT_MS, bandwidthBps: BANDWIDTH, windowLimited: !windowScale, setting }),
    );
    const sequencePath = join(dir, "path-time-sequence.svg");
    writeFileSync(sequencePath, traceChart());
    const tailPath = join(dir, "path-tail-loss.svg");
    writeFileSync(tailPath, tailChart());
    o.log(`charts: ${goodputPath}, ${sequencePath}, ${tailPath}`);
    return figures;
  },
};

function pathSpec(loss: number, seed: number): PathSpec {
  return { rttMs: RTT_MS, bandwidthBps: BANDWIDTH, queueBytes: QUEUE_BYTES, mtu: MTU, loss, seed };
}

export default suite;
