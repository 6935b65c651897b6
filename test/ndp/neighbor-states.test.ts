import { describe, expect, it } from "vitest";
import { ipv6HexKey } from "../../src/ndp/index.js";
import { solicitedNodeAddress } from "../../src/wire/ipv6-multicast.js";
import {
  OTHER_MAC,
  PEER,
  PEER_MAC,
  ROUTER,
  ROUTER_MAC,
  type Fixture,
  ip,
  na,
  ra,
  setup as setupWithRs,
  startAssigned,
  text,
} from "./ndp-fixture.js";

/** Router solicitation off: these tests watch neighbour solicitations only. */
const setup = (config = {}, options = {}) => setupWithRs({ maxRtrSolicitations: 0, ...config }, options);
const state = (f: Fixture, a = PEER) => f.nd.cache.entry(ipv6HexKey(a));
const packet = (n: number) => Uint8Array.of(0x60, n);

/** A fixture whose link-local address is assigned, with PEER resolved (REACHABLE) by a solicited NA. */
function reachable(config = {}) {
  const f = setup(config);
  const ll = startAssigned(f);
  f.nd.resolve(PEER, packet(1));
  f.receive(PEER, ll, na(PEER, { solicited: true, override: true, targetLinkLayer: PEER_MAC }));
  expect(state(f)?.state).toBe("reachable");
  f.take();
  f.delivered.length = 0;
  return { ...f, ll };
}

/** As `reachable`, then ReachableTime (30 s with random 0.5) passes: STALE. */
function stale(config = {}) {
  const f = reachable(config);
  f.clock.advance(30_000);
  expect(state(f)?.state).toBe("stale");
  return f;
}

