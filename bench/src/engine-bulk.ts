/**
 * The engine's own bulk transfer, the figure other suites compare against: two IpStacks in one process
 * over the in-memory link (no impairments, RealClock), `total` bytes a->b through the engine's callback
 * API, timed from the first write to the receiver seeing the FIN, per CPU-second.
 */
import { RealClock } from "../../src/clock/real-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import { engineHas } from "./engine-features.js";

/** Bytes per write, as the suites write them. */
export const CHUNK = 64 * 1024;

/** Work done, and the wall-clock and CPU seconds it took (CPU time includes Node's helper threads). */
export interface Timed {
  units: number;
  wall: number;
  cpu: number;
}

export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** A transfer timed in bits, as Gbit/s per CPU-second: the figure the bulk suites report. */
export function gbitsPerCpuSecond(t: Timed): number {
  return t.units / t.cpu / 1e9;
}

/** Starts a stopwatch; `stop(units)` gives the Timed record. */
export function stopwatch(): (units: number) => Timed {
  const w0 = performance.now();
  const c0 = cpuSeconds();
  return (units) => ({ units, wall: (performance.now() - w0) / 1000, cpu: cpuSeconds() - c0 });
}

export interface BulkResult {
  bits: Timed;
  segments: number;
}

/**
 * At MTU 65535 a segment carries up to 65495 bytes, so a 65535-byte window would hold one segment: the
 * jumbo runs use a 1 MiB window when the engine has window scaling (as the kernel's autotuned buffers do).
 */
export function tcpConfig(mtu: number): Partial<TcpConfig> {
  if (mtu <= 1500) return { sendBufferSize: 1 << 20, receiveBufferSize: 65535 };
  return { mss: mtu - 40, sendBufferSize: 4 << 20, receiveBufferSize: engineHas("windowScale") ? 1 << 20 : 65535 };
}

export function stacks(mtu: number) {
  const clock = new RealClock();
  const [la, lb] = memoryLinkPair({ clock, mtu });
  const tcp = tcpConfig(mtu);
  const a = new IpStack({ address: "10.0.0.1", link: la, clock, tcp });
  const b = new IpStack({ address: "10.0.0.2", link: lb, clock, tcp });
  return { a, b };
}

/** Moves `total` bytes from a to b; times from the first write to the receiver seeing the FIN. */
/**
 * How the receiver takes the bytes: "into" one buffer of its own (readInto), as the lwIP anchor's receiver
 * takes pbufs without an allocation; "owned" as chunks it keeps (read()), an allocation per call, which
 * is what the API's default readers hand out too.
 */
export type Reader = "into" | "owned";

/** How the sender hands the bytes over: copied into the send buffer (`write`), or taken over (`writeNoCopy`). */
export type Writer = "copy" | "no-copy";

export function bulk(
  total: number,
  mtu: number,
  reader: Reader = "into",
  writer: Writer = "copy",
): Promise<BulkResult> {
  const { a, b } = stacks(mtu);
  const source = new Uint8Array(CHUNK).map((_, i) => i & 255);
  return new Promise((resolve, reject) => {
    const listener = b.listen(5001);
    let received = 0;
    let stop: (units: number) => Timed = () => {
      throw new Error("stopped before starting");
    };
    listener.onConnection = () => {
      const server = listener.accept()!;
      const into = new Uint8Array(CHUNK);
      server.events.onReadable = () => {
        if (reader === "into") for (let n = server.readInto(into); n > 0; n = server.readInto(into)) received += n;
        else for (let c = server.read(); c !== null; c = server.read()) received += c.length;
        if (server.readEnded) {
          const bits = stop(total * 8);
          server.shutdown();
          if (received !== total) reject(new Error(`received ${received} of ${total} bytes`));
          else resolve({ bits, segments: a.counters.segmentsOut });
        }
      };
    };
    const client = a.connect("10.0.0.2", 5001);
    let sent = 0;
    const fill = () => {
      while (sent < total) {
        // The source is never modified, so handing it over again and again keeps writeNoCopy's rule.
        const chunk = source.subarray(0, Math.min(CHUNK, total - sent));
        const n = writer === "copy" ? client.write(chunk) : client.writeNoCopy(chunk);
        if (n === 0) return;
        sent += n;
      }
      client.events.onWritable = undefined;
      client.shutdown();
    };
    client.events.onError = (r) => reject(new Error(`bulk transfer failed: ${r}`));
    client.events.onStateChange = (_from, to) => {
      if (to === "ESTABLISHED") {
        stop = stopwatch();
        fill();
      }
    };
    client.events.onWritable = fill;
  }).finally(() => {
    a.close();
    b.close();
  }) as Promise<BulkResult>;
}

/**
 * `count` connections, `parallel` at a time: `open(finished, fail)` starts one and calls `finished()`
 * once it is over. Resolves with the time from the first open to the last finish, `count` units.
 */
export function churn(
  count: number,
  parallel: number,
  open: (finished: () => void, fail: (error: Error) => void) => void,
): Promise<Timed> {
  const stop = stopwatch();
  return new Promise<Timed>((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const start = () => {
      if (started >= count) return;
      started++;
      open(() => {
        finished++;
        if (finished === count) resolve(stop(count));
        else start();
      }, reject);
    };
    for (let i = 0; i < parallel; i++) start();
  });
}
