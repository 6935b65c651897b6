/**
 * `--suite flood`: the seeded SYN flood of flood-scenario.ts (10,000 spoofed SYNs per virtual
 * second into backlog 128, 100 real clients per virtual second doing a request and a 2 KiB response).
 * Figures: SYNs absorbed per CPU-second while serving, the share of real clients served, the budget's peak.
 *
 * Beside it, Node's `net` on 127.0.0.1 serving the same request/response clients. A spoofed SYN flood
 * against the kernel needs raw sockets (root), so `net` is measured without one: its figure is the anchor
 * for our clients served per CPU-second without a flood, measured in the same run (the ratio is what
 * means something). The kernel under a raw-socket flood is tested in test/interop/syn-flood.test.ts.
 */
import { createServer, connect as netConnect, type AddressInfo } from "node:net";
import { runFlood } from "./flood-scenario.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";

const RESPONSE = 2048;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Node `net` on loopback: `clients` connections, each a request and a RESPONSE-byte reply; CPU-seconds used. */
async function netClients(clients: number): Promise<{ served: number; cpu: number }> {
  const reply = Buffer.alloc(RESPONSE, 0x61);
  const server = createServer((s) => {
    s.once("data", () => s.end(reply));
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const c0 = cpuSeconds();
  let served = 0;
  // 32 at a time, as the flood's clients overlap.
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      let got = 0;
      const c = netConnect(port, "127.0.0.1", () => c.write("GET /file HTTP/1.0\r\n\r\n"));
      c.on("data", (d: Buffer) => (got += d.length));
      c.on("end", () => {
        if (got === RESPONSE) served++;
        c.end();
        resolve();
      });
      c.on("error", () => resolve());
    });
  const worker = async () => {
    while (next < clients) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const cpu = cpuSeconds() - c0;
  await new Promise<void>((r) => server.close(() => r()));
  return { served, cpu };
}

const suite: BenchSuite = {
  name: "flood",
  targets: [{ figure: "flood.clients_served_share", atLeast: 0.99, what: "real clients served during the flood" }],
  async run(o: BenchOptions): Promise<Figure[]> {
    const seconds = o.quick ? 2 : 10;
    const c0 = cpuSeconds();
    const w0 = performance.now();
    const r = runFlood({ syns: 10_000 * seconds, seconds, clients: 100 * seconds, backlog: 128, seed: 13 });
    const cpu = cpuSeconds() - c0;
    const wall = (performance.now() - w0) / 1000;
    o.log(
      `${r.synsInjected} SYNs, ${r.clients} clients in ${seconds} virtual s: ${r.served} served, ${r.cookiesSent} cookies ` +
        `(${r.cookiesAccepted} came back), ${r.synQueuePruned} half-open given up; budget peak ${r.budgetPeak} B; ` +
        `${cpu.toFixed(2)} CPU s, ${wall.toFixed(2)} wall s`,
    );
    const c1 = cpuSeconds();
    const calm = runFlood({ syns: 0, seconds, clients: 100 * seconds, backlog: 128, seed: 13 });
    const calmCpu = cpuSeconds() - c1;
    const net = await netClients(100 * seconds);
    o.log(
      `no flood: wirestate ${calm.served}/${calm.clients} clients in ${calmCpu.toFixed(2)} CPU s; ` +
        `Node net on 127.0.0.1 ${net.served}/${100 * seconds} in ${net.cpu.toFixed(2)} CPU s`,
    );
    return [
      { name: "flood.syns_absorbed_per_cpu_sec", value: r.synsInjected / cpu, unit: "SYN/s" },
      { name: "flood.syns_absorbed_per_wall_sec", value: r.synsInjected / wall, unit: "SYN/s" },
      { name: "flood.clients_served_share", value: r.served / r.clients, unit: "ratio" },
      { name: "flood.budget_peak", value: r.budgetPeak, unit: "B" },
      { name: "flood.calm_clients_per_cpu_sec", value: calm.served / calmCpu, unit: "conn/s" },
      { name: "flood.net_clients_per_cpu_sec", value: net.served / net.cpu, unit: "conn/s" },
    ];
  },
};

export default suite;
