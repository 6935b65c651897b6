import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Prng } from "../../src/link/prng.js";
import type { TcpConnection } from "../../src/tcp/connection.js";
import type { Connection } from "../../src/tcp/types.js";
import { buildPacket, parseIpv4, parsePacket } from "../../src/wire/index.js";
import type { PacketFields, ParsedPacket } from "../../src/wire/types.js";
import { readPcap } from "../helpers/pcap-reader.js";
import { A, B, bytes, pair, pump, sha, sink } from "./harness.js";

/**
 * Issue 13 fuzzing: a seeded mutator (not fast-check: no shrinking, so a million packets take seconds)
 * throws random and mutated packets at two live stacks that hold established connections mid-transfer.
 * Bases: the real Linux captures of ../shared/vectors (copied in test/wire/vectors) and the live link's own
 * packets. Nothing may throw, hang or grow, and every connection still delivers its bytes exactly.
 *
 * The 1,000,000 packets took 41 s of wall time on the shared 2-core machine (and 69 s pro rata
 * under more load), so the default run is 200,000 (seed 13); WIRESTATE_STORM_PACKETS=1000000 runs the full
 * count.
 */
const PACKETS = Number(process.env.WIRESTATE_STORM_PACKETS ?? 200_000);
const SEED = 13;
const CONNECTIONS = 4;
const SIZE = 512 * 1024;

function vectorPackets(): ParsedPacket[] {
  const out: ParsedPacket[] = [];
  for (const f of ["linux-http-clean.pcap", "linux-http-loss.pcap", "linux-closed-port.pcap"]) {
    const file = readPcap(readFileSync(new URL(`../wire/vectors/${f}`, import.meta.url)));
    for (const r of file.records) {
      const p = parsePacket(r.data);
      if (p.ok) out.push({ ...p, payload: p.payload.slice() });
    }
  }
  return out;
}

