import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TcpConnection } from "../../src/tcp/connection.js";
import type { Connection } from "../../src/tcp/types.js";
import {
  buildIcmp6Packet,
  buildIcmpPacket,
  buildPacket,
  buildUdp6Packet,
  buildUdpPacket,
  parseIpv4,
  parseIpv6,
} from "../../src/wire/index.js";
import { A6, B, B6, bytes, pair, pump, sha, sink, type Family } from "./harness.js";

const SRC = parseIpv4("10.0.0.1");
const DST = parseIpv4("10.0.0.2");

/** A live connection a -> b:7000 moving `size` bytes, with hooks to inject packets into b between deliveries. */
function live(size: number, family: Family = 4) {
  const env = pair({ delay: 1, seed: 5 }, { backlog: 16, synBacklog: 16 });
  const listener = env.b.listen(7000);
  const data = bytes(size, 3);
  let server: Connection | null = null;
  let got: ReturnType<typeof sink> | null = null;
  listener.onConnection = () => {
    server = listener.accept();
    got = sink(server!);
    server!.events.onStateChange = (_f, to) => {
      if (to === "CLOSE-WAIT") server!.shutdown();
    };
  };
  const client = env.a.connect(family === 6 ? B6 : B, 7000);
  pump(client, data);
  // Up to the middle of the transfer.
  env.clock.runUntilCondition(() => got !== null && got.total > size / 4, 60_000);
  return {
    env,
    client,
    get server() {
      return server as TcpConnection | null;
    },
    finish() {
      const ok = env.clock.runUntilCondition(() => got?.ended === true && client.state === "TIME-WAIT", 600_000);
      expect(ok, `finished (client ${client.state}, server ${server?.state})`).toBe(true);
      expect(got!.total).toBe(size);
      expect(sha(got!.data())).toBe(sha(data));
    },
  };
}

const rawPacket = fc.uint8Array({ minLength: 0, maxLength: 120 });

/** Fields of a valid-checksum segment aimed at b; numbers are offsets that keep it off the live window. */
const segmentSpec = fc.record({
  toLive: fc.boolean(),
  port: fc.integer({ min: 1, max: 65535 }),
  dstPort: fc.constantFrom(7000, 7001, 80),
  seqOffset: fc.integer({ min: 70_000, max: 0x7fff_0000 }),
  ackOffset: fc.integer({ min: 70_000, max: 0x7fff_0000 }),
  flags: fc.integer({ min: 0, max: 255 }),
  window: fc.integer({ min: 0, max: 65535 }),
  mss: fc.option(fc.integer({ min: 0, max: 65535 })),
  payload: fc.uint8Array({ maxLength: 64 }),
});
type SegmentSpec = typeof segmentSpec extends fc.Arbitrary<infer T> ? T : never;

/** Far from RCV.NXT and SND.UNA of the live connection: what a blind attacker may send. */
function blind(s: SegmentSpec, liveClientPort: number, server: TcpConnection): Uint8Array {
  return buildPacket({
    src: SRC,
    dst: DST,
    srcPort: s.toLive ? liveClientPort : s.port,
    dstPort: s.toLive ? 7000 : s.dstPort,
    seq: (server.tcb.rcvNxt + s.seqOffset) >>> 0,
    ack: (server.tcb.sndUna - s.ackOffset) >>> 0,
    flags: s.flags,
    window: s.window,
    ...(s.mss !== null ? { options: { mss: s.mss } } : {}),
    payload: s.payload,
  });
}

