import { describe, expect, it } from "vitest";
import { IPV6_ALL_NODES, IPV6_UNSPECIFIED } from "../../src/wire/ipv6-multicast.js";
import { buildNdpMessage } from "../../src/wire/ndp-message.js";
import {
  PEER,
  PEER_MAC,
  ROUTER,
  ROUTER_MAC,
  ip,
  na,
  prefixInfo,
  ra,
  setup,
  startAssigned,
  text,
} from "./ndp-fixture.js";

const noRs = { maxRtrSolicitations: 0 };

describe("router solicitation at start (RFC 4861 §6.3.7)", () => {
  it("once the link-local address is assigned: a random delay, then MAX_RTR_SOLICITATIONS RSs RTR_SOLICITATION_INTERVAL apart", () => {
    const f = setup({}, { random: () => 0.25 });
    f.nd.start();
    // DAD: 250 ms random delay, one NS, 1 s; then the RS delay, 250 ms.
    f.clock.advance(1250);
    const ll = f.nd.addresses()[0];
    expect(ll.state).toBe("preferred");
    f.take();
    f.clock.advance(249);
    expect(f.take()).toEqual([]);
    f.clock.advance(1);
    const rs = {
      src: ll.text,
      dst: "ff02::2",
      hopLimit: 255,
      message: { kind: "router-solicitation", sourceLinkLayer: 0x0200_0000_0002 },
    };
    expect(f.take()).toEqual([rs]);
    f.clock.advance(4000);
    expect(f.take()).toEqual([rs]);
    f.clock.advance(4000);
    expect(f.take()).toEqual([rs]);
    f.clock.advance(60_000);
    expect(f.take()).toEqual([]);
    expect(f.nd.counters.routerSolicitationsOut).toBe(3);
  });

  it("stops once an RA with a non-zero router lifetime arrives", () => {
    const f = setup();
    f.nd.start();
    f.clock.advance(2000);
    expect(f.take().filter((s) => s.message.kind === "router-solicitation")).toHaveLength(1);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ routerLifetime: 0 }));
    f.clock.advance(4000);
    expect(f.take()).toHaveLength(1);
    f.receive(ROUTER, IPV6_ALL_NODES, ra());
    f.clock.advance(60_000);
    expect(f.take()).toEqual([]);
  });
});

