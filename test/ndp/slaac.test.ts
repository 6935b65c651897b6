import { describe, expect, it } from "vitest";
import { ipv6InPrefix } from "../../src/wire/ipv6-address.js";
import { IPV6_ALL_NODES } from "../../src/wire/ipv6-multicast.js";
import { PEER, ROUTER, ip, prefixInfo, ra, setup, startAssigned, text } from "./ndp-fixture.js";

const HOUR = 3600_000;
const noRs = { maxRtrSolicitations: 0 };

/** A fixture with an assigned link-local address that has taken one RA for 2001:db8:1::/64. */
function withPrefix(valid: number, preferred: number, config = {}) {
  const f = setup({ ...noRs, ...config });
  startAssigned(f);
  f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", valid, preferred)] }));
  const global = () => f.nd.addresses().filter((a) => a.origin !== "link-local");
  return { ...f, global };
}

describe("stateless address autoconfiguration (RFC 4862 §5.5.3)", () => {
  it("forms prefix + stable identifier, runs DAD on it, and prefers it", () => {
    const f = withPrefix(86400, 14400);
    const [a] = f.global();
    expect(a).toMatchObject({ origin: "stable", state: "tentative", prefixLength: 64 });
    expect(ipv6InPrefix(a.address, ip("2001:db8:1::"), 64)).toBe(true);
    expect(f.take().map((s) => [s.src, s.message.kind])).toEqual([]);
    f.clock.advance(0);
    expect(f.take().map((s) => [s.src, s.dst])).toEqual([["::", `ff02::1:ff${a.text.slice(-7)}`]]);
    f.clock.advance(1000);
    expect(f.global()[0].state).toBe("preferred");
    // The global address is the source towards a global destination, the link-local one on the link.
    expect(text(f.nd.sourceAddress(ip("2001:db8:9::1")) as Uint8Array)).toBe(a.text);
    expect(f.nd.sourceAddress(PEER)?.[0]).toBe(0xfe);
  });

  it("RFC 7217: the same prefix, MAC and secret give the same address; another prefix another identifier", () => {
    const one = withPrefix(86400, 14400).global()[0];
    const two = withPrefix(86400, 14400).global()[0];
    expect(two.text).toBe(one.text);
    const f = setup(noRs);
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:2::", 86400, 14400)] }));
    const other = f.nd.addresses().find((a) => a.origin === "stable");
    expect(other?.address.subarray(8)).not.toEqual(one.address.subarray(8));
    // Another interface (MAC) gives another identifier for the same prefix.
    const g = setup(noRs, { mac: 0x0200_0000_0003 });
    startAssigned(g);
    g.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 86400, 14400)] }));
    const third = g.nd.addresses().find((a) => a.origin === "stable");
    expect(third?.address.subarray(0, 8)).toEqual(one.address.subarray(0, 8));
    expect(third?.address.subarray(8)).not.toEqual(one.address.subarray(8));
  });

  it("deprecates at the preferred lifetime's end and removes at the valid lifetime's end (§5.5.4)", () => {
    const f = withPrefix(3 * 3600, 3600);
    f.clock.advance(1000);
    const start = f.clock.now();
    expect(f.global()[0].state).toBe("preferred");
    f.clock.runUntil(start - 1000 + HOUR - 1);
    expect(f.global()[0].state).toBe("preferred");
    f.clock.advance(1);
    expect(f.global()[0].state).toBe("deprecated");
    expect(f.nd.acceptsDestination(f.global()[0].address, false)).toBe(true);
    f.clock.runUntil(start - 1000 + 3 * HOUR);
    expect(f.global()).toEqual([]);
    expect(f.events.at(-1)).toMatchObject({ type: "address-removed", reason: "expired" });
  });

  it("a new RA resets the preferred lifetime: a deprecated address is preferred again", () => {
    const f = withPrefix(3 * 3600, 60);
    f.clock.advance(61_000);
    expect(f.global()[0].state).toBe("deprecated");
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 3 * 3600, 600)] }));
    expect(f.global()[0].state).toBe("preferred");
  });

  describe("the two-hour rule for the valid lifetime (§5.5.3 e)", () => {
    const refresh = (f: ReturnType<typeof withPrefix>, valid: number) => {
      f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", valid, 0)] }));
      return f.global()[0].validUntil - f.clock.now();
    };

    it("an advertised valid lifetime over two hours is taken, even when shorter than the remaining one", () => {
      const f = withPrefix(86400, 3600);
      expect(refresh(f, 3 * 3600)).toBe(3 * HOUR);
    });

    it("a valid lifetime longer than the remaining one is taken", () => {
      const f = withPrefix(600, 0);
      expect(refresh(f, 3000)).toBe(3000_000);
    });

    it("a short valid lifetime cuts a remaining lifetime over two hours to two hours, not below", () => {
      const f = withPrefix(86400, 3600);
      expect(refresh(f, 60)).toBe(2 * HOUR);
      expect(refresh(f, 0)).toBe(2 * HOUR);
    });

    it("a short valid lifetime is ignored when two hours or less remain", () => {
      const f = withPrefix(5400, 0);
      f.clock.advance(400_000);
      expect(refresh(f, 10)).toBe(5000_000);
    });

    // RFC 4862 §5.5.3 e: a Valid Lifetime of 0 does not remove an address formed from the prefix: the
    // preferred lifetime "is reset" (0: deprecated at once), the valid one is cut to two hours (e.3) or,
    // with two hours or less left, ignored (e.2; no SEND here). §5.5.3 d: a new prefix forms nothing.
    it("a valid lifetime of 0 deprecates an existing address and leaves it two hours, never removes it at once", () => {
      const f = withPrefix(86400, 3600);
      f.clock.advance(1000);
      const formed = f.global()[0].text;
      expect(refresh(f, 0)).toBe(2 * HOUR);
      expect(f.global().map((a) => [a.text, a.state])).toEqual([[formed, "deprecated"]]);
      f.clock.advance(2 * HOUR - 1);
      expect(refresh(f, 0)).toBe(1);
      f.clock.advance(1);
      expect(f.global()).toEqual([]);
      expect(f.events.at(-1)).toMatchObject({ type: "address-removed", reason: "expired" });
      f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 0, 0)] }));
      expect(f.global()).toEqual([]);
    });

    it("an infinite lifetime is infinite", () => {
      const f = withPrefix(600, 0);
      expect(refresh(f, 0xffffffff)).toBe(Infinity);
    });
  });

  it.each([
    ["the A flag clear", { autonomous: false }, 0],
    ["preferred over valid (§5.5.3 c)", { preferredLifetime: 90000 }, 1],
    ["a /48 (§5.5.3 d: 48 + 64 is not 128)", { prefixLength: 48 }, 1],
    ["the link-local prefix (§5.5.3 b)", { prefix: ip("fe80::") }, 1],
    ["a valid lifetime of 0 for a new prefix", { validLifetime: 0, preferredLifetime: 0 }, 1],
  ])("forms nothing from a prefix with %s", (_, override, ignored) => {
    const f = setup(noRs);
    startAssigned(f);
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [{ ...prefixInfo("2001:db8:1::", 86400, 3600), ...override }] }));
    expect(f.nd.addresses().filter((a) => a.origin !== "link-local")).toEqual([]);
    expect(f.nd.counters.prefixesIgnored).toBe(ignored);
  });

  it("holds at most maxAddresses addresses however many prefixes are advertised", () => {
    const f = setup({ ...noRs, maxAddresses: 3 });
    startAssigned(f);
    const prefixes = Array.from({ length: 5 }, (_, i) => prefixInfo(`2001:db8:${i + 1}::`, 86400, 3600));
    f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes }));
    expect(f.nd.addresses()).toHaveLength(3);
    expect(f.nd.counters.tableFull).toBe(3);
  });

  describe("random identifiers (RFC 8981)", () => {
    const DAY = 24 * HOUR;
    const random = { interfaceIds: "random" as const, tempValidLifetime: 2 * DAY, tempPreferredLifetime: DAY };

    it("forms a temporary address with a random identifier, its lifetimes capped at TEMP_*_LIFETIME", () => {
      const stable = withPrefix(0xffffffff, 0xffffffff).global()[0];
      const f = withPrefix(0xffffffff, 0xffffffff, random);
      const [a] = f.global();
      expect(a.origin).toBe("temporary");
      expect(a.address.subarray(8)).not.toEqual(stable.address.subarray(8));
      expect(a.validUntil - f.clock.now()).toBe(2 * DAY);
      expect(a.preferredUntil - f.clock.now()).toBe(DAY);
      // A refresh does not stretch it past its caps, counted from when it was formed.
      f.clock.advance(HOUR);
      f.receive(ROUTER, IPV6_ALL_NODES, ra({ prefixes: [prefixInfo("2001:db8:1::", 0xffffffff, 0xffffffff)] }));
      expect(f.global()[0].validUntil - f.clock.now()).toBe(2 * DAY - HOUR);
    });

    it("forms a successor when a temporary address is deprecated while the prefix is preferred", () => {
      const f = withPrefix(0xffffffff, 0xffffffff, random);
      const [first] = f.global();
      f.clock.advance(DAY);
      const now = f.global();
      expect(now.map((a) => [a.text === first.text, a.state])).toEqual([
        [true, "deprecated"],
        [false, "tentative"],
      ]);
      f.clock.advance(1000);
      expect(f.global()[1].state).toBe("preferred");
      f.clock.advance(DAY - 1000);
      // The first one's valid lifetime ended; the second is deprecated and has a successor of its own.
      expect(f.global().map((a) => a.state)).toEqual(["deprecated", "tentative"]);
    });
  });
});
