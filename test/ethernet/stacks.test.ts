import { describe, expect, it } from "vitest";
import { HostUnreachableError, Stack, VirtualClock, ethernetLink, virtualSwitch } from "../../src/api/index.js";
import { RawIpInterface, RoutedLink } from "../../src/netif/index.js";
import { memoryLinkPair } from "../../src/link/index.js";
import { parseDatagram, parseIpv4, parseMac } from "../../src/wire/index.js";
import { freeSlots } from "../../src/wire/packet-arena.js";
import { drive, patternBytes, readAll, sha256 } from "../api/helpers.js";
import { FakeLink } from "./fake-link.js";

const isnKey = new Uint8Array(16).fill(7);

/** `n` stacks 10.0.0.1.. on one switch, each with its own Ethernet interface. */
function lan(n: number) {
  const clock = new VirtualClock(1_700_000_000_000);
  const sw = virtualSwitch({ clock });
  const hosts = Array.from({ length: n }, (_, i) => {
    const address = `10.0.0.${i + 1}`;
    const port = sw.port();
    const link = ethernetLink({
      link: port,
      address: `${address}/24`,
      mac: parseMac(`02:00:00:00:00:${(i + 1).toString(16).padStart(2, "0")}`),
      clock,
    });
    return { address, link, stack: new Stack({ address, link, clock, isnKey }) };
  });
  return { clock, sw, hosts };
}

describe("TCP between stacks over Ethernet, through a virtual switch", () => {
  it("resolves by ARP and carries 1 MB intact", async () => {
    const { clock, sw, hosts } = lan(3);
    const [a, b] = hosts;
    clock.runUntilIdle(); // the announcements: they update entries only, so nobody knows anybody yet
    const slots = freeSlots();
    const listener = b.stack.listen(80);
    const accepted = listener.accept();
    const client = await drive(clock, a.stack.connect("10.0.0.2", 80));
    const server = await drive(clock, accepted);
    const data = patternBytes(1 << 20, 3);
    const sent = (async () => {
      await client.write(data);
      await client.shutdown()[Symbol.asyncDispose]();
    })();
    const got = await drive(clock, readAll(server));
    await drive(clock, sent);
    expect(sha256(got)).toBe(sha256(data));
    // a asked for b by broadcast; b learned a from that request, unconfirmed, so its first use of the
    // entry re-validated it by one unicast request. Nothing more over the whole transfer.
    expect(a.link.interface.neighbors.counters).toMatchObject({
      requestsOut: 1,
      confirmations: 1,
      unsolicitedReplies: 0,
    });
    expect(b.link.interface.neighbors.counters).toMatchObject({
      requestsOut: 1,
      confirmations: 1,
      unsolicitedReplies: 0,
    });
    expect(a.link.interface.neighbors.entry(parseIpv4("10.0.0.2"))?.mac).toBe(b.link.interface.mac);
    // The third host heard the broadcasts only (the announcements and one request), no unicast segment.
    const third = hosts[2].link.interface.counters;
    expect(third.drops["not-for-us"]).toBe(0);
    expect(third.framesIn).toBeLessThan(6);
    expect(sw.counters.forwarded).toBeGreaterThan(700);
    // Frames were built in the packets' arena slots, and every slot came back: received or dropped.
    clock.runUntilIdle();
    expect(freeSlots()).toEqual(slots);
  });

  it("a connect to an address nobody answers ARP for fails with HostUnreachableError", async () => {
    const { clock, hosts } = lan(1);
    const [a] = hosts;
    const start = clock.now();
    const conn = a.stack.connect("10.0.0.99", 80, { connectTimeout: 60_000 });
    // ARP gives up after 3 s (three requests a second apart); the SYN it held comes back as a local ICMP
    // host unreachable, which fails the connect then, as on Linux, not at the 60 s connect timeout.
    const failed = await drive(clock, conn).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HostUnreachableError);
    expect(failed).toMatchObject({ code: "EHOSTUNREACH" });
    expect(clock.now() - start).toBe(3000);
    expect(a.stack.counters.icmpErrorsIn).toBeGreaterThanOrEqual(1);
    expect(a.link.interface.neighbors.counters.resolutionFailures).toBeGreaterThanOrEqual(1);
    expect(a.link.counters.unresolved).toBeGreaterThanOrEqual(1);
  });
});

