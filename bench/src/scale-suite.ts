/**
 * The scale figures. The curve: 1, 10, 100 and 1,000 concurrent bulk connections between one pair of
 * IpStacks (MTU 1500, the in-memory link), the same bytes in all, as aggregate payload per CPU-second, each
 * against the single connection in the same round (rounds interleave the counts, so load hits all alike).
 * A count's cost per byte grows only if timers, demultiplexing or ACK clocking grow with the count, or if
 * each connection's life (slow start, close) is a large part of its bytes: `longConnections` splits the two.
 * The kernel's TCP runs the same 1 and 1,000 connections in the same rounds (Node `net` over 127.0.0.1), so
 * the curve's ratio can be read against what a kernel keeps on this machine.
 * And one stack pair per Worker thread on every core against one pair alone in one Worker, per CPU-second
 * of the whole process (every Worker with its isolate's GC and compiler threads), so other jobs on a shared
 * machine taking cores from the workers do not count against them, while what the pairs cost each other
 * (memory bandwidth, caches, the process's shared allocator, helper threads with no core to spare) does.
 */
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { gbitsPerCpuSecond, stopwatch, type Timed } from "./engine-bulk.js";
import { listRates, median } from "./measure.js";
import { PathProcess } from "./path-process.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";
import type { WorkerBulkResult, WorkerRequest } from "./scale-worker.js";
import type { WarmUp, WarmUpOptions } from "./warm-up.js";

const COUNTS = [1, 10, 100, 1000] as const;

/** A path process's warm-up rates, in the log. */
function logWarmUp(o: BenchOptions, what: string, w: WarmUp): void {
  o.log(`${what} warm-up, Gbit/s per CPU-second: ${listRates(w.rates)}${w.steady ? "" : " (cap reached)"}`);
}

/**
 * The kernel's curve: Node `net` moving the same bytes over one and over 1,000 connections at once, a round
 * beside each of the engine's, each count in a process of its own as the engine's are. No target: the kernel's
 * own ratio, for reading the engine's. Null, with the reason logged, where a process cannot open 2,000
 * sockets (the file descriptor limit).
 */
async function kernelCurve(o: BenchOptions, total: number, steadily: WarmUpOptions) {
  const many = 1000;
  const one = new PathProcess("net_1");
  const all = new PathProcess(`net_${many}`);
  try {
    logWarmUp(o, "Node net, 1 connection", await one.warm(total, steadily));
    logWarmUp(o, `Node net, ${many} connections`, await all.warm(total, steadily));
  } catch (e) {
    one.stop();
    all.stop();
    o.log(`Node net with ${many} connections skipped: ${(e as Error).message}`);
    return null;
  }
  const ones: number[] = [];
  const alls: number[] = [];
  return {
    async round() {
      ones.push(gbitsPerCpuSecond((await one.run(total)).bits));
      alls.push(gbitsPerCpuSecond((await all.run(total)).bits));
    },
    figure(): Figure {
      o.log(
        `Node net, ${total >> 20} MiB in all, Gbit/s per CPU-second: 1 connection ${listRates(ones)}; ${many} connections ${listRates(alls)}`,
      );
      return {
        name: `tcp.scale.net_${many}_connections.gbps`,
        value: median(alls),
        unit: "Gbit/s",
        anchor: { name: "Node net, 1 connection, same rounds", value: median(ones) },
      };
    },
    stop(): void {
      one.stop();
      all.stop();
    },
  };
}

/**
 * The curve's 1,000 connections carry 128 KiB each: a few round trips of slow start and a close, so their
 * figure adds each connection's life to what concurrency costs. Here 1,000 connections carry 1 MiB each
 * against one connection carrying the same 1 GiB, in the same rounds: what is left is concurrency alone
 * (every connection's rings, TCB and timers cold in cache between its turns). No target: the split, for
 * reading the curve's figure. `--quick` moves 64 MiB (64 KiB each): a smoke run, not the split.
 */
