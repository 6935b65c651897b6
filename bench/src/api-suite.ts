/**
 * What the public API costs on top of the engine: the same bulk transfer at MTU 1500 through
 * `TcpStream.write/read` (and `readInto`), the WHATWG `writable`/`readable` pair (default and BYOB
 * readers), and the Node `Duplex` ('data' events, and `onread` into one buffer), each interleaved with the
 * engine's own callback-API transfer (engine-bulk.ts) in one run, so every figure carries the engine's
 * figure of its rounds as its anchor: the engine reading chunks it keeps (`read()`, as the default readers and the
 * Duplex's 'data' events hand out), or into its own buffer for `readInto`, BYOB and `onread`.
 *
 * Each path runs in a process of its own, kept for the suite (path-process.ts), warmed until steady there,
 * and the rounds take one transfer from each in turn. In one process the paths shared the stream core and
 * the engine, whose inline caches then saw every path's shapes: TcpStream moved 3.2-4.0 Gbit/s per
 * CPU-second in the suite's rounds and 5.2-8.2 alone in a process after the same warm-up (the engine's
 * read() 4.1-6.0 and 5.8-7.1), so the ratios measured the mix, not the layer.
 *
 * Then the engine, TcpStream, the WHATWG pair and the Duplex again, in processes that each hold 32 MiB of
 * an application's objects (`api.app_heap.*`, no targets): a bench process alone has an 8 MB heap, where
 * V8's heuristics keep the adapters' processes marking on helper threads (path-child.ts), and no real
 * application has a heap that small.
 */
import { gbitsPerCpuSecond } from "./engine-bulk.js";
import { listRates, median } from "./measure.js";
import { PathProcess } from "./path-process.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";

const NAMES = [
  "engine",
  "engine_read_into",
  "tcpstream",
  "tcpstream_read_into",
  "web",
  "web_byob",
  "node_duplex",
  "node_duplex_onread",
] as const;
/** The paths whose reader fills a buffer of its own, against the engine's `readInto()`. */
const INTO_NAMES: readonly ApiPath[] = ["tcpstream_read_into", "web_byob", "node_duplex_onread"];
type ApiPath = (typeof NAMES)[number];

/** The paths measured again in processes that hold an application's heap, and its size. */
const APP_HEAP_NAMES = ["engine", "tcpstream", "web", "node_duplex"] as const satisfies readonly ApiPath[];
const APP_HEAP_MIB = 32;

/**
 * Each of `names` in a process of its own (holding `heapMiB` of an application's objects), warmed there
 * until steady; then `runs` rounds taking one transfer from each in turn. Rates in Gbit/s per CPU-second.
 */
async function rounds<K extends ApiPath>(
  o: BenchOptions,
  names: readonly K[],
  heapMiB: number,
): Promise<Record<K, number[]>> {
  const runs = o.quick ? 1 : 5;
  const total = o.quick ? 16 << 20 : 128 << 20;
  const warm = o.quick ? 4 << 20 : 128 << 20;
  // Every path warmed until steady in its own process (warm-up.ts, as the tcp suite does): a TcpStream
  // after one short warm-up ran at 0.75-0.8x the engine, after three 64 MiB runs at 0.93x.
  const steadily = { min: o.quick ? 1 : 4, max: o.quick ? 1 : 10, within: 0.1 };
  const procs = names.map((n) => new PathProcess(n, heapMiB));
  const rates = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const faults = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const warmed: string[] = [];
  try {
    for (let p = 0; p < procs.length; p++) {
      const w = await procs[p].warm(warm, steadily);
      warmed.push(`${names[p]} ${w.rates.map((x) => x.toFixed(2)).join("/")}${w.steady ? "" : " (not steady)"}`);
    }
    for (let i = 0; i < runs; i++) {
      for (let p = 0; p < procs.length; p++) {
        const run = await procs[p].run(total);
        rates[names[p]].push(gbitsPerCpuSecond(run.bits));
        faults[names[p]].push(run.faults);
      }
    }
  } finally {
    for (const p of procs) p.stop();
  }
  const held = heapMiB > 0 ? `, each process holding ${heapMiB} MiB of an application's objects` : "";
  o.log(`warm-up${held}, ${warm >> 20} MiB runs, Gbit/s per CPU-second: ${warmed.join("; ")}`);
  o.log(`bulk ${total >> 20} MiB a->b, MTU 1500, Gbit/s per CPU-second${held}`);
  for (const k of names) o.log(`  ${k}: ${listRates(rates[k])}`);
  // Pages the kernel mapped afresh, each some microseconds of the process's CPU time: the allocator giving
  // freed chunks back and taking them again (per-segment-budget.md, Session 12).
  o.log(`minor page faults per run${held}: ${names.map((k) => `${k} ${faults[k].join("/")}`).join("; ")}`);
  return rates;
}

const suite: BenchSuite = {
  name: "api",
  targets: [
    { figure: "api.tcpstream.gbps", on: "ratio", atLeast: 0.9, what: "TcpStream.write/read >= 0.9x the engine" },
    { figure: "api.web.gbps", on: "ratio", atLeast: 0.9, what: "WHATWG writable/readable >= 0.9x the engine" },
    { figure: "api.node_duplex.gbps", on: "ratio", atLeast: 0.9, what: "Node Duplex >= 0.9x the engine" },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const rates = await rounds(o, NAMES, 0);
    // The same paths where V8's heuristics see the heap of a real process (path-child.ts): no targets,
    // the split between what the adapters cost and what a bench process's tiny heap costs them.
    const app = await rounds(o, APP_HEAP_NAMES, APP_HEAP_MIB);
    // Each path against the engine doing the same kind of read: chunks the reader owns (read()), or the
    // reader's own buffer for BYOB (readInto()).
    const owned = { name: "the engine's read()", value: median(rates.engine) };
    const into = { name: "the engine's readInto()", value: median(rates.engine_read_into) };
    const appOwned = { name: `the engine's read(), ${APP_HEAP_MIB} MiB heap`, value: median(app.engine) };
    return [
      { name: "api.engine.gbps", value: owned.value, unit: "Gbit/s" },
      { name: "api.engine_read_into.gbps", value: into.value, unit: "Gbit/s" },
      ...NAMES.slice(2).map((k) => ({
        name: `api.${k}.gbps`,
        value: median(rates[k]),
        unit: "Gbit/s",
        anchor: INTO_NAMES.includes(k) ? into : owned,
      })),
      { name: "api.app_heap.engine.gbps", value: appOwned.value, unit: "Gbit/s" },
      ...APP_HEAP_NAMES.filter((k) => k !== "engine").map((k) => ({
        name: `api.app_heap.${k}.gbps`,
        value: median(app[k]),
        unit: "Gbit/s",
        anchor: appOwned,
      })),
    ];
  },
};

export default suite;
