import { describe, expect, it } from "vitest";
import { PATH_MTU_EXPIRY_MS } from "../../src/stack/path-mtu-cache.js";
import { BASE_MSS, PROBE_INTERVAL_MS } from "../../src/tcp/path-mtu.js";
import type { Connection } from "../../src/tcp/types.js";
import { parseIpv4 } from "../../src/wire/ipv4-address.js";
import { bytes, pump, sha, sink } from "../stack/harness.js";
import { buildPacket } from "../../src/wire/build.js";
import { TcpFlags } from "../../src/wire/types.js";
import { fragNeeded, narrowPath } from "./narrow-path.js";

/** One of A's segments on `client`'s connection with sequence number `seq`, to be quoted. */
function segmentOf(client: Connection, seq: number): Uint8Array {
  const [src, dst] = [parseIpv4(client.localAddress), parseIpv4(client.remoteAddress)];
  const fields = {
    src,
    dst,
    srcPort: client.localPort,
    dstPort: client.remotePort,
    seq,
    flags: TcpFlags.ACK,
    window: 0,
  };
  return buildPacket({ ...fields, payload: new Uint8Array(1400) });
}

/** A connects to B and sends `n` bytes over `env`; returns when B has them all (or the time is up). */
function transfer(env: ReturnType<typeof narrowPath>, n: number, limitMs = 120_000) {
  const listener = env.b.listen(80);
  const sinks: ReturnType<typeof sink>[] = [];
  listener.onConnection = () => {
    const conn = listener.accept();
    if (conn !== null) sinks.push(sink(conn));
  };
  const data = bytes(n, 3);
  const client = env.a.connect(env.B, 80);
  pump(client, data, false);
  const start = env.clock.now();
  const done = () => sinks[0]?.total === n;
  const ok = env.clock.runUntilCondition(done, limitMs);
  return { ok, client, data, got: () => sinks[0], ms: env.clock.now() - start };
}

const mssOf = (c: Connection) => c.info().mss;

describe("path MTU discovery (RFC 1191): a hop in the middle sends frag-needed", () => {
  it("the MSS follows the first frag-needed at once and the lost data is sent again, without a timeout", () => {
    const env = narrowPath(1000, true);
    const t = transfer(env, 300_000);
    expect(t.ok).toBe(true);
    expect(sha(t.got().data())).toBe(sha(t.data));
    // 1000 less 20 IPv4, 20 TCP and 12 bytes of timestamps.
    expect(mssOf(t.client)).toBe(948);
    expect(env.a.pathMtu(env.B)).toBe(1000);
    expect(t.client.info().timeouts).toBe(0);
    expect(env.a.counters.fragNeededIn).toBeGreaterThan(0);
    expect(env.traceA.some((l) => /path MTU 1500 -> 1000 \(ICMP fragmentation needed\), mss 1448 -> 948/.test(l))).toBe(
      true,
    );
    // Every segment carried DF (TCP never fragments), and after the first flight none was too big.
    expect(env.path.dontFragment).toBe(true);
    expect(env.path.dropped).toBeLessThanOrEqual(10);
  });

  it("a frag-needed naming less than 552 is taken as 552 (the floor)", () => {
    const env = narrowPath(1500, true);
    const t = transfer(env, 20_000);
    expect(t.ok).toBe(true);
    const seq = (t.client as unknown as { tcb: { sndUna: number } }).tcb.sndUna;
    pump(t.client, bytes(50_000, 9), false);
    env.a.input(fragNeeded(segmentOf(t.client, seq), 200));
    expect(env.a.pathMtu(env.B)).toBe(552);
    expect(mssOf(t.client)).toBe(552 - 52);
    // A second report naming more than what is known does not raise it (RFC 1191 §6.3).
    env.a.input(fragNeeded(segmentOf(t.client, seq), 1400));
    expect(env.a.pathMtu(env.B)).toBe(552);
    // A router older than RFC 1191 names no MTU: the plateau below the quoted 1440 bytes is 1006, which
    // is not lower either.
    env.a.input(fragNeeded(segmentOf(t.client, seq), 0));
    expect(env.a.pathMtu(env.B)).toBe(552);
  });

  it("a frag-needed quoting a sequence number outside SND.UNA..SND.NXT changes nothing (RFC 5927)", () => {
    const env = narrowPath(1500, true);
    const t = transfer(env, 20_000);
    const una = (t.client as unknown as { tcb: { sndUna: number } }).tcb.sndUna;
    env.a.input(fragNeeded(segmentOf(t.client, una + 5000), 1000));
    expect(env.a.counters.drops["icmp-out-of-window"]).toBe(1);
    const stranger = segmentOf(t.client, una);
    stranger[21] ^= 1; // another source port: no such connection
    env.a.input(fragNeeded(Uint8Array.from(stranger), 1000));
    expect(env.a.counters.drops["icmp-no-connection"]).toBe(1);
    expect(env.a.pathMtu(env.B)).toBe(1500);
    expect(mssOf(t.client)).toBe(1448);
  });

  it("the learned path MTU expires after 10 minutes and the MSS goes back up; a new connection starts at the cached one", () => {
    const env = narrowPath(1000, true);
    const t = transfer(env, 100_000);
    expect(mssOf(t.client)).toBe(948);
    // A second connection to the same destination starts at the cached path MTU.
    const second = env.a.connect(env.B, 80);
    env.clock.advance(1000);
    expect(second.state).toBe("ESTABLISHED");
    expect(mssOf(second)).toBe(948);
    env.path.mtu = 1500;
    env.clock.advance(PATH_MTU_EXPIRY_MS);
    expect(env.a.pathMtu(env.B)).toBe(1500);
    expect(mssOf(t.client)).toBe(1448);
    expect(mssOf(second)).toBe(1448);
    expect(env.traceA.some((l) => /path MTU 1000 -> 1500 \(cached path MTU expired\)/.test(l))).toBe(true);
    expect(env.traceA).toContain(`path MTU to ${env.B} is 1500`);
  });
});