async function longConnections(
  o: BenchOptions,
  rounds: number,
  single: PathProcess,
  all: PathProcess,
): Promise<Figure> {
  const total = o.quick ? 64 << 20 : 1 << 30;
  const one: number[] = [];
  const many: number[] = [];
  for (let r = 0; r < Math.min(rounds, 3); r++) {
    one.push(gbitsPerCpuSecond((await single.run(total)).bits));
    many.push(gbitsPerCpuSecond((await all.run(total)).bits));
  }
  o.log(
    `${total >> 20} MiB in all, Gbit/s per CPU-second: 1 connection ${listRates(one)}; 1,000 connections ${listRates(many)}`,
  );
  return {
    name: "tcp.scale.1000_long_connections.gbps",
    value: median(many),
    unit: "Gbit/s",
    anchor: { name: `1 connection, the same ${total >> 20} MiB, same rounds`, value: median(one) },
  };
}

/**
 * One Worker thread per core, each with a stack pair of its own, kept for the whole suite: each warms up
 * until steady first (scale-worker.ts), so the rounds compare warm pairs, as the tcp suite compares warm
 * runs with native lwIP. A fresh isolate per round measured the JIT: both cores' compiler threads tiering
 * two isolates at once made the pair-per-core figure swing 0.80-1.06x between runs minutes apart.
 */
class WorkerPool {
  readonly #workers: Worker[];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  static async start(count: number, warm: number, quick: boolean): Promise<{ pool: WorkerPool; warmUps: WarmUp[] }> {
    const script = fileURLToPath(new URL("./scale-worker.js", import.meta.url));
    const workers = Array.from({ length: count }, () => new Worker(script));
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(workers.map((w) => once<string>(w, "ready")));
      const warmUps = await Promise.all(workers.map((w) => pool.#ask<WarmUp>(w, { warm, quick }, "warm")));
      return { pool, warmUps };
    } catch (e) {
      await pool.stop();
      throw e;
    }
  }

  #ask<T>(w: Worker, request: WorkerRequest, reply: string): Promise<T> {
    const answer = once<T>(w, reply);
    w.postMessage(request);
    return answer;
  }

  /**
   * The first `workers` of the pool each move `total` bytes at once; resolves when all are done. The
   * aggregate is the bits of all per CPU-second of the process, times the workers: what the pairs would
   * move with a core each, whatever else the machine runs (a worker that waits for a core loses wall time,
   * not CPU time). The process's CPU time, not each Worker thread's own: a thread's leaves out its isolate's
   * GC and compiler threads, which a lone pair runs on the idle core for free and busy pairs must fit
   * beside their own threads. `each` is per CPU-second of each Worker's own thread (thread-cpu.ts), for the
   * log; null where threads' CPU time cannot be read.
   */
  async bulk(workers: number, total: number): Promise<WorkerAggregate> {
    const stop = stopwatch();
    const busy = this.#workers.slice(0, workers);
    const results = await Promise.all(busy.map((w) => this.#ask<WorkerBulkResult>(w, { total }, "done")));
    const cpu = stop(0).cpu;
    const bits = results.reduce((sum, r) => sum + r.bits, 0);
    const each = results.every((r) => r.cpu !== null && r.cpu > 0) ? results.map((r) => r.bits / r.cpu! / 1e9) : null;
    return { aggregateGbps: (workers * bits) / cpu / 1e9, each };
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

interface WorkerAggregate {
  aggregateGbps: number;
  /** Each Worker's bits per CPU-second of its own thread; null where threads' CPU time cannot be read. */
  each: number[] | null;
}

/** The worker's next message of `kind`; a worker error or exit rejects. */
function once<T>(w: Worker, kind: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The pool asks each worker many times: every listener goes when its answer comes.
    const done = () => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
    };
    const onMessage = (m: { kind: string; value: T }) => {
      if (m.kind !== kind) return;
      done();
      resolve(m.value);
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`bench worker exited with ${code} before "${kind}"`));
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.on("exit", onExit);
  });
}

