import { describe, expect, it } from "vitest";
import { type EventOf, eventText, isTraced } from "../../src/api/index.js";
import { ipv6Lan, listen, routerAdvertisement } from "./ipv6-lan.js";

describe("neighbour discovery's events on stack.events", () => {
  it("DAD's assignment and a SLAAC address arrive as neighbor-discovery events, as onNeighborDiscovery hears them", () => {
    const { clock, sw, hosts } = ipv6Lan([["slaac"]]);
    const [a] = hosts;
    const router = sw.port();
    listen(router);
    const seen: { event: EventOf<"neighbor-discovery">; addresses: readonly string[] }[] = [];
    a.stack.events.on("neighbor-discovery", (event) => seen.push({ event, addresses: a.stack.addresses }));
    const before = a.events.length;
    clock.advance(3000);
    // The link-local address, tentative since construction, assigned once DAD heard nothing.
    const linkLocal = seen.find(
      (s) => s.event.change.type === "address" && s.event.change.address.origin === "link-local",
    );
    expect(linkLocal?.event).toMatchObject({
      type: "neighbor-discovery",
      connection: null,
      change: { type: "address", address: { state: "preferred" } },
    });
    expect(linkLocal?.addresses.some((x) => x.startsWith("fe80:"))).toBe(true);
    router.send(routerAdvertisement("2001:db8:1::"));
    const advertised = clock.now();
    clock.advance(3000);
    const global = a.stack.addresses.find((x) => x.startsWith("2001:db8:1:")) as string;
    const states = seen
      .filter((s) => s.event.change.type === "address" && s.event.change.address.text === global)
      .map((s) => s.event);
    expect(states.map((e) => e.change.type === "address" && e.change.address.state)).toEqual([
      "tentative",
      "preferred",
    ]);
    // Tentative when the advertisement came, preferred after DAD's delay and its one second.
    expect(states[0].time).toBe(advertised);
    expect(states[1].time).toBeGreaterThan(advertised + 999);
    expect(seen.some((s) => s.event.change.type === "router")).toBe(true);
    // The same events, in the same order, as the option's listener heard them.
    expect(seen.map((s) => s.event.change)).toEqual(a.events.slice(before).map((e) => e.event));
    expect(eventText(states[1])).toBe(`nd: ${global}/64 preferred (stable)`);
    // Not in onTrace or capture comments: onNeighborDiscovery and stack.ndp tell them.
    expect(isTraced(states[1])).toBe(false);
    a.stack.close();
  });
});
