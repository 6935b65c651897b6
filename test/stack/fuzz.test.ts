import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TcpConnection } from "../../src/tcp/connection.js";
import type { Connection } from "../../src/tcp/types.js";
import { buildIcmpPacket, buildPacket, buildUdpPacket, parseIpv4 } from "../../src/wire/index.js";
import { B, bytes, pair, pump, sha, sink } from "./harness.js";

const SRC = parseIpv4("10.0.0.1");
const DST = parseIpv4("10.0.0.2");

/** A live connection a -> b:7000 moving `size` bytes, with hooks to inject packets into b between deliveries. */
function live(size: number) {
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
  const client = env.a.connect(B, 7000);
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