describe("router advertisements (RFC 4861 §6.3.4)", () => {
  it("adds the router for its lifetime, refreshes it, and drops it at the end", () => {
    const f = setup(noRs);
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ routerLifetime: 600 }));
    expect(f.nd.routers().map(text)).toEqual(["fe80::1"]);
    expect(f.events).toEqual([{ type: "router", router: ROUTER, lifetime: 600_000 }]);
    f.clock.advance(500_000);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ routerLifetime: 600 }));
    f.clock.advance(599_999);
    expect(f.nd.routers()).toHaveLength(1);
    f.clock.advance(1);
    expect(f.nd.routers()).toEqual([]);
    expect(f.events.at(-1)).toEqual({ type: "router", router: ROUTER, lifetime: 0 });
  });

  it("reports the expired router's address though the frame it came in was reused", () => {
    const f = setup(noRs);
    startAssigned(f);
    const frameSource = ROUTER.slice();
    f.receive(frameSource, IPV6_ALL_NODES, ra({ routerLifetime: 600 }));
    f.receive(frameSource, IPV6_ALL_NODES, ra({ routerLifetime: 600 }));
    frameSource.fill(0xee);
    f.clock.advance(600_000);
    expect(f.events.at(-1)).toEqual({ type: "router", router: ROUTER, lifetime: 0 });
  });

  it("a router lifetime of 0 removes the router at once", () => {
    const f = setup(noRs);
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra());
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ routerLifetime: 0 }));
    expect(f.nd.routers()).toEqual([]);
  });

  it("bounds the router list", () => {
    const f = setup({ ...noRs, maxRouters: 2 });
    startAssigned(f);
    for (const r of ["fe80::1", "fe80::2", "fe80::3"]) f.receive(ip(r), IPV6_ALL_NODES, ra());
    expect(f.nd.routers().map(text)).toEqual(["fe80::1", "fe80::2"]);
    expect(f.nd.counters.tableFull).toBe(1);
  });

  it("next hop (§5.2): on-link destinations directly, others through a default router, else no route", () => {
    const f = setup(noRs);
    startAssigned(f);
    const off = ip("2001:db8:9::1");
    expect(f.nd.nextHop(off)).toBeNull();
    expect(text(f.nd.nextHop(PEER) as Uint8Array)).toBe("fe80::9");
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 600, 300, { autonomous: false })] }));
    expect(f.nd.prefixes().map(([p, l]) => `${text(p)}/${l}`)).toEqual(["2001:db8:1::/64"]);
    expect(text(f.nd.nextHop(ip("2001:db8:1::77")) as Uint8Array)).toBe("2001:db8:1::77");
    expect(text(f.nd.nextHop(off) as Uint8Array)).toBe("fe80::1");
    // The on-link prefix lives for its valid lifetime, then its addresses go through the router.
    f.clock.advance(600_000);
    expect(f.nd.prefixes()).toEqual([]);
    expect(text(f.nd.nextHop(ip("2001:db8:1::77")) as Uint8Array)).toBe("fe80::1");
  });

  it("prefers a router that is not known unreachable (§6.3.6)", () => {
    const f = setup(noRs);
    const ll = startAssigned(f);
    const second = ip("fe80::2");
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ sourceLinkLayer: null }));
    f.receive(second, IPV6_ALL_NODES, ra({ sourceLinkLayer: PEER_MAC }));
    // fe80::1 has no cache entry; fe80::2 is STALE (probably reachable).
    expect(text(f.nd.nextHop(ip("2001:db8:9::1")) as Uint8Array)).toBe("fe80::2");
    // Resolving fe80::1 (INCOMPLETE) does not make it probably reachable; its answer does.
    f.nd.resolve(ROUTER, new Uint8Array(1));
    expect(text(f.nd.nextHop(ip("2001:db8:9::1")) as Uint8Array)).toBe("fe80::2");
    f.receive(ROUTER, ll, na(ROUTER, { solicited: true, router: true, targetLinkLayer: ROUTER_MAC }));
    expect(text(f.nd.nextHop(ip("2001:db8:9::1")) as Uint8Array)).toBe("fe80::1");
  });

  it("takes the hop limit, the MTU in [1280, link MTU], ReachableTime and RetransTimer", () => {
    const f = setup(noRs);
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ curHopLimit: 32, mtu: 1400, reachableTime: 10_000, retransTimer: 500 }));
    expect([f.nd.hopLimit, f.nd.mtu, f.nd.reachableTime, f.nd.retransTimer]).toEqual([32, 1400, 10_000, 500]);
    expect(f.events.filter((e) => e.type === "mtu" || e.type === "hop-limit")).toEqual([
      { type: "hop-limit", hopLimit: 32 },
      { type: "mtu", mtu: 1400 },
    ]);
    for (const mtu of [1279, 1501]) f.receive(ROUTER, IPV6_ALL_NODES, ra({ mtu }));
    expect(f.nd.mtu).toBe(1400);
    // Those RAs' Cur Hop Limit was 0, "unspecified by this router": the hop limit stays.
    expect(f.nd.hopLimit).toBe(32);
    expect(f.events.filter((e) => e.type === "hop-limit")).toHaveLength(1);
    expect(f.nd.counters.mtuIgnored).toBe(2);
    // The new RetransTimer paces resolution: NSs 500 ms apart.
    f.take();
    f.nd.resolve(PEER, new Uint8Array(1));
    f.clock.advance(500);
    expect(f.take().filter((s) => s.message.kind === "neighbor-solicitation")).toHaveLength(2);
  });
});

describe("ReachableTime (RFC 4861 §6.3.4)", () => {
  it("is drawn again when the advertised value changes and every few hours, not on every RA", () => {
    let k = 0;
    // Never the same value twice: any redraw shows.
    const f = setup(noRs, { random: () => (++k * 0.618) % 1 });
    startAssigned(f);
    const advertise = (reachableTime: number) =>
      f.receive(ROUTER, IPV6_ALL_NODES, ra({ reachableTime, routerLifetime: 9000 }));
    advertise(10_000);
    const first = f.nd.reachableTime;
    expect(first).toBeGreaterThanOrEqual(5_000);
    expect(first).toBeLessThanOrEqual(15_000);
    // The same value again, or none (0: unspecified): kept.
    advertise(10_000);
    advertise(0);
    f.clock.advance(3_600_000);
    advertise(10_000);
    expect(f.nd.reachableTime).toBe(first);
    // A new value: drawn from it.
    advertise(20_000);
    const second = f.nd.reachableTime;
    expect(second).not.toBe(first);
    expect(second).toBeGreaterThanOrEqual(10_000);
    expect(second).toBeLessThanOrEqual(30_000);
    // Unchanged for two hours: the next RA draws it again.
    f.clock.advance(2 * 3_600_000);
    advertise(20_000);
    expect(f.nd.reachableTime).not.toBe(second);
    expect(f.nd.reachableTime).toBeGreaterThanOrEqual(10_000);
  });
});