describe("fuzz: random and hostile packets into a stack with a live connection", () => {
  it("random bytes and bit-flipped packets: nothing escapes, the transfer completes exactly", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            rawPacket,
            fc.tuple(fc.nat(), fc.nat()).map(([i, bit]) => ({ i, bit })),
          ),
          { maxLength: 150 },
        ),
        (items) => {
          const t = live(40_000);
          const sample = buildPacket({
            src: SRC,
            dst: DST,
            srcPort: t.client.localPort,
            dstPort: 7000,
            seq: 1,
            ack: 1,
            flags: 0x10,
            window: 100,
            payload: bytes(30, 1),
          });
          for (const item of items) {
            if (item instanceof Uint8Array) {
              t.env.b.input(item);
            } else {
              const p = sample.slice();
              const bit = item.bit % (p.length * 8);
              p[bit >>> 3] ^= 1 << (bit & 7);
              t.env.b.input(p);
            }
            t.env.clock.advance(1);
          }
          t.finish();
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  });

  it("well-formed blind segments (any flags, options, ports; off-window numbers) change nothing", () => {
    fc.assert(
      fc.property(fc.array(segmentSpec, { maxLength: 120 }), (specs) => {
        const t = live(60_000);
        const before = t.env.b.connectionCount;
        for (const spec of specs) {
          t.env.b.input(blind(spec, t.client.localPort, t.server!));
          t.env.clock.advance(1);
        }
        // Bounded: SYNs from random ports fill at most the backlog.
        expect(t.env.b.connectionCount).toBeLessThanOrEqual(before + 16);
        t.finish();
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it("in-window hostile segments may end the connection, but never throw, hang or leak", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            seq: fc.integer({ min: -3000, max: 70_000 }),
            ack: fc.integer({ min: -70_000, max: 3000 }),
            flags: fc.nat(255),
            window: fc.nat(65535),
            len: fc.nat(1460),
          }),
          { maxLength: 80 },
        ),
        (specs) => {
          const t = live(30_000);
          for (const s of specs) {
            const srv = t.server!;
            t.env.b.input(
              buildPacket({
                src: SRC,
                dst: DST,
                srcPort: t.client.localPort,
                dstPort: 7000,
                seq: (srv.tcb.rcvNxt + s.seq) >>> 0,
                ack: (srv.tcb.sndUna + s.ack) >>> 0,
                flags: s.flags,
                window: s.window,
                payload: bytes(s.len, s.seq),
              }),
            );
            t.env.clock.advance(1);
          }
          t.client.abort();
          t.server!.abort();
          expect(t.env.clock.runUntilIdle(3_600_000)).toBe(true);
          expect(t.env.a.connectionCount + t.env.b.connectionCount).toBe(0);
        },
      ),
      { numRuns: 30, seed: 3 },
    );
  });

  it("a SYN flood is bounded by the SYN queue, answered with cookies and counted", () => {
    const t = live(20_000);
    for (let port = 1; port <= 2000; port++) {
      t.env.b.input(
        buildPacket({ src: SRC, dst: DST, srcPort: port, dstPort: 7000, seq: port * 7919, flags: 0x02, window: 1000 }),
      );
    }
    expect(t.env.b.connectionCount).toBeLessThanOrEqual(1 + 16);
    expect(t.env.b.counters.synCookiesSent).toBe(2000 - 16);
    t.finish();
  });
});

describe("fuzz: blind ICMP errors and UDP against a stack with a live connection (RFC 5927)", () => {
  it("errors of any type and code quoting the live 4-tuple off its window, and stray datagrams, change nothing", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom(3, 4, 5, 11, 12),
            code: fc.integer({ min: 0, max: 15 }),
            seqOffset: fc.integer({ min: 70_000, max: 0x7fff_0000 }),
            udpPort: fc.integer({ min: 1, max: 65535 }),
            payload: fc.uint8Array({ maxLength: 64 }),
          }),
          { maxLength: 100 },
        ),
        (specs) => {
          const t = live(400_000);
          const b = t.env.b;
          const drops = b.counters.drops;
          const before = drops["icmp-out-of-window"] + drops["icmp-no-connection"];
          let udp = 0;
          for (const s of specs) {
            // b's own segment to a, as a router would quote it, with a sequence number b never sent.
            const quoted = buildPacket({
              src: DST,
              dst: SRC,
              srcPort: 7000,
              dstPort: t.client.localPort,
              seq: (t.server!.tcb.sndMax + s.seqOffset) >>> 0,
              flags: 0x10,
              window: 1,
            });
            b.input(
              buildIcmpPacket({
                src: SRC,
                dst: DST,
                type: s.type,
                code: s.code,
                rest: 0,
                payload: quoted.subarray(0, 28),
              }),
            );
            b.input(buildUdpPacket({ src: SRC, dst: DST, srcPort: 9, dstPort: s.udpPort, payload: s.payload }));
            udp++;
            t.env.clock.advance(1);
          }
          expect(t.server?.info().softError).toBeUndefined();
          // Source quench (4) and redirect (5) are not matched to connections; the rest, frag-needed too
          // (path MTU discovery checks the window as well, RFC 5927 §7), fail the window check (or, once the
          // transfer has ended, find no connection).
          const matched = specs.filter((s) => s.type !== 4 && s.type !== 5).length;
          expect(drops["icmp-out-of-window"] + drops["icmp-no-connection"] - before).toBe(matched);
          expect(b.counters.datagramsIn).toBeGreaterThanOrEqual(udp);
          t.finish();
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  });
});

