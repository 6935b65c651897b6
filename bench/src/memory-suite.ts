/**
 * Memory per idle ESTABLISHED connection and how many fit in 1 GiB. Each measurement runs in a child
 * process (memory-worker.ts) started with --expose-gc and --max-old-space-size=1024, so the heap is measured
 * after full collections and the 1 GiB cap is real: the full run actually opens 100,000 connection pairs
 * (200,000 endpoints, both stacks in that one process) under it.
 *
 * Two kinds of idle connection: "fresh" (handshake only) and "after exchange" (a 100-byte request and reply
 * first, so the send and receive buffers have been used, as on a keep-alive connection); and what a
 * connection closed after such an exchange holds while it waits in TIME-WAIT for 2 MSL. Memory
 * is the V8 heap plus ArrayBuffer memory (which lives outside the heap cap but is just as real), per endpoint.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { MemoryMode, MemoryReport } from "./memory-worker.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";

const GIB = 2 ** 30;

function worker(pairs: number, mode: MemoryMode): Promise<MemoryReport> {
  const script = fileURLToPath(new URL("./memory-worker.js", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--max-old-space-size=1024", script, String(pairs), mode], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0)
        reject(
          new Error(
            `memory worker (${pairs} pairs, ${mode}) exited with ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
      else resolve(JSON.parse(out) as MemoryReport);
    });
  });
}

function check(r: MemoryReport): void {
  if (r.wrongState !== 0) throw new Error(`${r.wrongState} connections were not in the state ${r.mode} leaves them in`);
  if (r.mode !== "time-wait" && r.liveSampled !== Math.min(r.pairs, 100))
    throw new Error(`only ${r.liveSampled} sampled connections still delivered data`);
}

const MB = (b: number) => `${Math.max(0, b / 2 ** 20).toFixed(0)} MiB`;

const suite: BenchSuite = {
  name: "memory",
  targets: [
    {
      figure: "memory.idle_fresh.bytes_per_connection",
      atMost: 2048,
      what: "<= 2 KB of heap and buffers per idle established connection",
    },
    {
      figure: "memory.idle_fresh.endpoints_held_in_1gib_heap",
      atLeast: 100_000,
      what: "100,000 idle connections held in a 1 GiB heap (measured)",
    },
    {
      figure: "memory.idle_fresh.connections_per_gib",
      atLeast: 100_000,
      what: "idle connections (handshake only) per GiB of heap + buffers",
    },
    {
      figure: "memory.idle_after_exchange.connections_per_gib",
      atLeast: 100_000,
      what: "idle connections that have carried data, per GiB of heap + buffers",
    },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const freshPairs = o.quick ? 10_000 : 100_000;
    const usedPairs = o.quick ? 200 : 1_000;
    const fresh = await worker(freshPairs, "fresh");
    check(fresh);
    o.log(
      `fresh: ${fresh.pairs} pairs (${fresh.endpoints} endpoints) opened in ${fresh.openSeconds.toFixed(1)} s in a process capped at ` +
        `${MB(fresh.heapLimitBytes)} of heap: heap +${MB(fresh.heapBytes)}, ArrayBuffers +${MB(fresh.externalBytes)}, RSS ${MB(fresh.rssBytes)}; ` +
        `all ESTABLISHED, ${fresh.liveSampled} sampled still deliver`,
    );
    const used = await worker(usedPairs, "exchanged");
    check(used);
    o.log(
      `after exchange: ${used.pairs} pairs: heap +${MB(used.heapBytes)}, ArrayBuffers +${MB(used.externalBytes)}, RSS ${MB(used.rssBytes)}` +
        ` (connections per GiB extrapolated from ${used.endpoints} endpoints)`,
    );
    // Under the default timeWaitLimit (8192), past which the oldest would be recycled.
    const closed = await worker(o.quick ? 200 : 4_000, "time-wait");
    check(closed);
    o.log(`time-wait: ${closed.pairs} pairs closed, the clients' ends in TIME-WAIT: heap +${MB(closed.heapBytes)}`);
    return [
      { name: "memory.idle_fresh.bytes_per_connection", value: fresh.bytesPerEndpoint, unit: "B" },
      { name: "memory.idle_fresh.connections_per_gib", value: GIB / fresh.bytesPerEndpoint, unit: "conn" },
      { name: "memory.idle_fresh.endpoints_held_in_1gib_heap", value: fresh.endpoints, unit: "conn" },
      { name: "memory.idle_fresh.open_per_sec_wall", value: fresh.pairs / fresh.openSeconds, unit: "conn/s" },
      { name: "memory.idle_after_exchange.bytes_per_connection", value: used.bytesPerEndpoint, unit: "B" },
      { name: "memory.idle_after_exchange.connections_per_gib", value: GIB / used.bytesPerEndpoint, unit: "conn" },
      { name: "memory.idle_after_exchange.rss_per_connection", value: used.rssPerEndpoint, unit: "B" },
      { name: "memory.time_wait.bytes_per_connection", value: closed.bytesPerEndpoint, unit: "B" },
    ];
  },
};

export default suite;
