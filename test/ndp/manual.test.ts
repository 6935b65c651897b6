import { describe, expect, it } from "vitest";
import { IPV6_ALL_NODES, IPV6_UNSPECIFIED, solicitedNodeAddress } from "../../src/wire/ipv6-multicast.js";
import { PEER_MAC, ROUTER, ip, na, prefixInfo, ra, setup, startAssigned, text } from "./ndp-fixture.js";

const noRs = { maxRtrSolicitations: 0 };

describe("the user's addresses and autoconf off", () => {
  it("a manual address goes through DAD, then is ours; its prefix is on-link without a router", () => {
    const f = setup(noRs);
    startAssigned(f);
    expect(f.nd.nextHop(ip("fd00:5::9"))).toBeNull();
    expect(f.nd.addManual(ip("fd00:5::2"), 64)).toBe(true);
    expect(f.nd.addManual(ip("fd00:5::2"), 64)).toBe(false);
    const manual = () => f.nd.addresses().find((a) => a.origin === "manual");
    expect(manual()).toMatchObject({ text: "fd00:5::2", state: "tentative", prefixLength: 64 });
    f.clock.advance(500);
    expect(f.take().map((s) => [s.src, s.dst, s.message.kind])).toEqual([
      ["::", text(solicitedNodeAddress(ip("fd00:5::2"))), "neighbor-solicitation"],
    ]);
    f.clock.advance(1000);
    expect(manual()?.state).toBe("preferred");
    expect(manual()?.validUntil).toBe(Number.POSITIVE_INFINITY);
    expect(text(f.nd.nextHop(ip("fd00:5::9")) as Uint8Array)).toBe("fd00:5::9");
    expect(f.nd.acceptsDestination(ip("fd00:5::2"), false)).toBe(true);
  });

  it("a duplicate manual address is removed and not replaced by another identifier (RFC 4862 §5.4.5)", () => {
    const f = setup(noRs);
    startAssigned(f);
    f.nd.addManual(ip("fd00:5::2"), 64);
    f.clock.advance(500);
    // Another node defends it: its NA to all nodes while ours is tentative.
    f.receive(ip("fd00:5::2"), IPV6_ALL_NODES, na(ip("fd00:5::2"), { override: true, targetLinkLayer: PEER_MAC }));
    expect(f.nd.addresses().map((a) => a.origin)).toEqual(["link-local"]);
    expect(f.nd.counters).toMatchObject({ dadConflicts: 1, dadFailures: 1 });
    expect(f.events.some((e) => e.type === "address-removed" && e.reason === "duplicate")).toBe(true);
    f.take();
    f.clock.advance(10_000);
    expect(f.nd.addresses().map((a) => a.origin)).toEqual(["link-local"]);
    expect(f.take().filter((s) => s.src === text(IPV6_UNSPECIFIED))).toEqual([]);
  });

  it("autoconf false: an advertised prefix forms no address, but its router is a default router", () => {
    const f = setup({ ...noRs, autoconf: false });
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 86400, 14400)] }));
    f.clock.advance(5000);
    expect(f.nd.addresses().map((a) => a.origin)).toEqual(["link-local"]);
    expect(f.nd.routers().map(text)).toEqual([text(ROUTER)]);
    expect(f.nd.counters.prefixesIgnored).toBe(0);
  });
});
