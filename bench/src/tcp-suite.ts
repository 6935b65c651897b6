/**
 * The TCP engine's benchmark: bulk transfer between two IpStacks in one process over the in-memory link
 * (no impairments, RealClock) at MTU 1500 and 65535, connection setup+teardown rate, and Node's own `net` over loopback
 * (127.0.0.1 only, the kernel as reference) moving the same bytes in the same run. Rates are per
 * CPU-second like the rest of the bench (the wall-clock ones swing 2-3x on the shared machine), with the
 * wall-clock figures alongside. The kernel's CPU time is this process's syscalls (loopback runs in them).
 */
import { createServer, connect as netConnect, type AddressInfo } from "node:net";
import { RealClock } from "../../src/clock/real-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import type { Connection } from "../../src/tcp/types.js";
import { engineHas } from "./engine-features.js";
import { median } from "./measure.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";

const CHUNK = 64 * 1024;

/** Work done, and the wall-clock and CPU seconds it took (CPU time includes Node's helper threads). */
interface Timed {
  units: number;
  wall: number;
  cpu: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Starts a stopwatch; `stop(units)` gives the Timed record. */
function stopwatch(): (units: number) => Timed {
  const w0 = performance.now();
  const c0 = cpuSeconds();
  return (units) => ({ units, wall: (performance.now() - w0) / 1000, cpu: cpuSeconds() - c0 });
}

interface BulkResult {
  bits: Timed;
  segments: number;
}

/**
 * At MTU 65535 a segment carries up to 65495 bytes, so a 65535-byte window would hold one segment: the
 * jumbo runs use a 1 MiB window when the engine has window scaling (as the kernel's autotuned buffers do).
 */
function tcpConfig(mtu: number): Partial<TcpConfig> {
  if (mtu <= 1500) return { sendBufferSize: 1 << 20, receiveBufferSize: 65535 };
  return { mss: mtu - 40, sendBufferSize: 4 << 20, receiveBufferSize: engineHas("windowScale") ? 1 << 20 : 65535 };
}

function stacks(mtu: number) {
  const clock = new RealClock();
  const [la, lb] = memoryLinkPair({ clock, mtu });
  const tcp = tcpConfig(mtu);
  const a = new IpStack({ address: "10.0.0.1", link: la, clock, tcp });
  const b = new IpStack({ address: "10.0.0.2", link: lb, clock, tcp });
  return { a, b };
}

/** Moves `total` bytes from a to b; times from the first write to the receiver seeing the FIN. */
function bulk(total: number, mtu: number): Promise<BulkResult> {
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
      server.events.onReadable = () => {
        for (let c = server.read(); c !== null; c = server.read()) received += c.length;
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
        const n = client.write(source.subarray(0, Math.min(CHUNK, total - sent)));
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

/** `count` connections, `parallel` at a time: handshake, close from both sides, until both ends finished. */
function setupTeardown(count: number, parallel: number): Promise<Timed> {
  const { a, b } = stacks(1500);
  const listener = b.listen(5002, { backlog: parallel * 2 });
  listener.onConnection = () => {
    for (let s = listener.accept(); s !== null; s = listener.accept()) {
      const server = s;
      server.events.onStateChange = (_f, to) => {
        if (to === "CLOSE-WAIT") server.shutdown();
      };
    }
  };
  const stop = stopwatch();
  return new Promise<Timed>((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const start = () => {
      if (started >= count) return;
      started++;
      const c: Connection = a.connect("10.0.0.2", 5002);
      c.events.onError = (r) => reject(new Error(`connection failed: ${r}`));
      c.events.onStateChange = (_f, to) => {
        if (to === "ESTABLISHED") c.shutdown();
        if (to === "TIME-WAIT" || to === "CLOSED") {
          finished++;
          if (finished === count) resolve(stop(count));
          else start();
        }
      };
    };
    for (let i = 0; i < parallel; i++) start();
  }).finally(() => {
    a.close();
    b.close();
  });
}

/** The same transfer through the kernel: Node `net`, both ends in this process, 127.0.0.1 only. */
function nodeNet(total: number): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const source = Buffer.alloc(CHUNK, 7);
    let received = 0;
    let stop: ((units: number) => Timed) | null = null;
    const server = createServer((sock) => {
      sock.on("data", (d: Buffer) => {
        received += d.length;
      });
      sock.on("end", () => {
        const bits = stop!(total * 8);
        sock.end();
        server.close();
        if (received !== total) reject(new Error(`net: received ${received} of ${total}`));
        else resolve(bits);
      });
    });
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      const client = netConnect(port, "127.0.0.1", () => {
        stop = stopwatch();
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            const n = Math.min(CHUNK, total - sent);
            sent += n;
            if (!client.write(n === CHUNK ? source : source.subarray(0, n))) return void client.once("drain", pump);
          }
          client.end();
        };
        pump();
      });
      client.on("error", reject);
    });
  });
}

