/** UDP (RFC 768) at the IP layer: demultiplexing, the receive queue, broadcast, and port unreachable out. */
import { describe, expect, it } from "vitest";
import { AddressInUseError } from "../../src/errors/address-in-use.js";
import { BroadcastNotEnabledError, DatagramTooLargeError } from "../../src/udp/errors.js";
import { buildUdpPacket } from "../../src/wire/index.js";
import { host, peer, router, us, PEER } from "../icmp/host.js";

const datagram = (dstPort: number, data: number[], more: { src?: number; srcPort?: number; dst?: number } = {}) =>
  buildUdpPacket({
    src: more.src ?? peer,
    dst: more.dst ?? us,
    srcPort: more.srcPort ?? 5000,
    dstPort,
    payload: Uint8Array.from(data),
  });

describe("UDP demultiplexing", () => {
  it("each datagram reaches the socket bound to its port, with the sender's address and port", () => {
    const h = host();
    const a = h.stack.udp({ port: 53 });
    const b = h.stack.udp({ port: 54 });
    h.stack.input(datagram(53, [1]));
    h.stack.input(datagram(54, [2, 2], { srcPort: 6000 }));
    h.stack.input(datagram(53, [3], { src: router }));
    expect([a.take(), a.take(), a.take()]).toEqual([
      { data: Uint8Array.from([1]), ip: peer, address: PEER, port: 5000 },
      { data: Uint8Array.from([3]), ip: router, address: "10.0.9.1", port: 5000 },
      null,
    ]);
    expect(b.take()).toMatchObject({ data: Uint8Array.from([2, 2]), port: 6000 });
    expect(h.stack.counters.datagramsIn).toBe(3);
  });

  it("a datagram with no checksum (zero) is accepted; a wrong one is dropped and counted", () => {
    const h = host();
    const s = h.stack.udp({ port: 53 });
    const none = datagram(53, [7]);
    none[26] = none[27] = 0;
    const bad = datagram(53, [8]);
    bad[28] ^= 0xff;
    h.stack.input(none);
    h.stack.input(bad);
    expect(s.take()?.data).toEqual(Uint8Array.from([7]));
    expect(s.take()).toBeNull();
    expect(h.stack.counters.drops["bad-udp-checksum"]).toBe(1);
    expect(h.stack.counters.checksumErrors).toBe(1);
  });

  it("a connected socket takes its peer's datagrams only", () => {
    const h = host();
    const s = h.stack.udp({ port: 53 });
    s.connect(peer, PEER, 5000);
    h.stack.input(datagram(53, [1]));
    h.stack.input(datagram(53, [2], { srcPort: 5001 }));
    h.stack.input(datagram(53, [3], { src: router }));
    expect(s.take()?.data).toEqual(Uint8Array.from([1]));
    expect(s.take()).toBeNull();
    expect(h.stack.counters.drops["udp-wrong-peer"]).toBe(2);
  });

  it("the receive queue is bounded in datagrams and bytes; what does not fit is dropped and counted", () => {
    const h = host();
    const byCount = h.stack.udp({ port: 53, queue: { maxDatagrams: 3 } });
    const byBytes = h.stack.udp({ port: 54, queue: { maxBytes: 10 } });
    for (let i = 0; i < 5; i++) h.stack.input(datagram(53, [i]));
    for (let i = 0; i < 5; i++) h.stack.input(datagram(54, [i, i, i, i]));
    expect(byCount.queued).toBe(3);
    expect(byBytes.queued).toBe(2);
    expect(byCount.counters.queueDrops).toBe(2);
    expect(h.stack.counters.drops["udp-queue-full"]).toBe(5);
    // Taking one makes room for one.
    byCount.take();
    h.stack.input(datagram(53, [9]));
    expect(byCount.queued).toBe(3);
  });

  it("a bound port is refused; a closed socket's port is free again", () => {
    const h = host();
    const s = h.stack.udp({ port: 53 });
    expect(() => h.stack.udp({ port: 53 })).toThrow(AddressInUseError);
    s.close();
    expect(h.stack.udp({ port: 53 }).localPort).toBe(53);
  });

  it("ephemeral ports are distinct and in 49152..65535", () => {
    const h = host();
    const ports = Array.from({ length: 50 }, () => h.stack.udp().localPort);
    expect(new Set(ports).size).toBe(50);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(49152);
  });
});