const suite: BenchSuite = {
  name: "scale",
  targets: [
    {
      figure: "tcp.scale.1000_connections.gbps",
      on: "ratio",
      atLeast: 0.8,
      what: "1,000 concurrent bulk connections keep >= 0.8x the single connection's aggregate",
    },
    {
      figure: "tcp.scale.worker_per_core.gbps",
      on: "ratio",
      atLeast: 0.9,
      what: "one stack pair per Worker on every core >= 0.9 x cores x one pair",
    },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const rounds = o.quick ? 1 : 5;
    const total = o.quick ? 16 << 20 : 128 << 20;
    // Each count in a process of its own, warmed there until steady (scale-paths.ts says why).
    const procs = new Map(COUNTS.map((n) => [n, new PathProcess(`scale_${n}`)]));
    const steadily = { min: o.quick ? 1 : 3, max: o.quick ? 1 : 8, within: 0.1 };
    const curve = new Map<number, Timed[]>(COUNTS.map((n) => [n, []]));
    const figures: Figure[] = [];
    let kernel: Awaited<ReturnType<typeof kernelCurve>> = null;
    try {
      for (const [n, p] of procs) logWarmUp(o, `${n} connection(s)`, await p.warm(total, steadily));
      kernel = await kernelCurve(o, total, steadily);
      for (let r = 0; r < rounds; r++) {
        for (const [n, p] of procs) curve.get(n)!.push((await p.run(total)).bits);
        await kernel?.round();
      }
      for (const n of COUNTS) {
        o.log(
          `${n} connection(s), ${total >> 20} MiB in all, Gbit/s per CPU-second: ${listRates(curve.get(n)!.map(gbitsPerCpuSecond))}`,
        );
      }
      const single = median(curve.get(1)!.map(gbitsPerCpuSecond));
      for (const n of COUNTS) {
        figures.push({
          name: `tcp.scale.${n}_connection${n === 1 ? "" : "s"}.gbps`,
          value: median(curve.get(n)!.map(gbitsPerCpuSecond)),
          unit: "Gbit/s",
          anchor: n === 1 ? undefined : { name: "1 connection, same rounds", value: single },
        });
      }
      if (kernel !== null) figures.push(kernel.figure());
      figures.push(await longConnections(o, rounds, procs.get(1)!, procs.get(1000)!));
    } finally {
      for (const p of procs.values()) p.stop();
      kernel?.stop();
    }

    const cores = availableParallelism();
    const perWorker = o.quick ? 8 << 20 : 64 << 20;
    const { pool, warmUps } = await WorkerPool.start(cores, perWorker, o.quick);
    const one: number[] = [];
    const all: number[] = [];
    try {
      warmUps.forEach((w, i) => {
        o.log(
          `Worker ${i} warm-up, Gbit/s per thread CPU second: ${listRates(w.rates)}${w.steady ? "" : " (cap reached)"}`,
        );
      });
      const threads = (a: WorkerAggregate) =>
        a.each === null ? "" : ` (per CPU-second of each Worker's own thread: ${listRates(a.each)})`;
      for (let r = 0; r < (o.quick ? 1 : 5); r++) {
        const single = await pool.bulk(1, perWorker);
        const many = await pool.bulk(cores, perWorker);
        one.push(single.aggregateGbps);
        all.push(many.aggregateGbps);
        o.log(
          `${cores} Workers: ${many.aggregateGbps.toFixed(2)} Gbit/s aggregate per process CPU second${threads(many)}; ` +
            `1 Worker: ${single.aggregateGbps.toFixed(2)}${threads(single)}; load average ${loadavg()[0].toFixed(1)}`,
        );
      }
    } finally {
      await pool.stop();
    }
    figures.push({
      name: "tcp.scale.worker_per_core.gbps",
      value: median(all),
      unit: "Gbit/s",
      anchor: { name: `${cores} x one pair in one Worker (process CPU)`, value: cores * median(one) },
    });
    return figures;
  },
};

export default suite;
