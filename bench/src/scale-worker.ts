/**
 * A Worker thread of the scale suite: one stack pair of its own. It warms up (JIT, the WASM module), posts
 * "ready", then on each { total } message moves that many bytes with engine-bulk's transfer and posts "done"
 * with the bits and the wall-clock seconds it took.
 */
import { parentPort } from "node:worker_threads";
import { bulk } from "./engine-bulk.js";

export interface WorkerBulkResult {
  bits: number;
  wall: number;
}

const port = parentPort;
if (port === null) throw new Error("scale-worker.js runs as a Worker thread");
await bulk(8 << 20, 1500);
port.on("message", (m: { total: number }) => {
  void bulk(m.total, 1500).then((r) => {
    const value: WorkerBulkResult = { bits: r.bits.units, wall: r.bits.wall };
    port.postMessage({ kind: "done", value });
  });
});
port.postMessage({ kind: "ready", value: "" });