const suite: BenchSuite = {
  name: "tcp",
  targets: [
    { figure: "tcp.bulk.mtu1500.gbps", atLeast: 1, what: "bulk payload at MTU 1500 >= 1 Gbit/s (issue 4)" },
    { figure: "tcp.bulk.mtu1500.gbps", atLeast: 5, what: "bulk payload at MTU 1500 >= 5 Gbit/s on one core (issue 6)" },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const runs = o.quick ? 1 : 5;
    const total = o.quick ? 16 << 20 : 128 << 20;
    await bulk(o.quick ? 4 << 20 : 48 << 20, 1500); // warm-up: JIT and the WASM module
    await bulk(o.quick ? 4 << 20 : 48 << 20, 65535);
    await nodeNet(4 << 20);
    // Interleaved, so a burst of load from other jobs hits all alike and the ratios stay meaningful.
    const ours: BulkResult[] = [];
    const jumbo: BulkResult[] = [];
    const kernel: Timed[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(await bulk(total, 1500));
      jumbo.push(await bulk(total, 65535));
      kernel.push(await nodeNet(total));
    }
    const perCpu = (t: Timed) => t.units / t.cpu;
    const perWall = (t: Timed) => t.units / t.wall;
    const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    const bits = ours.map((r) => r.bits);
    o.log(`bulk ${total >> 20} MiB a->b, MTU 1500, Gbit/s per CPU-second: ${list(bits.map((t) => perCpu(t) / 1e9))}`);
    o.log(`  the same per wall-clock second: ${list(bits.map((t) => perWall(t) / 1e9))}`);
    const jumboBits = jumbo.map((r) => r.bits);
    o.log(
      `bulk ${total >> 20} MiB a->b, MTU 65535, Gbit/s per CPU-second: ${list(jumboBits.map((t) => perCpu(t) / 1e9))}`,
    );
    o.log(`  the same per wall-clock second: ${list(jumboBits.map((t) => perWall(t) / 1e9))}`);
    o.log(`node net over 127.0.0.1 per CPU-second: ${list(kernel.map((t) => perCpu(t) / 1e9))}`);
    o.log(`  the same per wall-clock second: ${list(kernel.map((t) => perWall(t) / 1e9))}`);
    const gbps = median(bits.map(perCpu)) / 1e9;
    const net = median(kernel.map(perCpu)) / 1e9;
    const jumboGbps = median(jumboBits.map(perCpu)) / 1e9;
    const setups: Timed[] = [];
    for (let i = 0; i < (o.quick ? 1 : 3); i++) setups.push(await setupTeardown(o.quick ? 500 : 4000, 32));
    return [
      { name: "tcp.bulk.mtu1500.gbps", value: gbps, unit: "Gbit/s" },
      { name: "tcp.bulk.mtu1500.gbps_wall", value: median(bits.map(perWall)) / 1e9, unit: "Gbit/s" },
      {
        name: "tcp.bulk.mtu1500.segments_per_sec",
        value: median(ours.map((r) => r.segments / r.bits.cpu)),
        unit: "seg/s",
      },
      { name: "tcp.node_net_loopback.gbps", value: net, unit: "Gbit/s" },
      { name: "tcp.node_net_loopback.gbps_wall", value: median(kernel.map(perWall)) / 1e9, unit: "Gbit/s" },
      { name: "tcp.bulk.ratio_vs_node_net", value: gbps / net, unit: "x" },
      { name: "tcp.bulk.mtu65535.gbps", value: jumboGbps, unit: "Gbit/s" },
      { name: "tcp.bulk.mtu65535.gbps_wall", value: median(jumboBits.map(perWall)) / 1e9, unit: "Gbit/s" },
      {
        name: "tcp.bulk.mtu65535.segments_per_sec",
        value: median(jumbo.map((r) => r.segments / r.bits.cpu)),
        unit: "seg/s",
      },
      { name: "tcp.bulk.mtu65535.ratio_vs_node_net", value: jumboGbps / net, unit: "x" },
      { name: "tcp.setup_teardown.per_sec", value: median(setups.map(perCpu)), unit: "conn/s" },
      { name: "tcp.setup_teardown.per_sec_wall", value: median(setups.map(perWall)), unit: "conn/s" },
    ];
  },
};

export default suite;