describe("packetization-layer path MTU probing (RFC 4821/8899, Linux tcp_mtu_probing=1): ICMP filtered", () => {
  it("a black hole is found after repeated timeouts of full-sized segments; the transfer completes", () => {
    const env = narrowPath(1000, false);
    const t = transfer(env, 300_000);
    expect(t.ok).toBe(true);
    expect(sha(t.got().data())).toBe(sha(t.data));
    expect(
      env.traceA.some((l) => /path MTU 1500 -> 1076 \(black hole: 3 timeouts of full-sized segments\)/.test(l)),
    ).toBe(true);
    // 1024 does not fit a 1000-byte hop either: halved to 512.
    expect(mssOf(t.client)).toBeLessThan(BASE_MSS);
    expect(mssOf(t.client) + 52).toBeLessThanOrEqual(1000);
    expect(env.a.pathMtu(env.B)).toBe(1500); // nothing learned from ICMP
  });

  it("the search probes up towards what fits, a lost probe marks its size too big, and it re-probes later", () => {
    const env = narrowPath(1000, false);
    const t = transfer(env, 400_000);
    expect(t.ok).toBe(true);
    // Keep data flowing while the search runs.
    pump(t.client, bytes(8_000_000, 4), false);
    env.clock.advance(20_000);
    expect(env.traceA.some((l) => /probing a larger size/.test(l))).toBe(true);
    expect(env.traceA.some((l) => /probe lost/.test(l))).toBe(true);
    const mss = mssOf(t.client);
    expect(mss + 52).toBeLessThanOrEqual(1000);
    expect(mss + 52).toBeGreaterThan(900); // well above the 564 the black hole left

    // The path widens: after the raise interval the search finds the full size again.
    env.path.mtu = 1500;
    pump(t.client, bytes(2_000_000, 5), false);
    env.clock.advance(40_000); // the narrow search ends
    env.clock.advance(PROBE_INTERVAL_MS);
    pump(t.client, bytes(8_000_000, 6), false);
    env.clock.advance(20_000);
    expect(mssOf(t.client) + 52).toBeGreaterThan(1000);
    expect(env.path.dropped).toBeGreaterThan(0);
  });
});
