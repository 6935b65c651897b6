/**
 * Child process of the memory suite (run with --expose-gc and a heap cap): opens `pairs` connections between
 * two IpStacks on a VirtualClock over a clean memory link, lets them go idle in ESTABLISHED, and prints one
 * JSON line: the heap (and ArrayBuffer memory) they hold after a full GC, per endpoint. Optionally each
 * connection first carries a small request and reply, so its buffers have been used (the realistic idle connection
 * of a keep-alive protocol); without, it holds only what the handshake made. With `time-wait`, each then closes,
 * the client first: what is held is the clients' connections in TIME-WAIT (the servers' are gone), per
 * connection.
 *
 *   node --expose-gc --max-old-space-size=1024 dist-bench/bench/src/memory-worker.js PAIRS [exchanged|fresh|time-wait]
 */
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { Connection } from "../../src/tcp/types.js";

export type MemoryMode = "fresh" | "exchanged" | "time-wait";

export interface MemoryReport {
  pairs: number;
  /** The endpoints held at the end: both of each pair, or in `time-wait` the clients. */
  endpoints: number;
  mode: MemoryMode;
  heapBytes: number;
  externalBytes: number;
  /** (heap + ArrayBuffers) growth per endpoint. */
  bytesPerEndpoint: number;
  heapLimitBytes: number;
  rssBytes: number;
  /** Resident memory growth per endpoint (allocated buffer pages never touched are not resident). */
  rssPerEndpoint: number;
  openSeconds: number;
  /** Endpoints not in the state the mode leaves them in (ESTABLISHED; or TIME-WAIT and CLOSED): must be 0. */
  wrongState: number;
  /** Connections sampled after everything was open that still delivered a byte each way (none in `time-wait`). */
  liveSampled: number;
}

/** Connections per listening port: the client's ephemeral range (49152-65535) bounds them per remote port. */
const PER_PORT = 16_000;
const BATCH = 2_000;

function settle(): { heap: number; external: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.arrayBuffers, rss: m.rss };
}

function run(pairs: number, mode: MemoryMode): MemoryReport {
  const exchanged = mode !== "fresh";
  const clock = new VirtualClock();
  const [la, lb] = memoryLinkPair({ clock });
  const a = new IpStack({ address: "10.0.0.1", link: la, clock });
  const b = new IpStack({ address: "10.0.0.2", link: lb, clock });
  const servers: Connection[] = [];
  const clients: Connection[] = new Array(pairs);
  const ports = Math.ceil(pairs / PER_PORT);
  for (let p = 0; p < ports; p++) {
    const listener = b.listen(5000 + p, { backlog: BATCH * 2 });
    listener.onConnection = () => {
      for (let c = listener.accept(); c !== null; c = listener.accept()) servers.push(c);
    };
  }
  const request = new Uint8Array(100).fill(1);
  const before = settle();
  const t0 = performance.now();
  for (let start = 0; start < pairs; start += BATCH) {
    const end = Math.min(pairs, start + BATCH);
    for (let i = start; i < end; i++) clients[i] = a.connect("10.0.0.2", 5000 + Math.floor(i / PER_PORT));
    clock.runUntilCondition(() => servers.length >= end, 60_000);
    if (exchanged) {
      for (let i = start; i < end; i++) clients[i].write(request);
      clock.runUntilIdle(60_000);
      for (let i = start; i < end; i++) {
        servers[i].read();
        servers[i].write(request);
      }
      clock.runUntilIdle(60_000);
      for (let i = start; i < end; i++) clients[i].read();
    }
    // Idle: every pending timer (delayed ACKs) fires, none re-arms.
    clock.runUntilIdle(60_000);
  }
  if (mode === "time-wait") {
    // All at once, after the batches: their idling would run the 2 MSL timers out too.
    for (const c of clients) c.shutdown();
    clock.runUntilCondition(() => servers.every((s) => s.readEnded), 60_000);
    for (const s of servers) s.shutdown();
    clock.runUntilCondition(() => servers.every((s) => s.state === "CLOSED"), 60_000);
  }
  const openSeconds = (performance.now() - t0) / 1000;
  const clientState = mode === "time-wait" ? "TIME-WAIT" : "ESTABLISHED";
  const serverState = mode === "time-wait" ? "CLOSED" : "ESTABLISHED";
  let wrongState = pairs - servers.length;
  for (const c of clients) if (c.state !== clientState) wrongState++;
  for (const c of servers) if (c.state !== serverState) wrongState++;
  // Closed connections are the stack's no longer: only this list would keep them.
  if (mode === "time-wait") servers.length = 0;
  const after = settle();
  const endpoints = mode === "time-wait" ? pairs : pairs * 2;
  const liveSampled = mode === "time-wait" ? 0 : sampleLive(clock, clients, servers);
  const v8 = process.memoryUsage();
  const heapBytes = after.heap - before.heap;
  const externalBytes = after.external - before.external;
  const report: MemoryReport = {
    pairs,
    endpoints,
    mode,
    heapBytes,
    externalBytes,
    bytesPerEndpoint: (heapBytes + externalBytes) / endpoints,
    heapLimitBytes: heapLimit(),
    rssBytes: v8.rss,
    rssPerEndpoint: (after.rss - before.rss) / endpoints,
    openSeconds,
    wrongState,
    liveSampled,
  };
  a.close();
  b.close();
  return report;
}

/** A byte each way on an evenly spaced sample of the connections: how many still delivered it. */
function sampleLive(clock: VirtualClock, clients: Connection[], servers: Connection[]): number {
  const pairs = clients.length;
  // Still alive: a byte each way on an evenly spaced sample.
  const sample = Math.min(pairs, 100);
  let liveSampled = 0;
  const probe = new Uint8Array([42]);
  const picked = Array.from({ length: sample }, (_, k) => Math.floor((k * pairs) / sample));
  for (const i of picked) clients[i].write(probe);
  clock.runUntilIdle(60_000);
  for (const i of picked) {
    const s = servers.find((x) => x.remotePort === clients[i].localPort && x.localPort === clients[i].remotePort);
    if (s?.read()?.[0] === 42) {
      s.write(probe);
      liveSampled++;
    }
  }
  clock.runUntilIdle(60_000);
  for (const i of picked) if (clients[i].read()?.[0] !== 42) liveSampled--;
  return liveSampled;
}

function heapLimit(): number {
  const flag = process.execArgv.find((f) => f.startsWith("--max-old-space-size="));
  return flag === undefined ? NaN : Number(flag.split("=")[1]) * 1024 * 1024;
}

const pairs = Number(process.argv[2]);
const mode = (process.argv[3] ?? "fresh") as MemoryMode;
if (!Number.isInteger(pairs) || pairs < 1 || !["fresh", "exchanged", "time-wait"].includes(mode))
  throw new Error("usage: memory-worker.js PAIRS [exchanged|fresh|time-wait]");
process.stdout.write(`${JSON.stringify(run(pairs, mode))}\n`);
