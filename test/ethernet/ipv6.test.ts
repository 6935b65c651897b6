import { describe, expect, it } from "vitest";
import { HostUnreachableError, NetworkUnreachableError, type PingResult, Stack } from "../../src/api/index.js";
import { memoryLinkPair } from "../../src/link/index.js";
import { EtherType, buildEthernetFrame, ipv6ToString, parseIpv6, solicitedNodeAddress } from "../../src/wire/index.js";
import { freeSlots } from "../../src/wire/packet-arena.js";
import { ipv6HexKey } from "../../src/ndp/hex-key.js";
import { drive, patternBytes, sha256 } from "../api/helpers.js";
import { ROUTER_LL, ROUTER_MAC, ipv6Lan, listen, ndFrame, routerAdvertisement, transfer } from "./ipv6-lan.js";

const etherTypeOf = (f: Uint8Array) => (f[12] << 8) | f[13];
const macOf = (f: Uint8Array, at: number) => f.subarray(at, at + 6).reduce((m, b) => m * 256 + b, 0);

describe("IPv6 over Ethernet with neighbour discovery, through a virtual switch", () => {
  it("assigns link-local addresses after DAD, resolves by ND and carries 256 KiB of TCP over IPv6", async () => {
    const { clock, hosts } = ipv6Lan([["fd00::1/64"], ["fd00::2/64"]]);
    const [a, b] = hosts;
    clock.advance(3000); // DAD: 0.5 s delay, one solicitation, 1 s without an answer
    for (const h of hosts) {
      expect(h.nd.addresses().map((x) => x.state)).toEqual(["preferred", "preferred"]);
      expect(h.stack.addresses.filter((x) => x.startsWith("fe80:"))).toHaveLength(1);
    }
    const slots = freeSlots();
    const listener = b.stack.listen(80);
    const accepted = listener.accept();
    const client = await drive(clock, a.stack.connect("fd00::2", 80));
    const server = await drive(clock, accepted);
    expect(client.peerAddr.address).toBe("fd00::2");
    const data = patternBytes(256 << 10, 5);
    const got = await transfer(clock, client, server, data);
    expect(sha256(got)).toBe(sha256(data));
    // a solicited b's solicited-node group once; b learned a from the solicitation's link-layer option.
    expect(a.nd.cache.counters.resolutionFailures).toBe(0);
    expect(a.nd.cache.entry(ipv6Key("fd00::2"))?.mac).toBe(b.link.interface.mac);
    expect(b.nd.cache.entry(ipv6Key("fd00::1"))?.mac).toBe(a.link.interface.mac);
    expect(a.link.interface.counters.drops["unknown-ethertype"]).toBe(0);
    clock.runUntilIdle();
    expect(freeSlots()).toEqual(slots);
  });

  it("reaches a peer by its link-local address", async () => {
    const { clock, hosts } = ipv6Lan([["fd00::1/64"], ["fd00::2/64"]]);
    const [a, b] = hosts;
    clock.advance(3000);
    const bLinkLocal = b.stack.addresses.find((x) => x.startsWith("fe80:")) as string;
    const listener = b.stack.listen(7);
    const accepted = listener.accept();
    const client = await drive(clock, a.stack.connect(bLinkLocal, 7));
    const server = await drive(clock, accepted);
    // RFC 6724 rule 2: a link-local destination takes the link-local source.
    expect(server.peerAddr.address.startsWith("fe80:")).toBe(true);
    await drive(clock, client.write(new TextEncoder().encode("hi")));
    const r = await drive(clock, server.read());
    expect(new TextDecoder().decode(r.value)).toBe("hi");
    // And ICMPv6 echo over the same resolution, to b's global address.
    const replies: PingResult[] = [];
    await drive(
      clock,
      (async () => {
        for await (const p of a.stack.ping("fd00::2", { count: 3, interval: 100 })) replies.push(p);
      })(),
    );
    expect(replies.map((p) => p.ok && p.address)).toEqual(["fd00::2", "fd00::2", "fd00::2"]);
  });

  it("a connect to a neighbour that never answers fails with HostUnreachableError (address unreachable)", async () => {
    const { clock, hosts } = ipv6Lan([["fd00::1/64"]]);
    const [a] = hosts;
    clock.advance(3000);
    const conn = a.stack.connect("fd00::99", 80, { connectTimeout: 8000 });
    const failed = await drive(clock, conn).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HostUnreachableError);
    expect(a.stack.counters.icmpErrorsIn).toBeGreaterThanOrEqual(1);
    expect(a.nd.cache.counters.resolutionFailures).toBeGreaterThanOrEqual(1);
    expect(a.link.interface.ipv6?.counters.unresolved).toBeGreaterThanOrEqual(1);
  });

  it("an off-link destination without a default router fails with NetworkUnreachableError", async () => {
    const { clock, hosts } = ipv6Lan([["fd00::1/64"]]);
    const [a] = hosts;
    clock.advance(3000);
    const failed = await drive(clock, a.stack.connect("2001:db8::1", 80, { connectTimeout: 2000 })).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(NetworkUnreachableError);
    expect(a.link.interface.ipv6?.counters.noRoute).toBeGreaterThanOrEqual(1);
  });

  it("forms a SLAAC address from a router advertisement and sends off-link packets to that router", async () => {
    const { clock, sw, hosts } = ipv6Lan([["slaac"]]);
    const [a] = hosts;
    const router = sw.port();
    const heard = listen(router);
    clock.advance(3000);
    // The host solicited routers from its link-local address once it was assigned.
    expect(a.nd.counters.routerSolicitationsOut).toBeGreaterThanOrEqual(1);
    router.send(routerAdvertisement("2001:db8:1::"));
    clock.advance(3000); // DAD of the new address
    const global = a.stack.addresses.find((x) => x.startsWith("2001:db8:1:"));
    expect(global).toBeDefined();
    // The user heard of it once the stack had it.
    const told = a.events.find(
      ({ event: e }) => e.type === "address" && e.address.origin === "stable" && e.address.state === "preferred",
    );
    expect(told?.addresses).toContain(global);
    expect(a.nd.routers().map(ipv6ToString)).toEqual([ipv6ToString(ROUTER_LL)]);
    heard.length = 0;
    void a.stack.connect("2001:db8:99::5", 80, { connectTimeout: 1000 }).catch(() => {});
    clock.advance(10);
    const syn = heard.find((f) => etherTypeOf(f) === EtherType.IPV6 && f[14 + 6] === 6);
    expect(syn).toBeDefined();
    const s = syn as Uint8Array;
    expect(macOf(s, 0)).toBe(ROUTER_MAC);
    expect(ipv6ToString(s.subarray(14 + 8, 14 + 24))).toBe(global);
    expect(ipv6ToString(s.subarray(14 + 24, 14 + 40))).toBe("2001:db8:99::5");
    // The SLAAC address is the stack's own: a connection to it takes the loopback path, not the link.
    heard.length = 0;
    const listener = a.stack.listen(9);
    const accepted = listener.accept();
    const self = await drive(clock, a.stack.connect(global as string, 9));
    await drive(clock, accepted);
    expect(self.peerAddr.address).toBe(global);
    expect(heard.filter((f) => etherTypeOf(f) === EtherType.IPV6 && f[14 + 6] === 6)).toHaveLength(0);
  });

  it('refuses "slaac" without an Ethernet link, before touching the link', () => {
    const [x] = memoryLinkPair();
    expect(() => new Stack({ address: ["10.0.0.1", "slaac"], link: x })).toThrow(TypeError);
    expect(x.onReceive).toBeNull();
  });

  it("stops neighbour discovery when the stack closes: no more solicitations, its addresses gone", () => {
    const { clock, sw, hosts } = ipv6Lan([["fd00::1/64", "slaac"]]);
    const [a] = hosts;
    const port = sw.port();
    const heard = listen(port);
    clock.advance(500); // before DAD ends and before router solicitations
    a.stack.close();
    clock.advance(20_000);
    expect(heard.filter((f) => etherTypeOf(f) === EtherType.IPV6 && f[14 + 40] === 133)).toHaveLength(0);
    expect(a.nd.addresses()).toEqual([]);
  });

  it("without slaac, an advertised prefix forms no address but the router is still the default", () => {
    const { clock, sw, hosts } = ipv6Lan([["fd00::1/64"]]);
    const [a] = hosts;
    const router = sw.port();
    clock.advance(3000);
    router.send(routerAdvertisement("2001:db8:1::"));
    clock.advance(3000);
    expect(a.stack.addresses.some((x) => x.startsWith("2001:db8:1:"))).toBe(false);
    expect(a.nd.routers()).toHaveLength(1);
  });

  it("takes the MTU and hop limit routers advertise: segments shrink by packet too big, hop limit 61", async () => {
    const { clock, sw, hosts } = ipv6Lan([["fd00::1/64"], ["fd00::2/64"]]);
    const [a, b] = hosts;
    const router = sw.port();
    clock.advance(3000);
    router.send(routerAdvertisement(null, { mtu: 1400, curHopLimit: 61 }));
    clock.advance(10);
    expect([a.nd.mtu, a.nd.hopLimit]).toEqual([1400, 61]);
    const sizes: number[] = [];
    const hopLimits = new Set<number>();
    const port = a.link.interface;
    const sent = port.counters.framesOut;
    const listener = b.stack.listen(80);
    const accepted = listener.accept();
    // What b's interface hands up is what a sent: a's TCP segments, sized and hop-limited by a.
    const input = b.link.interface.onReceive;
    b.link.interface.onReceive = (p) => {
      if (p[0] >> 4 === 6 && p[6] === 6) {
        sizes.push(p.length);
        hopLimits.add(p[7]);
      }
      input?.(p);
    };
    const client = await drive(clock, a.stack.connect("fd00::2", 80));
    const server = await drive(clock, accepted);
    const data = patternBytes(100_000, 9);
    const got = await transfer(clock, client, server, data);
    expect(sha256(got)).toBe(sha256(data));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1400);
    expect(hopLimits).toEqual(new Set([61]));
    expect(port.ipv6?.counters.tooBig).toBeGreaterThanOrEqual(1);
    expect(a.stack.pathMtu("fd00::2")).toBe(1400);
    expect(port.counters.framesOut - sent).toBeGreaterThan(70);
  });

  it("takes multicast frames for its groups only (the Ethernet multicast filter)", () => {
    const { clock, sw, hosts } = ipv6Lan([["fd00::1/64"]]);
    const [a] = hosts;
    const peer = sw.port();
    const heard = listen(peer);
    clock.advance(3000);
    const counters = a.link.interface.counters;
    const notForUs = counters.drops["not-for-us"];
    const solicitationsIn = a.nd.counters.neighborSolicitationsIn;
    const peerLl = parseIpv6("fe80::77");
    const solicit = (target: string) =>
      ndFrame(0x020000000077, peerLl, solicitedNodeAddress(parseIpv6(target)), {
        kind: "neighbor-solicitation",
        target: parseIpv6(target),
        sourceLinkLayer: 0x020000000077,
      });
    // Another host's solicited-node group: filtered by MAC before any parsing.
    peer.send(solicit("fd00::55"));
    clock.advance(1);
    expect(counters.drops["not-for-us"]).toBe(notForUs + 1);
    expect(a.nd.counters.neighborSolicitationsIn).toBe(solicitationsIn);
    // Our own group: taken, and answered with a solicited advertisement to the asker's MAC.
    heard.length = 0;
    peer.send(solicit("fd00::1"));
    clock.advance(1);
    expect(a.nd.counters.neighborSolicitationsIn).toBe(solicitationsIn + 1);
    const na = heard.find((f) => etherTypeOf(f) === EtherType.IPV6 && f[14 + 40] === 136);
    expect(na && macOf(na, 0)).toBe(0x020000000077);
  });

  it("survives 20 000 mangled frames and still carries TCP over IPv6", async () => {
    const { clock, sw, hosts } = ipv6Lan([["fd00::1/64"], ["fd00::2/64"]]);
    const [a, b] = hosts;
    const evil = sw.port();
    clock.advance(3000);
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    const aMac = a.link.interface.mac;
    const seeds = [
      routerAdvertisement("2001:db8:7::"),
      ndFrame(0x020000000066, parseIpv6("fe80::66"), solicitedNodeAddress(parseIpv6("fd00::1")), {
        kind: "neighbor-solicitation",
        target: parseIpv6("fd00::1"),
        sourceLinkLayer: 0x020000000066,
      }),
      ndFrame(
        0x020000000066,
        parseIpv6("fe80::66"),
        parseIpv6("fd00::1"),
        {
          kind: "neighbor-advertisement",
          router: true,
          solicited: true,
          override: true,
          target: parseIpv6("fd00::66"),
          targetLinkLayer: 0x020000000066,
        },
        aMac,
      ),
    ];
    // A TCP SYN to a's address, through the path up to the stack: mangled, it must be dropped there.
    const syn = (() => {
      const p = new Uint8Array(60);
      p.set([0x60, 0, 0, 0, 0, 20, 6, 64]);
      p.set(parseIpv6("fd00::66"), 8);
      p.set(parseIpv6("fd00::1"), 24);
      p.set([0xc0, 0x00, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff], 40);
      return buildEthernetFrame(aMac, 0x020000000066, EtherType.IPV6, p);
    })();
    seeds.push(syn);
    const framesIn = a.link.interface.counters.framesIn;
    for (let i = 0; i < 20_000; i++) {
      const f = seeds[i % seeds.length].slice();
      // Keep the destination MAC (so the frame reaches the interface), flip 1-4 bytes past it.
      for (let k = 0, n = 1 + (rand() % 4); k < n; k++) f[6 + (rand() % (f.length - 6))] = rand() & 0xff;
      evil.send(i % 11 === 0 ? f.subarray(0, rand() % f.length) : f);
    }
    clock.advance(10);
    expect(a.link.interface.counters.framesIn - framesIn).toBeGreaterThan(10_000);
    const ipv6 = a.link.interface.ipv6;
    expect(ipv6?.counters.ndDropped).toBeGreaterThan(0);
    // Mangled segments reached the stack and were dropped there, counted (checksums, mostly).
    expect(a.stack.counters.checksumErrors).toBeGreaterThan(0);
    // Bounded: whatever the frames made it learn stays within ND's tables.
    expect(a.nd.addresses().length).toBeLessThanOrEqual(a.nd.config.maxAddresses);
    expect(a.nd.cache.size).toBeLessThanOrEqual(a.nd.config.neighbor.maxEntries);
    const listener = b.stack.listen(80);
    const accepted = listener.accept();
    const client = await drive(clock, a.stack.connect("fd00::2", 80));
    const server = await drive(clock, accepted);
    await drive(clock, client.write(new Uint8Array(1000).fill(9)));
    const r = await drive(clock, server.read());
    expect(r.value?.length).toBe(1000);
  });
});

const ipv6Key = (text: string) => ipv6HexKey(parseIpv6(text));
