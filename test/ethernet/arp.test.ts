import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { EthernetInterface } from "../../src/netif/index.js";
import {
  ArpOperation,
  BROADCAST_MAC,
  EtherType,
  buildArpFrame,
  buildEthernetFrame,
  newArpRepr,
  newEthernetRepr,
  parseArpInto,
  parseEthernetInto,
  parseIpv4,
  parseMac,
  type ArpRepr,
} from "../../src/wire/index.js";
import { FakeLink } from "./fake-link.js";

const OURS = parseMac("02:00:00:00:00:02");
const PEER = parseMac("02:00:00:00:00:09");
const OTHER = parseMac("02:00:00:00:00:07");
const ip = parseIpv4;

function setup(neighbor = {}) {
  const clock = new VirtualClock();
  const link = new FakeLink();
  const eth = new EthernetInterface({ link, address: "10.0.0.2/24", mac: OURS, clock, neighbor });
  const announcement = link.take();
  const up: Uint8Array[] = [];
  eth.onReceive = (p) => up.push(p);
  const lost: { nextHop: number; packets: readonly Uint8Array[] }[] = [];
  eth.onUnreachable = (nextHop, packets) => lost.push({ nextHop, packets });
  return { clock, link, eth, announcement, up, lost };
}

/** A minimal IPv4 packet to `dst` whose byte 20 carries `n` (the interface reads only the destination). */
function packet(dst: string, n = 0): Uint8Array {
  const p = new Uint8Array(21);
  p[0] = 0x45;
  new DataView(p.buffer).setUint32(16, ip(dst));
  p[20] = n;
  return p;
}

const arp = (a: Partial<ArpRepr>): ArpRepr => ({
  operation: ArpOperation.REQUEST,
  senderMac: 0,
  senderIp: 0,
  targetMac: 0,
  targetIp: 0,
  ...a,
});

function decode(frame: Uint8Array) {
  const eth = newEthernetRepr();
  expect(parseEthernetInto(frame, eth)).toBeNull();
  if (eth.etherType !== EtherType.ARP) return { eth, arp: null, payload: frame.subarray(14) };
  const a = newArpRepr();
  expect(parseArpInto(frame, a)).toBeNull();
  return { eth, arp: a, payload: null };
}

const requestFor = (target: string, to = BROADCAST_MAC) =>
  buildArpFrame(to, OURS, arp({ senderMac: OURS, senderIp: ip("10.0.0.2"), targetIp: ip(target) }));
const replyFrom = (sender: string, mac: number, to = OURS) =>
  buildArpFrame(
    to,
    mac,
    arp({
      operation: ArpOperation.REPLY,
      senderMac: mac,
      senderIp: ip(sender),
      targetMac: OURS,
      targetIp: ip("10.0.0.2"),
    }),
  );