describe("fuzz: IPv6 packets into a stack with a live IPv6 connection", () => {
  const ends = { src: parseIpv6(A6), dst: parseIpv6(B6) };
  /** Extension headers (any type, length, options) put in front of `packet`'s upper layer. */
  const chain = fc.array(
    fc.record({
      type: fc.constantFrom(0, 43, 44, 60, 51, 59, 253),
      body: fc.uint8Array({ minLength: 7, maxLength: 23 }),
    }),
    { maxLength: 4 },
  );
  function withChain(packet: Uint8Array, headers: { type: number; body: Uint8Array }[]): Uint8Array {
    let p = packet;
    for (const h of headers) {
      const ext = new Uint8Array(1 + h.body.length);
      ext[0] = p[6];
      ext.set(h.body, 1);
      const out = new Uint8Array(p.length + ext.length);
      out.set(p.subarray(0, 40));
      out.set(ext, 40);
      out.set(p.subarray(40), 40 + ext.length);
      out[6] = h.type;
      out[4] = (out.length - 40) >> 8;
      out[5] = (out.length - 40) & 255;
      p = out;
    }
    return p;
  }

  it("random bytes, bit flips and random extension-header chains: nothing escapes, the transfer completes", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            rawPacket.map((b) => (b.length > 0 ? Uint8Array.of(0x60 | (b[0] & 15), ...b.subarray(1)) : b)),
            fc.tuple(fc.nat(), fc.nat()).map(([i, bit]) => ({ i, bit })),
            chain,
          ),
          { maxLength: 150 },
        ),
        (items) => {
          const t = live(40_000, 6);
          const sample = buildPacket(
            {
              src: 0,
              dst: 0,
              srcPort: t.client.localPort,
              dstPort: 7000,
              seq: 1,
              ack: 1,
              flags: 0x10,
              window: 100,
              payload: bytes(30, 1),
            },
            ends,
          );
          for (const item of items) {
            if (item instanceof Uint8Array) {
              t.env.b.input(item);
            } else if (Array.isArray(item)) {
              t.env.b.input(
                withChain(
                  buildUdp6Packet({ src: 0, dst: 0, srcPort: 1, dstPort: 9, payload: bytes(20, 2) }, ends),
                  item,
                ),
              );
              t.env.b.input(withChain(sample, item));
            } else {
              const p = sample.slice();
              const bit = item.bit % (p.length * 8);
              p[bit >>> 3] ^= 1 << (bit & 7);
              t.env.b.input(p);
            }
            t.env.clock.advance(1);
          }
          t.finish();
        },
      ),
      { numRuns: 25, seed: 61 },
    );
  });

  it("blind ICMPv6 errors quoting the live 4-tuple off its window change nothing", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom(1, 2, 3, 4),
            code: fc.integer({ min: 0, max: 7 }),
            rest: fc.nat(),
            seqOffset: fc.integer({ min: 70_000, max: 0x7fff_0000 }),
          }),
          { maxLength: 60 },
        ),
        (specs) => {
          const t = live(40_000, 6);
          const mtu = t.env.b.pathMtu(A6);
          for (const s of specs) {
            const srv = t.server!;
            const quoted = buildPacket(
              {
                src: 0,
                dst: 0,
                srcPort: 7000,
                dstPort: t.client.localPort,
                seq: (srv.tcb.sndUna - s.seqOffset) >>> 0,
                flags: 0x10,
                window: 1,
              },
              { src: ends.dst, dst: ends.src },
            );
            const icmp = buildIcmp6Packet(
              { src: 0, dst: 0, type: s.type, code: s.code, rest: s.rest, payload: quoted },
              ends,
            );
            t.env.b.input(icmp);
            t.env.clock.advance(1);
          }
          expect(t.env.b.pathMtu(A6)).toBe(mtu);
          t.finish();
        },
      ),
      { numRuns: 20, seed: 62 },
    );
  });

  it("a SYN flood from 5000 IPv6 sources is bounded: SYN queue, cookies, and the address book", () => {
    const t = live(20_000, 6);
    for (let i = 1; i <= 5000; i++) {
      const src = parseIpv6(`fd00:1::${i.toString(16)}`);
      t.env.b.input(
        buildPacket(
          { src: 0, dst: 0, srcPort: 1000 + (i % 5000), dstPort: 7000, seq: i * 7919, flags: 0x02, window: 1000 },
          { src, dst: ends.dst },
        ),
      );
    }
    expect(t.env.b.connectionCount).toBeLessThanOrEqual(1 + 16);
    expect(t.env.b.counters.synCookiesSent).toBe(5000 - 16);
    // Remembered addresses: those connections hold, plus at most 1024 recent ones.
    expect(t.env.b.addresses.size).toBeLessThanOrEqual(1024 + 17 + 2);
    t.finish();
  });
});
