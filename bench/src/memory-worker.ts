/**
 * Child process of the memory suite (run with --expose-gc and a heap cap): opens `pairs` connections between
 * two IpStacks on a VirtualClock over a clean memory link, lets them go idle in ESTABLISHED, and prints one
 * JSON line: the heap (and ArrayBuffer memory) they hold after a full GC, per endpoint. Optionally each
 * connection first carries a small request and reply, so its buffers have been used (the realistic idle connection
 * of a keep-alive protocol); without, it holds only what the handshake made.
 *
 *   node --expose-gc --max-old-space-size=1024 dist-bench/bench/src/memory-worker.js PAIRS [exchanged|fresh]
 */
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { Connection } from "../../src/tcp/types.js";

export interface MemoryReport {
  pairs: number;
  endpoints: number;
  exchanged: boolean;
  heapBytes: number;
  externalBytes: number;
  /** (heap + ArrayBuffers) growth per endpoint. */
  bytesPerEndpoint: number;
  heapLimitBytes: number;
  rssBytes: number;
  /** Resident memory growth per endpoint (allocated buffer pages never touched are not resident). */
  rssPerEndpoint: number;
  openSeconds: number;
  /** Connections that were not ESTABLISHED at the end (must be 0). */
  notEstablished: number;
  /** Connections sampled after everything was open that still delivered a byte each way. */
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

function run(pairs: number, exchanged: boolean): MemoryReport {
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
  const openSeconds = (performance.now() - t0) / 1000;
  const after = settle();
  let notEstablished = 0;
  for (const c of clients) if (c.state !== "ESTABLISHED") notEstablished++;
  for (const c of servers) if (c.state !== "ESTABLISHED") notEstablished++;
  notEstablished += pairs - servers.length;
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
  const v8 = process.memoryUsage();
  const heapBytes = after.heap - before.heap;
  const externalBytes = after.external - before.external;
  const report: MemoryReport = {
    pairs,
    endpoints: pairs * 2,
    exchanged,
    heapBytes,
    externalBytes,
    bytesPerEndpoint: (heapBytes + externalBytes) / (pairs * 2),
    heapLimitBytes: heapLimit(),
    rssBytes: v8.rss,
    rssPerEndpoint: (after.rss - before.rss) / (pairs * 2),
    openSeconds,
    notEstablished,
    liveSampled,
  };
  a.close();
  b.close();
  return report;
}

function heapLimit(): number {
  const flag = process.execArgv.find((f) => f.startsWith("--max-old-space-size="));
  return flag === undefined ? NaN : Number(flag.split("=")[1]) * 1024 * 1024;
}

const pairs = Number(process.argv[2]);
if (!Number.isInteger(pairs) || pairs < 1) throw new Error("usage: memory-worker.js PAIRS [exchanged|fresh]");
process.stdout.write(`${JSON.stringify(run(pairs, process.argv[3] === "exchanged"))}\n`);