describe("UDP sending", () => {
  it("builds the datagram from the socket's port, checksummed", () => {
    const h = host();
    const s = h.stack.udp({ port: 4000 });
    s.send(Uint8Array.from([1, 2, 3]), peer, 53);
    const [d] = h.takeDatagrams();
    expect(d.ip).toMatchObject({ src: us, dst: peer, protocol: 17 });
    expect(d.udp).toMatchObject({ srcPort: 4000, dstPort: 53, length: 11 });
    expect(Array.from(d.payload)).toEqual([1, 2, 3]);
  });

  it("sends a datagram over the link MTU in fragments, refuses one over 65507 bytes, and broadcast without the option", () => {
    const h = host({}, 1500);
    const s = h.stack.udp();
    expect(() => s.send(new Uint8Array(65508), peer, 53)).toThrow(DatagramTooLargeError);
    s.send(new Uint8Array(1473), peer, 53);
    expect(() => s.send(new Uint8Array(1), 0xffffffff, 67)).toThrow(BroadcastNotEnabledError);
    h.stack.udp({ broadcast: true }).send(new Uint8Array(1), 0xffffffff, 67);
    expect(h.takeDatagrams().map((d) => [d.ip.dst, d.ip.totalLength, d.ip.moreFragments])).toEqual([
      [peer, 1500, true],
      [peer, 21, false],
      [0xffffffff, 29, false],
    ]);
  });
});

describe("broadcast is off unless asked for", () => {
  it("a broadcast datagram reaches only a socket opened with broadcast: true, and earns no ICMP", () => {
    const h = host();
    const plain = h.stack.udp({ port: 67 });
    h.stack.input(datagram(67, [1], { dst: 0xffffffff }));
    expect(plain.take()).toBeNull();
    plain.close();
    const listening = h.stack.udp({ port: 67, broadcast: true });
    h.stack.input(datagram(67, [2], { dst: 0xffffffff }));
    expect(listening.take()?.data).toEqual(Uint8Array.from([2]));
    h.stack.input(datagram(68, [3], { dst: 0xffffffff }));
    expect(h.sent).toEqual([]);
    expect(h.stack.counters.drops["udp-closed-port"]).toBe(2);
  });
});

describe("port unreachable out (RFC 1122 §3.2.2, §4.1.3.1)", () => {
  it("a datagram to a closed port is answered with port unreachable quoting it", () => {
    const h = host();
    const d = datagram(9999, [1, 2, 3]);
    h.stack.input(d);
    const [icmp] = h.takeDatagrams();
    expect(icmp.ip).toMatchObject({ src: us, dst: peer });
    expect(icmp.icmp).toMatchObject({
      type: 3,
      code: 3,
      quote: { src: peer, dst: us, protocol: 17, srcPort: 5000, dstPort: 9999 },
    });
    expect(Array.from(icmp.payload)).toEqual(Array.from(d));
    expect(h.stack.counters.icmpErrorsSent).toBe(1);
  });

  it("is rate-limited: a burst, then one per period; the rest counted", () => {
    const h = host({ icmpRate: { error: 5 } });
    for (let i = 0; i < 20; i++) h.stack.input(datagram(9999, [i]));
    expect(h.takeDatagrams()).toHaveLength(5);
    expect(h.stack.counters.drops["icmp-error-rate-limited"]).toBe(15);
    h.clock.advance(200);
    h.stack.input(datagram(9999, [1]));
    expect(h.takeDatagrams()).toHaveLength(1);
  });

  it("quotes at most 548 bytes of a large datagram, so the error fits 576", () => {
    const h = host();
    h.stack.input(datagram(9999, Array(1400).fill(5)));
    const [icmp] = h.sent.splice(0);
    expect(icmp.length).toBe(576);
  });

  it("never about a datagram from a broadcast, multicast or zero source, to multicast, or a later fragment", () => {
    const h = host();
    h.stack.input(datagram(9999, [1], { src: 0 }));
    h.stack.input(datagram(9999, [1], { src: 0xe0000001 }));
    h.stack.input(datagram(9999, [1], { src: 0xffffffff }));
    expect(h.sent).toEqual([]);
    expect(h.stack.counters.drops["icmp-error-suppressed"]).toBe(3);
  });

  it("protocol unreachable for an IPv4 protocol the stack does not speak, never for ICMP itself", () => {
    const h = host();
    const gre = datagram(1, [0, 0, 0, 0]);
    gre[9] = 47;
    gre[10] = gre[11] = 0;
    const v = new DataView(gre.buffer);
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += v.getUint16(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    v.setUint16(10, ~sum & 0xffff);
    h.stack.input(gre);
    const [icmp] = h.takeDatagrams();
    expect(icmp.icmp).toMatchObject({ type: 3, code: 2, quote: { protocol: 47 } });
    expect(h.stack.counters.drops["unknown-protocol"]).toBe(1);
  });
});
