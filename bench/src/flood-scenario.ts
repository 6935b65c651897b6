/**
 * A seeded SYN flood on the virtual clock: `syns` SYNs from random spoofed sources over
 * `seconds` virtual seconds into a listener with `backlog`, interleaved with `clients` real clients that
 * each connect, send a request and read a whole response. Both stacks share one clock; the flood is
 * injected straight into the server's input, and its SYN-ACKs go out over the link to addresses nobody
 * has. The test (test/stack/flood.test.ts) and the bench (flood-suite.ts) run the same scenario.
 */
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { Prng } from "../../src/link/prng.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { Connection } from "../../src/tcp/types.js";
import { buildPacketInto, maxPacketLength } from "../../src/wire/build.js";
import { parseIpv4 } from "../../src/wire/ipv4-address.js";
import { TcpFlags } from "../../src/wire/types.js";

export interface FloodOptions {
  syns: number;
  seconds: number;
  clients: number;
  backlog: number;
  seed: number;
  memoryLimit?: number;
  /** Response bytes per client. */
  responseBytes?: number;
  /** Floods to run one after the other into the same stacks (default 1), with a quiet 130 s between. */
  rounds?: number;
  /** Called after each round's quiet time (for heap measurements). */
  afterRound?: (round: number) => void;
}

export interface FloodResult {
  /** Clients served (every round together), of `clients` per round. */
  served: number;
  clients: number;
  synsInjected: number;
  cookiesSent: number;
  cookiesAccepted: number;
  synQueuePruned: number;
  /** The server's memory budget: peak and what is left charged at the end. */
  budgetPeak: number;
  budgetLimit: number;
  budgetUsedAtEnd: number;
  /** Most TCBs the server held at once (sampled every virtual millisecond). */
  peakConnections: number;
  /** Virtual seconds until the last client was served (or gave up). */
  virtualSeconds: number;
  /** The two stacks, for checks after the run. */
  server: IpStack;
  client: IpStack;
  clock: VirtualClock;
}

const SERVER = "10.0.0.2";
const CLIENT = "10.0.0.1";
const REQUEST = new TextEncoder().encode("GET /file HTTP/1.0\r\n\r\n");

export function runFlood(o: FloodOptions): FloodResult {
  const clock = new VirtualClock(1_000_000);
  const [la, lb] = memoryLinkPair({ clock, delay: 5, jitter: 3, seed: o.seed });
  const client = new IpStack({ address: CLIENT, link: la, clock });
  const server = new IpStack({ address: SERVER, link: lb, clock, memoryLimit: o.memoryLimit });
  const response = new Uint8Array(o.responseBytes ?? 2048).fill(0x61);
  const listener = server.listen(80, { backlog: o.backlog });
  listener.onConnection = () => {
    for (let s = listener.accept(); s !== null; s = listener.accept()) serve(s, response);
  };

  const rng = new Prng(o.seed, 7);
  const dst = parseIpv4(SERVER);
  const packet = new Uint8Array(maxPacketLength(0) + 40);
  const fields = {
    src: 0,
    dst,
    srcPort: 0,
    dstPort: 80,
    seq: 0,
    flags: TcpFlags.SYN,
    window: 29200,
    options: { mss: 1460 },
  };
  const flood = (n: number) => {
    for (let i = 0; i < n; i++) {
      // Spoofed sources anywhere in 172.16.0.0/12: none is a real host on this link.
      fields.src = (0xac100000 | (rng.uint32() & 0xfffff)) >>> 0;
      fields.srcPort = 1024 + (rng.uint32() % 64000);
      fields.seq = rng.uint32();
      const len = buildPacketInto(fields, packet, 0);
      server.input(packet.subarray(0, len));
    }
  };

  let served = 0;
  let finished = 0;
  const startClient = () => {
    const conn = client.connect(SERVER, 80);
    let got = 0;
    const drain = () => {
      for (let c = conn.read(); c !== null; c = conn.read()) got += c.length;
    };
    conn.events = {
      onStateChange: (_from, to) => {
        if (to === "ESTABLISHED") conn.write(REQUEST);
        if (to === "CLOSE-WAIT") {
          // The FIN's state change comes before the readable notice of the data in front of it.
          drain();
          if (got === response.length) served++;
          finished++;
          conn.shutdown();
        }
      },
      onReadable: drain,
      onError: () => void finished++,
    };
  };

  // One virtual millisecond at a time: its share of the flood, the clients due in it, then the clock.
  const ms = o.seconds * 1000;
  const rounds = o.rounds ?? 1;
  let injected = 0;
  let peakConnections = 0;
  let virtualSeconds = 0;
  for (let round = 0; round < rounds; round++) {
    const begin = clock.now();
    let roundInjected = 0;
    let started = 0;
    for (let t = 1; t <= ms; t++) {
      const synsBy = Math.floor((o.syns * t) / ms);
      flood(synsBy - roundInjected);
      roundInjected = synsBy;
      const clientsBy = Math.floor((o.clients * t) / ms);
      while (started < clientsBy) {
        startClient();
        started++;
      }
      clock.advance(1);
      peakConnections = Math.max(peakConnections, server.connectionCount);
    }
    injected += roundInjected;
    clock.runUntilCondition(() => finished === o.clients * (round + 1), 120_000);
    virtualSeconds = Math.max(virtualSeconds, (clock.now() - begin) / 1000);
    if (o.afterRound !== undefined) {
      // Half-open entries give up (63 s of SYN-ACK retries) and TIME-WAIT ends (60 s): back to idle.
      clock.advance(130_000);
      o.afterRound(round);
    }
  }
  const c = server.counters;
  return {
    served,
    clients: o.clients,
    synsInjected: injected,
    cookiesSent: c.synCookiesSent,
    cookiesAccepted: c.synCookiesAccepted,
    synQueuePruned: c.synQueuePruned,
    budgetPeak: c.memory.peak,
    budgetLimit: c.memory.limit,
    budgetUsedAtEnd: c.memory.used,
    peakConnections,
    virtualSeconds,
    server,
    client,
    clock,
  };
}

/** The server's side of one request: once it has read some of it, send `response` and close. */
export function serve(s: Connection, response: Uint8Array): void {
  let off = 0;
  let requested = false;
  const push = () => {
    while (off < response.length) {
      const n = s.write(response.subarray(off));
      if (n === 0) return;
      off += n;
    }
    s.shutdown();
  };
  s.events = {
    onReadable: () => {
      while (s.read() !== null) requested = true;
      if (requested && off === 0) push();
    },
    onWritable: () => {
      if (requested && off < response.length) push();
    },
  };
}