describe("ARP on an Ethernet interface (RFC 826, RFC 1122 §2.3.2.1)", () => {
  it("asks by broadcast for an unknown neighbour, queues, and sends once the reply comes", () => {
    const { link, eth } = setup();
    eth.transmit(packet("10.0.0.9", 1), ip("10.0.0.9"));
    expect(link.take()).toEqual([requestFor("10.0.0.9")]);
    expect(eth.neighbors.entry(ip("10.0.0.9"))).toMatchObject({ state: "incomplete", queued: 1 });
    link.inject(replyFrom("10.0.0.9", PEER));
    const [frame] = link.take();
    const { eth: header, payload } = decode(frame);
    expect(header).toEqual({ dst: PEER, src: OURS, etherType: EtherType.IPV4, vlanTci: 0 });
    expect(payload).toEqual(packet("10.0.0.9", 1));
    expect(eth.neighbors.entry(ip("10.0.0.9"))).toMatchObject({ state: "reachable", mac: PEER, queued: 0 });
    // Known now: the next packet goes out at once, no request.
    eth.transmit(packet("10.0.0.9", 2), ip("10.0.0.9"));
    expect(link.take().map((f) => decode(f).payload?.[20])).toEqual([2]);
    expect(eth.neighbors.counters).toMatchObject({ requestsOut: 1, confirmations: 1 });
  });

  it("answers a request for our own address, and learns the asker", () => {
    const { link, eth } = setup();
    link.inject(
      buildArpFrame(BROADCAST_MAC, PEER, arp({ senderMac: PEER, senderIp: ip("10.0.0.9"), targetIp: ip("10.0.0.2") })),
    );
    expect(link.take()).toEqual([
      buildArpFrame(
        PEER,
        OURS,
        arp({ operation: 2, senderMac: OURS, senderIp: ip("10.0.0.2"), targetMac: PEER, targetIp: ip("10.0.0.9") }),
      ),
    ]);
    expect(eth.neighbors.entry(ip("10.0.0.9"))).toMatchObject({ state: "stale", mac: PEER });
    expect(eth.arp.counters).toMatchObject({ requestsIn: 1, repliesOut: 1 });
  });

  it("does not answer for other addresses, nor learn from such requests", () => {
    const { link, eth } = setup();
    link.inject(
      buildArpFrame(BROADCAST_MAC, PEER, arp({ senderMac: PEER, senderIp: ip("10.0.0.9"), targetIp: ip("10.0.0.3") })),
    );
    expect(link.take()).toEqual([]);
    expect(eth.neighbors.size).toBe(0);
    expect(eth.arp.counters.notForUs).toBe(1);
  });

  it("gives up after maxProbes requests a second apart; the queued packets are reported unreachable", () => {
    const { link, eth, clock, lost } = setup();
    eth.transmit(packet("10.0.0.9", 1), ip("10.0.0.9"));
    const times: number[] = [];
    const seen = () => {
      for (const f of link.take()) {
        expect(f).toEqual(requestFor("10.0.0.9"));
        times.push(clock.now());
      }
    };
    seen();
    for (let t = 0; t < 8; t++) {
      clock.advance(500);
      seen();
    }
    expect(times).toEqual([0, 1000, 2000]);
    expect(lost).toHaveLength(1);
    expect(lost[0].nextHop).toBe(ip("10.0.0.9"));
    expect(lost[0].packets).toEqual([packet("10.0.0.9", 1)]);
    expect(eth.neighbors.size).toBe(0);
    expect(eth.neighbors.counters.resolutionFailures).toBe(1);
    expect(clock.runUntilIdle()).toBe(true);
  });

  it("holds at most queueLength packets per neighbour, dropping the oldest", () => {
    const { link, eth } = setup({ queueLength: 3 });
    for (let n = 1; n <= 5; n++) eth.transmit(packet("10.0.0.9", n), ip("10.0.0.9"));
    expect(link.take()).toHaveLength(1); // one request, not one per packet
    expect(eth.neighbors.counters.queueOverflows).toBe(2);
    link.inject(replyFrom("10.0.0.9", PEER));
    expect(link.take().map((f) => decode(f).payload?.[20])).toEqual([3, 4, 5]);
  });

  it("ignores and counts a reply nobody asked for: no cache poisoning", () => {
    const { link, eth } = setup();
    link.inject(replyFrom("10.0.0.7", OTHER));
    expect(eth.neighbors.size).toBe(0);
    expect(eth.neighbors.counters.unsolicitedReplies).toBe(1);
    // Resolved to PEER, a forged reply for the same address does not move it.
    eth.transmit(packet("10.0.0.9"), ip("10.0.0.9"));
    link.inject(replyFrom("10.0.0.9", PEER));
    link.inject(replyFrom("10.0.0.9", OTHER));
    expect(eth.neighbors.entry(ip("10.0.0.9"))).toMatchObject({ state: "reachable", mac: PEER });
    expect(eth.neighbors.counters.unsolicitedReplies).toBe(2);
    link.take();
    eth.transmit(packet("10.0.0.7"), ip("10.0.0.7"));
    expect(link.take()).toEqual([requestFor("10.0.0.7")]);
  });

  it("announces its address when set (gratuitous ARP), and forgets the old subnet's neighbours", () => {
    const { link, eth, announcement } = setup();
    const gratuitous = (addr: string) =>
      buildArpFrame(BROADCAST_MAC, OURS, arp({ senderMac: OURS, senderIp: ip(addr), targetIp: ip(addr) }));
    expect(announcement).toEqual([gratuitous("10.0.0.2")]);
    eth.transmit(packet("10.0.0.9"), ip("10.0.0.9"));
    link.inject(replyFrom("10.0.0.9", PEER));
    link.take();
    eth.setAddress("10.0.1.2/24");
    expect(link.take()).toEqual([gratuitous("10.0.1.2")]);
    expect(eth.neighbors.size).toBe(0);
  });

  it("takes a neighbour's announcement for an entry it holds, and creates none from one", () => {
    const { link, eth } = setup();
    const announce = (addr: string, mac: number) =>
      buildArpFrame(BROADCAST_MAC, mac, arp({ senderMac: mac, senderIp: ip(addr), targetIp: ip(addr) }));
    link.inject(announce("10.0.0.7", OTHER));
    expect(eth.neighbors.size).toBe(0);
    eth.transmit(packet("10.0.0.9"), ip("10.0.0.9"));
    link.inject(replyFrom("10.0.0.9", PEER));
    link.inject(announce("10.0.0.9", OTHER));
    expect(eth.neighbors.entry(ip("10.0.0.9"))).toMatchObject({ state: "stale", mac: OTHER });
    expect(eth.arp.counters.announcementsIn).toBe(2);
  });

  it("counts another station claiming our address, and answers nothing", () => {
    const { link, eth } = setup();
    link.inject(
      buildArpFrame(
        BROADCAST_MAC,
        OTHER,
        arp({ senderMac: OTHER, senderIp: ip("10.0.0.2"), targetIp: ip("10.0.0.2") }),
      ),
    );
    expect(link.take()).toEqual([]);
    expect(eth.arp.counters.addressConflicts).toBe(1);
  });

  it("re-validates an entry gone stale by unicast requests, and forgets it when they go unanswered", () => {
    const { link, eth, clock } = setup();
    eth.transmit(packet("10.0.0.9", 1), ip("10.0.0.9"));
    link.inject(replyFrom("10.0.0.9", PEER));
    link.take();
    clock.advance(30_000);
    expect(eth.neighbors.entry(ip("10.0.0.9"))?.state).toBe("stale");
    eth.transmit(packet("10.0.0.9", 2), ip("10.0.0.9"));
    // Still used (RFC 4861 §7.3.3), and a unicast poll to the address it had (RFC 1122 §2.3.2.1).
    const out = link.take();
    expect(out.map((f) => decode(f).eth.dst)).toEqual([PEER, PEER]);
    expect(out[1]).toEqual(requestFor("10.0.0.9", PEER));
    expect(eth.neighbors.entry(ip("10.0.0.9"))?.state).toBe("probe");
    link.inject(replyFrom("10.0.0.9", PEER));
    expect(eth.neighbors.entry(ip("10.0.0.9"))?.state).toBe("reachable");
    clock.advance(30_000);
    eth.transmit(packet("10.0.0.9", 3), ip("10.0.0.9"));
    link.take();
    clock.advance(3000);
    expect(eth.neighbors.entry(ip("10.0.0.9"))).toBeUndefined();
    expect(eth.neighbors.counters.probeFailures).toBe(1);
  });

  it("forgets a stale entry left unused for staleTime", () => {
    const { link, eth, clock } = setup();
    link.inject(
      buildArpFrame(BROADCAST_MAC, PEER, arp({ senderMac: PEER, senderIp: ip("10.0.0.9"), targetIp: ip("10.0.0.2") })),
    );
    clock.advance(59_999);
    expect(eth.neighbors.size).toBe(1);
    clock.advance(1);
    expect(eth.neighbors.size).toBe(0);
    expect(clock.runUntilIdle()).toBe(true);
  });

  it("paces requests over all addresses by requestRate", () => {
    const { link, eth, clock } = setup({ requestRate: 2 });
    for (let h = 10; h < 15; h++) eth.transmit(packet(`10.0.0.${h}`), ip(`10.0.0.${h}`));
    expect(link.take()).toHaveLength(2);
    expect(eth.neighbors.counters.requestsRateLimited).toBe(3);
    clock.advance(1000); // the retransmissions: two tokens again
    expect(link.take()).toHaveLength(2);
  });

  it("holds at most maxEntries, evicting the least recently used resolved one, never a resolving one", () => {
    const { link, eth, clock } = setup({ maxEntries: 2 });
    eth.transmit(packet("10.0.0.9"), ip("10.0.0.9"));
    link.inject(replyFrom("10.0.0.9", PEER));
    clock.advance(10);
    eth.transmit(packet("10.0.0.7"), ip("10.0.0.7"));
    eth.transmit(packet("10.0.0.8"), ip("10.0.0.8"));
    expect(eth.neighbors.entries().map((e) => e.key)).toEqual([ip("10.0.0.7"), ip("10.0.0.8")]);
    expect(eth.neighbors.counters.evictions).toBe(1);
    eth.transmit(packet("10.0.0.6"), ip("10.0.0.6"));
    expect(eth.neighbors.counters.cacheFull).toBe(1);
    expect(eth.neighbors.size).toBe(2);
  });

  it("sends broadcasts to the broadcast MAC without asking", () => {
    const { link, eth } = setup();
    eth.transmit(packet("255.255.255.255"), ip("255.255.255.255"));
    eth.transmit(packet("10.0.0.255"), ip("10.0.0.255"));
    expect(link.take().map((f) => decode(f).eth.dst)).toEqual([BROADCAST_MAC, BROADCAST_MAC]);
  });

  it("delivers IPv4 for our MAC and broadcast; counts the rest by reason", () => {
    const { link, eth, up } = setup();
    const ipv4 = packet("10.0.0.2", 5);
    link.inject(buildEthernetFrame(OURS, PEER, EtherType.IPV4, ipv4));
    link.inject(buildEthernetFrame(BROADCAST_MAC, PEER, EtherType.IPV4, ipv4));
    link.inject(buildEthernetFrame(OTHER, PEER, EtherType.IPV4, ipv4));
    link.inject(buildEthernetFrame(OURS, PEER, EtherType.IPV6, ipv4));
    const tagged = buildEthernetFrame(OURS, PEER, EtherType.VLAN, Uint8Array.from([0, 5, 8, 0, ...ipv4]));
    link.inject(tagged);
    link.inject(buildEthernetFrame(OURS, PEER, EtherType.ARP, new Uint8Array(10)));
    link.inject(new Uint8Array(6));
    expect(up).toEqual([ipv4, ipv4]);
    expect(eth.counters.drops).toMatchObject({
      "not-for-us": 1,
      "unknown-ethertype": 1,
      "vlan-tagged": 1,
      "truncated-arp": 1,
      "truncated-frame": 1,
    });
  });
});

