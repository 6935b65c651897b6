import { describe, expect, it } from "vitest";
import { fragmentPacket } from "../../src/fragments/fragmenter.js";
import { parseDatagram } from "../../src/wire/datagram-parse.js";
import { buildUdpPacket } from "../../src/wire/datagram-build.js";
import { IcmpType } from "../../src/wire/datagram-types.js";
import { parseIpv4 } from "../../src/wire/ipv4-address.js";
import { bytes, pair } from "../stack/harness.js";

describe("UDP datagrams over the link MTU (RFC 791 fragments)", () => {
  it("a 20000-byte datagram leaves in fragments under the MTU and the peer's socket gets it whole", () => {
    const env = pair({ delay: 2, mtu: 1500 });
    const lengths: number[] = [];
    const send = env.la.send.bind(env.la);
    env.la.send = (p: Uint8Array) => {
      lengths.push(p.length);
      send(p);
    };
    const rx = env.b.udp({ port: 9 });
    const tx = env.a.udp({ port: 4000 });
    const data = bytes(20_000, 7);
    tx.send(data, parseIpv4("10.0.0.2"), 9);
    env.clock.advance(100);
    const got = rx.take();
    expect(got?.data).toEqual(data);
    expect(got?.port).toBe(4000);
    expect(lengths.length).toBe(14); // 20008 bytes of UDP in 1480-byte pieces
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1500);
    expect(env.a.counters.datagramsFragmented).toBe(1);
    expect(env.b.counters.datagramsReassembled).toBe(1);
  });

  it("a datagram whose fragment zero came but not the rest earns ICMP time exceeded, code 1, after 30 s", () => {
    const env = pair({ delay: 2 });
    const sent: Uint8Array[] = [];
    const send = env.lb.send.bind(env.lb);
    env.lb.send = (p: Uint8Array) => {
      sent.push(p);
      send(p);
    };
    env.b.udp({ port: 9 });
    const whole = buildUdpPacket({
      src: parseIpv4("10.0.0.1"),
      dst: parseIpv4("10.0.0.2"),
      srcPort: 4000,
      dstPort: 9,
      id: 99,
      payload: bytes(3000, 1),
    });
    const [zero, , last] = fragmentPacket(whole, 1200);
    env.b.input(zero);
    env.b.input(last);
    env.clock.advance(29_999);
    expect(sent).toEqual([]);
    env.clock.advance(1);
    expect(env.b.counters.drops["fragment-timeout"]).toBe(1);
    expect(sent).toHaveLength(1);
    const icmp = parseDatagram(sent[0]);
    expect(icmp.ok && icmp.icmp?.type).toBe(IcmpType.TIME_EXCEEDED);
    expect(icmp.ok && icmp.icmp?.code).toBe(1);
    // The quote is fragment zero's header and its first 8 data bytes: the UDP header.
    expect(icmp.ok && icmp.payload).toEqual(zero.subarray(0, 28));
  });
});
