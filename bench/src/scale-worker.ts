/**
 * A Worker thread of the scale suite: one stack pair of its own. On { warm } it runs engine-bulk's
 * transfer of that size until two runs in a row agree (warm-up.ts: the JIT tiers up over the first few
 * hundred MiB, and a cold isolate measures V8's compiler as much as the engine) and posts "warm" with the
 * rates; on each { total } it moves that many bytes and posts "done" with the bits, the wall-clock seconds
 * it took and the CPU seconds of this thread alone (null where the platform cannot tell them,
 * thread-cpu.ts).
 */
import { parentPort } from "node:worker_threads";
import { bulk } from "./engine-bulk.js";
import { threadCpuSeconds } from "./thread-cpu.js";
import { type WarmUp, warmUntilSteady } from "./warm-up.js";

export interface WorkerBulkResult {
  bits: number;
  wall: number;
  cpu: number | null;
}

/** What the suite asks: warm up at `warm` bytes a run, or one measured transfer of `total` bytes. */
export type WorkerRequest = { warm: number; quick: boolean } | { total: number };

async function measured(total: number): Promise<WorkerBulkResult> {
  const cpu0 = threadCpuSeconds();
  const r = await bulk(total, 1500);
  const cpu1 = threadCpuSeconds();
  const cpu = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  return { bits: r.bits.units, wall: r.bits.wall, cpu };
}

const port = parentPort;
if (port === null) throw new Error("scale-worker.js runs as a Worker thread");
port.on("message", (m: WorkerRequest) => {
  if ("warm" in m) {
    const rate = async () => {
      const r = await measured(m.warm);
      return r.bits / (r.cpu ?? r.wall) / 1e9;
    };
    const steps = m.quick ? { min: 1, max: 1, within: 1 } : { min: 3, max: 8, within: 0.1 };
    void warmUntilSteady(rate, steps).then((value: WarmUp) => port.postMessage({ kind: "warm", value }));
  } else {
    void measured(m.total).then((value) => port.postMessage({ kind: "done", value }));
  }
});
port.postMessage({ kind: "ready", value: "" });