describe("ARP probe (RFC 5227 §2.1)", () => {
  const probeFor = (target: string) =>
    buildArpFrame(BROADCAST_MAC, OURS, arp({ senderMac: OURS, senderIp: 0, targetIp: ip(target) }));

  it("two broadcast probes from 0.0.0.0 a second apart, then free; an answer from the address: in use", () => {
    const { link, eth, clock } = setup();
    link.take();
    const results: string[] = [];
    eth.arp.probe(ip("10.0.0.50"), (r) => results.push(r));
    expect(link.take()).toEqual([probeFor("10.0.0.50")]);
    clock.advance(1000);
    expect(link.take()).toEqual([probeFor("10.0.0.50")]);
    clock.advance(1000);
    expect(results).toEqual(["free"]);
    eth.arp.probe(ip("10.0.0.51"), (r) => results.push(r));
    link.inject(replyFrom("10.0.0.51", PEER));
    expect(results).toEqual(["free", "in-use"]);
  });

  it("a newer probe ends the first as superseded, never free; a cancelled one reports nothing and stops", () => {
    const { link, eth, clock } = setup();
    const first: string[] = [];
    const second: string[] = [];
    eth.arp.probe(ip("10.0.0.50"), (r) => first.push(r));
    const cancel = eth.arp.probe(ip("10.0.0.50"), (r) => second.push(r));
    expect(first).toEqual(["superseded"]);
    cancel();
    link.take();
    clock.advance(10_000);
    expect(link.take()).toEqual([]);
    expect(first).toEqual(["superseded"]);
    expect(second).toEqual([]);
    expect(eth.arp.counters.probesOut).toBe(2);
  });
});
