/**
 * What the public API costs on top of the engine: the same bulk transfer at MTU 1500 through
 * `TcpStream.write/read`, the WHATWG `writable`/`readable` pair (default and BYOB readers), and the Node
 * `Duplex`, each interleaved with the engine's own callback-API transfer (engine-bulk.ts) in one run, so
 * every figure carries the engine's figure of its rounds as its anchor: the engine reading chunks it
 * keeps (`read()`, as the default readers and the Duplex hand out), or into its own buffer for BYOB.
 *
 * Each path runs in a process of its own, kept for the suite (path-process.ts), warmed until steady there,
 * and the rounds take one transfer from each in turn. In one process the paths shared the stream core and
 * the engine, whose inline caches then saw every path's shapes: TcpStream moved 3.2-4.0 Gbit/s per
 * CPU-second in the suite's rounds and 5.2-8.2 alone in a process after the same warm-up (the engine's
 * read() 4.1-6.0 and 5.8-7.1), so the ratios measured the mix, not the layer.
 */
import type { Timed } from "./engine-bulk.js";
import { median } from "./measure.js";
import { PathProcess } from "./path-process.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";

const NAMES = ["engine", "engine_read_into", "tcpstream", "web", "web_byob", "node_duplex"] as const;
type ApiPath = (typeof NAMES)[number];

const suite: BenchSuite = {
  name: "api",
  targets: [
    { figure: "api.tcpstream.gbps", on: "ratio", atLeast: 0.9, what: "TcpStream.write/read >= 0.9x the engine" },
    { figure: "api.web.gbps", on: "ratio", atLeast: 0.9, what: "WHATWG writable/readable >= 0.9x the engine" },
    { figure: "api.node_duplex.gbps", on: "ratio", atLeast: 0.9, what: "Node Duplex >= 0.9x the engine" },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const runs = o.quick ? 1 : 5;
    const total = o.quick ? 16 << 20 : 128 << 20;
    const warm = o.quick ? 4 << 20 : 128 << 20;
    const perCpu = (t: Timed) => t.units / t.cpu / 1e9;
    // Every path warmed until steady in its own process (warm-up.ts, as the tcp suite does): a TcpStream
    // after one short warm-up ran at 0.75-0.8x the engine, after three 64 MiB runs at 0.93x.
    const steadily = { min: o.quick ? 1 : 4, max: o.quick ? 1 : 10, within: 0.1 };
    const procs = NAMES.map((n) => new PathProcess(n));
    const rates = Object.fromEntries(NAMES.map((k) => [k, [] as number[]])) as Record<ApiPath, number[]>;
    const warmed: string[] = [];
    try {
      for (let p = 0; p < procs.length; p++) {
        const w = await procs[p].warm(warm, steadily);
        warmed.push(`${NAMES[p]} ${w.rates.map((x) => x.toFixed(2)).join("/")}${w.steady ? "" : " (not steady)"}`);
      }
      for (let i = 0; i < runs; i++) {
        for (let p = 0; p < procs.length; p++) rates[NAMES[p]].push(perCpu((await procs[p].run(total)).bits));
      }
    } finally {
      for (const p of procs) p.stop();
    }
    const engine = rates.engine;
    const engineInto = rates.engine_read_into;
    const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    o.log(`warm-up, ${warm >> 20} MiB runs, Gbit/s per CPU-second: ${warmed.join("; ")}`);
    o.log(`bulk ${total >> 20} MiB a->b, MTU 1500, Gbit/s per CPU-second`);
    o.log(`  engine, read(): ${list(engine)}; engine, readInto(): ${list(engineInto)}`);
    for (const k of NAMES.slice(2)) o.log(`  ${k}: ${list(rates[k])}`);
    // Each path against the engine doing the same kind of read: chunks the reader owns (read()), or the
    // reader's own buffer for BYOB (readInto()).
    const owned = { name: "the engine's read()", value: median(engine) };
    const into = { name: "the engine's readInto()", value: median(engineInto) };
    return [
      { name: "api.engine.gbps", value: owned.value, unit: "Gbit/s" },
      { name: "api.engine_read_into.gbps", value: into.value, unit: "Gbit/s" },
      ...NAMES.slice(2).map((k) => ({
        name: `api.${k}.gbps`,
        value: median(rates[k]),
        unit: "Gbit/s",
        anchor: k === "web_byob" ? into : owned,
      })),
    ];
  },
};

export default suite;
