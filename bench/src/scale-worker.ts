/**
 * A Worker thread of the scale suite: one stack pair of its own. It warms up (JIT, the WASM module), posts
 * "ready", then on each { total } message moves that many bytes with engine-bulk's transfer and posts "done"
 * with the bits, the wall-clock seconds it took and the CPU seconds of this thread alone (null where the
 * platform cannot tell them, thread-cpu.ts).
 */
import { parentPort } from "node:worker_threads";
import { bulk } from "./engine-bulk.js";
import { threadCpuSeconds } from "./thread-cpu.js";

export interface WorkerBulkResult {
  bits: number;
  wall: number;
  cpu: number | null;
}

const port = parentPort;
if (port === null) throw new Error("scale-worker.js runs as a Worker thread");
await bulk(8 << 20, 1500);
port.on("message", (m: { total: number }) => {
  const cpu0 = threadCpuSeconds();
  void bulk(m.total, 1500).then((r) => {
    const cpu1 = threadCpuSeconds();
    const cpu = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    const value: WorkerBulkResult = { bits: r.bits.units, wall: r.bits.wall, cpu };
    port.postMessage({ kind: "done", value });
  });
});
port.postMessage({ kind: "ready", value: "" });