describe("malformed and ignored messages are counted, never acted on", () => {
  it("counts each drop by reason and changes nothing", () => {
    const f = setup(noRs);
    const ll = startAssigned(f);
    const body = buildNdpMessage(ra({ prefixes: [prefixInfo("2001:db8:1::", 600, 300)] })).body;
    expect(f.nd.receive(ROUTER, IPV6_ALL_NODES, 64, 134, 0, body)).toBe("bad-hop-limit");
    expect(f.nd.receive(ip("2001:db8::1"), IPV6_ALL_NODES, 255, 134, 0, body)).toBe("bad-source");
    expect(f.nd.receive(ROUTER, IPV6_ALL_NODES, 255, 134, 1, body)).toBe("bad-code");
    expect(f.nd.receive(ROUTER, IPV6_ALL_NODES, 255, 134, 0, body.subarray(0, 24))).toBe("bad-option-length");
    expect(f.nd.routers()).toEqual([]);
    expect(f.nd.addresses()).toHaveLength(1);
    expect(f.receive(PEER, ll, na(ll, { solicited: true }), 1)).toBe("bad-hop-limit");
    expect(f.nd.counters.drops).toMatchObject({
      "bad-hop-limit": 2,
      "bad-source": 1,
      "bad-code": 1,
      "bad-option-length": 1,
    });
  });

  it("counts and ignores valid redirects and other hosts' router solicitations", () => {
    const f = setup(noRs);
    startAssigned(f);
    const off = ip("2001:db8:9::1");
    expect(
      f.receive(ROUTER, IPV6_ALL_NODES, {
        kind: "redirect",
        target: PEER,
        destination: off,
        targetLinkLayer: PEER_MAC,
      }),
    ).toBeNull();
    expect(
      f.receive(IPV6_UNSPECIFIED, ip("ff02::2"), { kind: "router-solicitation", sourceLinkLayer: null }),
    ).toBeNull();
    expect(f.nd.counters).toMatchObject({ redirectsIgnored: 1, routerSolicitationsIgnored: 1 });
    expect(f.nd.nextHop(off)).toBeNull();
    expect(f.take()).toEqual([]);
  });

  it("stop() ends every timer and forgets state", () => {
    const f = setup();
    f.nd.start();
    f.clock.advance(2000);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 600, 300)] }));
    f.nd.resolve(PEER, new Uint8Array(1));
    f.nd.stop();
    expect(f.clock.pending).toBe(0);
    expect([f.nd.addresses(), f.nd.routers(), f.nd.cache.size]).toEqual([[], [], 0]);
    expect(f.nd.groups().map(text)).toEqual(["ff02::1"]);
    // And starts again from the beginning: a tentative link-local address, its group joined.
    f.nd.start();
    const [ll] = f.nd.addresses();
    expect(ll.state).toBe("tentative");
    expect(f.nd.groups()).toHaveLength(2);
  });
});

describe("bounds on what a router may set", () => {
  it("caps ReachableTime and RetransTimer at an hour (RFC 4861 §6.2.1), so no platform timer overflows", () => {
    const f = setup({ maxRtrSolicitations: 0 });
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ reachableTime: 0xffffffff, retransTimer: 0xffffffff }));
    expect([f.nd.reachableTime, f.nd.retransTimer]).toEqual([3_600_000, 3_600_000]);
  });

  it("solicits routers from :: when the link-local address could not be made unique", () => {
    const f = setup({ idgenRetries: 0 });
    f.nd.start();
    const [ll] = f.nd.addresses();
    f.receive(PEER, IPV6_ALL_NODES, na(ll.address, { override: true, targetLinkLayer: PEER_MAC }));
    expect(f.nd.addresses()).toEqual([]);
    f.take();
    f.clock.advance(500);
    expect(f.take()).toEqual([
      { src: "::", dst: "ff02::2", hopLimit: 255, message: { kind: "router-solicitation", sourceLinkLayer: null } },
    ]);
  });
});