describe("packet storm: random and mutated packets into live stacks (issue 13)", () => {
  it(`${PACKETS.toLocaleString("en")} packets, seed ${SEED}: no throw, no hang, no growth, exact delivery`, () => {
    const env = pair({ delay: 1, seed: SEED }, {}, undefined, { memoryLimit: 16 * 2 ** 20 });
    const listener = env.b.listen(7000);
    const servers: TcpConnection[] = [];
    const sinks: Array<ReturnType<typeof sink>> = [];
    listener.onConnection = () => {
      const s = listener.accept()! as TcpConnection;
      servers.push(s);
      sinks.push(sink(s));
      s.events.onStateChange = (_f, to) => void (to === "CLOSE-WAIT" && s.shutdown());
    };
    const data = Array.from({ length: CONNECTIONS }, (_, i) => bytes(SIZE, 100 + i));
    const clients: Connection[] = data.map((d) => {
      const c = env.a.connect(B, 7000);
      pump(c, d);
      return c;
    });
    env.clock.runUntilCondition(() => servers.length === CONNECTIONS && sinks.every((s) => s.total > 0), 10_000);

    // The live link's packets join the bases as the run goes.
    const seen: ParsedPacket[] = [];
    const send = env.la.send.bind(env.la);
    env.la.send = (p: Uint8Array) => {
      if (seen.length < 2000) {
        const r = parsePacket(p);
        if (r.ok) seen.push({ ...r, payload: r.payload.slice() });
      }
      send(p);
    };
    const bases = vectorPackets();
    const rng = new Prng(SEED, 1);
    const pick = <T>(xs: readonly T[]): T => xs[rng.uint32() % xs.length];
    const ipA = parseIpv4(A);
    const ipB = parseIpv4(B);
    const before = { a: env.a.connectionCount, b: env.b.connectionCount };
    let peakConnections = 0;

    const mutate = (): Uint8Array => {
      const kind = rng.uint32() % 4;
      if (kind === 0) {
        // Random bytes, any length up to 120.
        const p = new Uint8Array(rng.uint32() % 121);
        for (let i = 0; i < p.length; i++) p[i] = rng.uint32() & 0xff;
        if (p.length > 0 && rng.uint32() % 2 === 0) p[0] = 0x45;
        return p;
      }
      const base = seen.length > 0 && rng.uint32() % 2 === 0 ? pick(seen) : pick(bases);
      const live = servers[rng.uint32() % servers.length];
      const f: PacketFields = {
        src: ipA,
        dst: ipB,
        srcPort: base.tcp.srcPort,
        dstPort: base.tcp.dstPort,
        seq: base.tcp.seq,
        ack: base.tcp.ack,
        flags: base.tcp.flags,
        window: base.tcp.window,
        options: base.tcp.options,
        payload: base.payload,
      };
      if (kind === 1) {
        // A vector or live packet readdressed to b, from a random source or port: listener, cookie and
        // closed-port paths with realistic options; header fields mutated, checksums right.
        f.src = rng.uint32() % 3 === 0 ? ipA : (0x0a000000 | (rng.uint32() & 0xffffff)) >>> 0;
        f.srcPort = 1 + (rng.uint32() % 65535);
        f.dstPort = pick([7000, 7000, 80, f.dstPort]);
        if (rng.uint32() % 2 === 0) f.flags = rng.uint32() & 0xff;
        if (rng.uint32() % 2 === 0) f.seq = rng.uint32();
        if (rng.uint32() % 2 === 0) f.ack = rng.uint32();
      } else {
        // Aimed at a live connection, blind: sequence and acknowledgment numbers far outside its windows.
        f.srcPort = live.remotePort;
        f.dstPort = 7000;
        f.seq = (live.tcb.rcvNxt + 0x4000_0000 + (rng.uint32() % 0x3fff_0000)) >>> 0;
        f.ack = (live.tcb.sndUna - 0x4000_0000 - (rng.uint32() % 0x3fff_0000)) >>> 0;
        f.flags = rng.uint32() & 0xff;
      }
      let p: Uint8Array;
      try {
        p = buildPacket(f);
      } catch {
        // Options a vector carries that do not fit with the mutation: send the raw base instead.
        p = buildPacket({ ...f, options: undefined });
      }
      if (kind === 3) {
        // Bit flips and truncation without fixing the checksums: the parser's and checksum's paths.
        const flips = 1 + (rng.uint32() % 4);
        for (let i = 0; i < flips; i++) p[rng.uint32() % p.length] ^= 1 << (rng.uint32() & 7);
        if (rng.uint32() % 4 === 0) p = p.subarray(0, rng.uint32() % p.length);
      }
      return p;
    };

    const started = performance.now();
    for (let i = 0; i < PACKETS; i++) {
      const p = mutate();
      (rng.uint32() % 8 === 0 ? env.a : env.b).input(p);
      if (i % 50 === 0) env.clock.advance(1);
      if (i % 10_000 === 0) peakConnections = Math.max(peakConnections, env.a.connectionCount + env.b.connectionCount);
    }
    const wallMs = performance.now() - started;

    // Bounded: the SYN queue (256) and the half-opens a blind attacker's SYNs made; the memory budget held.
    expect(peakConnections).toBeLessThanOrEqual(before.a + before.b + 256 + 64);
    expect(env.b.counters.memory.peak).toBeLessThanOrEqual(env.b.counters.memory.limit);
    // Exact delivery afterwards.
    const done = env.clock.runUntilCondition(
      () => sinks.every((s) => s.ended) && clients.every((c) => c.state === "TIME-WAIT" || c.state === "CLOSED"),
      600_000,
    );
    expect(done, `transfers finished (${clients.map((c) => c.state)})`).toBe(true);
    sinks.forEach((s, i) => expect(sha(s.data())).toBe(sha(data[i])));
    expect(env.clock.runUntilIdle(3_600_000)).toBe(true);
    expect(env.a.connectionCount + env.b.connectionCount).toBe(0);
    expect(env.b.counters.memory.used).toBe(0);
    // Say what ran (the count, the seed and how long it took).
    console.log(`packet storm: ${PACKETS} packets, seed ${SEED}, ${Math.round(wallMs)} ms`);
  }, 900_000);
});