describe("neighbour cache states (RFC 4861 §7.3.3)", () => {
  it("no entry -> INCOMPLETE: a multicast NS to the solicited-node group, from our link-local address, with our MAC", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.nd.resolve(PEER, packet(1));
    expect(state(f)).toMatchObject({ state: "incomplete", queued: 1 });
    expect(f.take()).toEqual([
      {
        src: text(ll),
        dst: text(solicitedNodeAddress(PEER)),
        hopLimit: 255,
        message: { kind: "neighbor-solicitation", target: PEER, sourceLinkLayer: 0x0200_0000_0002 },
      },
    ]);
    // The NS itself went to the group's MAC, 33:33:ff:00:00:09; the queued packet did not go.
    expect(f.delivered.map((d) => d.mac)).toEqual([0x3333_ff00_0009]);
  });

  it("INCOMPLETE -> REACHABLE on a solicited NA; the queued packets go to its MAC in order", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.nd.resolve(PEER, packet(1));
    f.nd.resolve(PEER, packet(2));
    f.delivered.length = 0;
    f.receive(PEER, ll, na(PEER, { solicited: true, targetLinkLayer: PEER_MAC }));
    expect(state(f)).toMatchObject({ state: "reachable", mac: PEER_MAC, queued: 0 });
    expect(f.delivered.map((d) => [d.packet[1], d.mac])).toEqual([
      [1, PEER_MAC],
      [2, PEER_MAC],
    ]);
  });

  it("INCOMPLETE -> STALE on an unsolicited NA with an address; the queue is sent", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.nd.resolve(PEER, packet(1));
    f.delivered.length = 0;
    f.receive(PEER, ll, na(PEER, { override: true, targetLinkLayer: PEER_MAC }));
    expect(state(f)).toMatchObject({ state: "stale", mac: PEER_MAC });
    expect(f.delivered).toHaveLength(1);
  });

  it("INCOMPLETE ignores an NA without a target link-layer address", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.nd.resolve(PEER, packet(1));
    f.receive(PEER, ll, na(PEER, { solicited: true }));
    expect(state(f)?.state).toBe("incomplete");
  });

  it("INCOMPLETE -> gone after MAX_MULTICAST_SOLICIT NSs RETRANS_TIMER apart; the queued packets are unreachable", () => {
    const f = setup();
    startAssigned(f);
    f.nd.resolve(PEER, packet(1));
    f.clock.advance(999);
    expect(f.take()).toHaveLength(1);
    f.clock.advance(1);
    expect(f.take()).toHaveLength(1);
    f.clock.advance(1000);
    expect(f.take()).toHaveLength(1);
    expect(f.lost).toEqual([]);
    f.clock.advance(1000);
    expect(f.take()).toEqual([]);
    expect(state(f)).toBeUndefined();
    expect(f.lost).toEqual([{ nextHop: "fe80::9", packets: [packet(1)] }]);
    expect(f.nd.cache.counters.resolutionFailures).toBe(1);
  });

  it("holds at most queueLength packets while INCOMPLETE, dropping the oldest", () => {
    const f = setup({ neighbor: { queueLength: 2 } });
    const ll = startAssigned(f);
    for (let i = 1; i <= 4; i++) f.nd.resolve(PEER, packet(i));
    expect(f.nd.cache.counters.queueOverflows).toBe(2);
    f.delivered.length = 0;
    f.receive(PEER, ll, na(PEER, { solicited: true, targetLinkLayer: PEER_MAC }));
    expect(f.delivered.map((d) => d.packet[1])).toEqual([3, 4]);
  });

  it("REACHABLE -> STALE after ReachableTime, randomized in [0.5, 1.5] x BaseReachableTime (§6.3.2)", () => {
    for (const [r, time] of [
      [0, 15_000],
      [0.5, 30_000],
      [0.999, 29_970 + 15_000],
    ] as const) {
      const f = setup({}, { random: () => r });
      expect(f.nd.reachableTime).toBeCloseTo(time, 0);
    }
    const f = reachable();
    f.clock.advance(29_999);
    expect(state(f)?.state).toBe("reachable");
    f.clock.advance(1);
    expect(state(f)?.state).toBe("stale");
  });

  it("STALE -> DELAY on use (the packet goes at once), DELAY -> PROBE after DELAY_FIRST_PROBE_TIME with a unicast NS", () => {
    const f = stale();
    f.nd.resolve(PEER, packet(7));
    expect(state(f)?.state).toBe("delay");
    expect(f.delivered.map((d) => [d.packet[1], d.mac])).toEqual([[7, PEER_MAC]]);
    f.clock.advance(4999);
    expect(f.take()).toEqual([]);
    f.clock.advance(1);
    expect(state(f)?.state).toBe("probe");
    expect(f.take()).toEqual([
      {
        src: text(f.ll),
        dst: "fe80::9",
        hopLimit: 255,
        message: { kind: "neighbor-solicitation", target: PEER, sourceLinkLayer: 0x0200_0000_0002 },
      },
    ]);
    // The unicast NS went to the cached MAC, not to a group.
    expect(f.delivered.at(-1)?.mac).toBe(PEER_MAC);
  });

  it("DELAY -> REACHABLE on an upper layer's confirmation: no probe is sent (§7.3.1)", () => {
    const f = stale();
    f.nd.resolve(PEER, packet(7));
    f.nd.confirmReachable(PEER);
    expect(state(f)?.state).toBe("reachable");
    f.clock.advance(10_000);
    expect(f.take()).toEqual([]);
    expect(f.nd.cache.counters.upperLayerConfirmations).toBe(1);
  });

  it("PROBE -> REACHABLE on a solicited NA", () => {
    const f = stale();
    f.nd.resolve(PEER, packet(7));
    f.clock.advance(5000);
    f.receive(PEER, f.ll, na(PEER, { solicited: true }));
    expect(state(f)?.state).toBe("reachable");
    f.clock.advance(5000);
    expect(f.take()).toHaveLength(1); // only the first probe
  });

  it("PROBE -> gone after MAX_UNICAST_SOLICIT unanswered NSs", () => {
    const f = stale();
    f.nd.resolve(PEER, packet(7));
    f.clock.advance(5000 + 3000);
    expect(f.take().map((s) => s.dst)).toEqual(["fe80::9", "fe80::9", "fe80::9"]);
    expect(state(f)).toBeUndefined();
    expect(f.nd.cache.counters.probeFailures).toBe(1);
  });

  it("§7.2.5: O=0 with another address makes REACHABLE stale but keeps the address", () => {
    const f = reachable();
    f.receive(PEER, f.ll, na(PEER, { solicited: true, targetLinkLayer: OTHER_MAC }));
    expect(state(f)).toMatchObject({ state: "stale", mac: PEER_MAC });
    expect(f.nd.cache.counters.overridesRefused).toBe(1);
  });

  it("§7.2.5: O=0 with another address leaves a STALE entry alone", () => {
    const f = stale();
    f.receive(PEER, f.ll, na(PEER, { solicited: true, targetLinkLayer: OTHER_MAC }));
    expect(state(f)).toMatchObject({ state: "stale", mac: PEER_MAC });
  });

  it("§7.2.5: O=1 with another address, unsolicited, takes the address and goes STALE", () => {
    const f = reachable();
    f.receive(PEER, f.ll, na(PEER, { override: true, targetLinkLayer: OTHER_MAC }));
    expect(state(f)).toMatchObject({ state: "stale", mac: OTHER_MAC });
  });

  it("§7.2.5: S=1 with the same address (or none) makes a STALE entry REACHABLE", () => {
    const f = stale();
    f.receive(PEER, f.ll, na(PEER, { solicited: true, targetLinkLayer: PEER_MAC }));
    expect(state(f)?.state).toBe("reachable");
  });

  it("§7.2.5: S=0, O=1 with the same address changes nothing", () => {
    const f = reachable();
    f.receive(PEER, f.ll, na(PEER, { override: true, targetLinkLayer: PEER_MAC }));
    expect(state(f)?.state).toBe("reachable");
  });

  it("an unsolicited NA for an address not in the cache creates no entry", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.receive(PEER, ll, na(PEER, { override: true, targetLinkLayer: PEER_MAC }));
    expect(state(f)).toBeUndefined();
    expect(f.nd.cache.counters.unsolicitedReplies).toBe(1);
  });

  it("§7.2.3: an NS for our address creates a STALE entry for its sender and is answered unicast, S=1 O=1", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.receive(PEER, solicitedNodeAddress(ll), { kind: "neighbor-solicitation", target: ll, sourceLinkLayer: PEER_MAC });
    expect(f.take()).toEqual([
      {
        src: text(ll),
        dst: "fe80::9",
        hopLimit: 255,
        message: na(ll, { solicited: true, override: true, targetLinkLayer: 0x0200_0000_0002 }),
      },
    ]);
    // The answer used the new entry (STALE -> DELAY), sent at once to the solicitor's MAC.
    expect(state(f)).toMatchObject({ state: "delay", mac: PEER_MAC });
    expect(f.delivered.at(-1)?.mac).toBe(PEER_MAC);
  });

  it("an NS for somebody else's address is counted and not answered", () => {
    const f = setup();
    startAssigned(f);
    const other = ip("fe80::77");
    f.receive(PEER, solicitedNodeAddress(other), {
      kind: "neighbor-solicitation",
      target: other,
      sourceLinkLayer: PEER_MAC,
    });
    expect(f.take()).toEqual([]);
    expect(f.nd.counters.notForUs).toBe(1);
    expect(state(f)).toBeUndefined();
  });

  it("an RA's source link-layer option creates a STALE entry for the router (§6.3.4)", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.receive(ROUTER, ll, ra());
    expect(state(f, ROUTER)).toMatchObject({ state: "stale", mac: ROUTER_MAC });
  });

  it("an NA with R=0 from a default router takes it off the router list (§7.2.5 IsRouter)", () => {
    const f = setup();
    const ll = startAssigned(f);
    f.receive(ROUTER, ll, ra());
    expect(f.nd.routers().map(text)).toEqual(["fe80::1"]);
    f.receive(ROUTER, ll, na(ROUTER, { solicited: true, router: true }));
    expect(f.nd.routers()).toHaveLength(1);
    f.receive(ROUTER, ll, na(ROUTER, { solicited: true, router: false }));
    expect(f.nd.routers()).toEqual([]);
    expect(f.events.at(-1)).toEqual({ type: "router", router: ROUTER, lifetime: 0 });
  });

  it("sends no NS before any address is assigned (counted), and resolves once one is", () => {
    const f = setup();
    f.nd.start();
    f.take();
    f.nd.resolve(PEER, packet(1));
    expect(f.take().filter((s) => s.message.kind === "neighbor-solicitation" && s.src !== "::")).toEqual([]);
    expect(f.nd.counters.noSourceAddress).toBe(1);
    // The link-local address is assigned at 1.5 s; the third NS, at 2 s, goes from it.
    f.clock.advance(2000);
    expect(f.take().filter((s) => s.dst === text(solicitedNodeAddress(PEER)))).toHaveLength(1);
    expect(f.nd.counters.noSourceAddress).toBe(2);
  });
});