describe("routes: longest prefix, default gateway", () => {
  it("sends off-link packets to the gateway's MAC, on-link ones to their own", () => {
    const clock = new VirtualClock();
    const link = new FakeLink();
    const routed = ethernetLink({ link, address: "10.0.0.2/24", gateway: "10.0.0.1", clock, mac: 0x020000000002 });
    link.take();
    const packet = (dst: string) => {
      const p = new Uint8Array(20);
      p[0] = 0x45;
      new DataView(p.buffer).setUint32(16, parseIpv4(dst));
      return p;
    };
    routed.send(packet("192.168.5.5"));
    routed.send(packet("10.0.0.7"));
    const asked = link.take().map((f) => new DataView(f.buffer).getUint32(38));
    expect(asked).toEqual([parseIpv4("10.0.0.1"), parseIpv4("10.0.0.7")]);
  });

  it("picks the most specific route, and drops (counted) what no route holds", () => {
    const [x, y] = memoryLinkPair();
    const wide = new RawIpInterface({ link: x, address: "10.0.0.1/8", name: "wide" });
    const narrow = new RawIpInterface({ link: y, address: "10.1.2.1/24", name: "narrow" });
    const routed = new RoutedLink({ interfaces: [wide, narrow] });
    expect(routed.routes.lookup(parseIpv4("10.1.2.9"))?.via).toBe(narrow);
    expect(routed.routes.lookup(parseIpv4("10.1.3.9"))?.via).toBe(wide);
    expect(routed.routes.lookup(parseIpv4("11.0.0.1"))).toBeNull();
    routed.routes.add({ network: parseIpv4("10.1.2.128"), prefix: 25, gateway: parseIpv4("10.0.0.9"), via: wide });
    expect(routed.routes.lookup(parseIpv4("10.1.2.200"))).toMatchObject({ via: wide, gateway: parseIpv4("10.0.0.9") });
    expect(routed.routes.lookup(parseIpv4("10.1.2.100"))?.via).toBe(narrow);
    const p = new Uint8Array(20);
    p[0] = 0x45;
    p.set([11, 0, 0, 1], 16);
    routed.send(p);
    expect(routed.counters.noRoute).toBe(1);
    expect(() => new RoutedLink({ interfaces: [wide], gateway: "192.168.0.1" })).toThrow(RangeError);
  });

  it("a stack with a raw-IP and an Ethernet interface reaches a peer on each", async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const [tunA, tunB] = memoryLinkPair({ clock });
    const sw = virtualSwitch({ clock });
    const eth = ethernetLink({ link: sw.port(), address: "10.0.0.1/24", clock }).interface;
    const tun = new RawIpInterface({ link: tunA, address: "10.0.0.1/32" });
    const routed = new RoutedLink({
      interfaces: [eth, tun],
      routes: [{ destination: "172.16.0.0/16", via: tun }],
    });
    const hub = new Stack({ address: "10.0.0.1", link: routed, clock, isnKey });
    const onLan = new Stack({
      address: "10.0.0.2",
      link: ethernetLink({ link: sw.port(), address: "10.0.0.2/24", clock }),
      clock,
      isnKey,
    });
    const onTun = new Stack({ address: "172.16.0.5", link: tunB, clock, isnKey });
    for (const s of [onLan, onTun]) s.listen(80);
    const viaEth = await drive(clock, hub.connect("10.0.0.2", 80));
    const viaTun = await drive(clock, hub.connect("172.16.0.5", 80));
    expect(viaEth.state).toBe("Established");
    expect(viaTun.state).toBe("Established");
    expect(tunA.counters.tx.sent).toBeGreaterThan(0);
  });
});

describe("an unresolved next hop, reported up as ICMP", () => {
  function setup() {
    const clock = new VirtualClock();
    const link = new FakeLink();
    const routed = ethernetLink({ link, address: "10.0.0.2/24", clock, mac: 0x020000000002 });
    const up: Uint8Array[] = [];
    routed.onReceive = (p) => up.push(p);
    return { clock, routed, up };
  }
  const ipv4 = (protocol: number, body: number[]) => {
    const p = new Uint8Array(20 + body.length);
    p.set([0x45, 0, 0, p.length, 0, 0, 0, 0, 64, protocol, 0, 0, 10, 0, 0, 2, 10, 0, 0, 99]);
    p.set(body, 20);
    return p;
  };

  it("quotes the dropped packet's header and first 8 bytes, from the interface to the sender", () => {
    const { clock, routed, up } = setup();
    const syn = ipv4(6, [0x30, 0x39, 0, 80, 1, 2, 3, 4, 0, 0, 0, 0, 0x50, 2, 0xff, 0xff, 0, 0, 0, 0]);
    routed.send(syn);
    clock.advance(3000);
    expect(up).toHaveLength(1);
    const r = parseDatagram(up[0]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ip).toMatchObject({ src: parseIpv4("10.0.0.2"), dst: parseIpv4("10.0.0.2"), protocol: 1 });
    expect(r.icmp).toMatchObject({ type: 3, code: 1 });
    expect(up[0].subarray(28)).toEqual(syn.subarray(0, 28));
    expect(routed.counters.unresolved).toBe(1);
  });

  it("sends none about an ICMP error, nor about a packet too short to quote", () => {
    const { clock, routed, up } = setup();
    routed.send(ipv4(1, [3, 1, 0, 0, 0, 0, 0, 0]));
    routed.send(ipv4(17, [0, 1, 0, 2]));
    routed.send(ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1])); // an echo request: not an error, so reported
    clock.advance(3000);
    expect(routed.counters.unresolved).toBe(3);
    expect(up).toHaveLength(1);
    expect(up[0][20]).toBe(3);
    expect(up[0][48]).toBe(8);
  });
});
