import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IPV6_ALL_NODES, IPV6_UNSPECIFIED } from "../../src/wire/ipv6-multicast.js";
import { buildNdpMessage, type NdpMessage } from "../../src/wire/ndp-message.js";
import { ip, setup } from "./ndp-fixture.js";

const addresses = [
  IPV6_UNSPECIFIED,
  IPV6_ALL_NODES,
  ip("fe80::1"),
  ip("fe80::9"),
  ip("2001:db8:1::5"),
  ip("ff02::1:ff00:9"),
];
const address = fc.constantFrom(...addresses);
const mac = fc.constantFrom(null, 0x0200_0000_0001, 0x0200_0000_0009);
const lifetime = fc.constantFrom(0, 1, 60, 7200, 86400, 0xffffffff);
const prefix = fc.record({
  prefixLength: fc.constantFrom(0, 48, 64, 64, 128, 200),
  onLink: fc.boolean(),
  autonomous: fc.boolean(),
  validLifetime: lifetime,
  preferredLifetime: lifetime,
  prefix: fc.constantFrom(ip("2001:db8:1::"), ip("2001:db8:2::"), ip("fe80::"), ip("fd00::")),
});
const message: fc.Arbitrary<NdpMessage> = fc.oneof(
  fc.record({ kind: fc.constant("router-solicitation" as const), sourceLinkLayer: mac }),
  fc.record({
    kind: fc.constant("router-advertisement" as const),
    curHopLimit: fc.integer({ min: 0, max: 255 }),
    managed: fc.boolean(),
    other: fc.boolean(),
    routerLifetime: fc.constantFrom(0, 1, 1800, 65535),
    reachableTime: fc.constantFrom(0, 1, 30000, 0xffffffff),
    retransTimer: fc.constantFrom(0, 1, 1000, 0xffffffff),
    sourceLinkLayer: mac,
    mtu: fc.constantFrom(null, 0, 1280, 1500, 9000),
    prefixes: fc.array(prefix, { maxLength: 20 }),
  }),
  fc.record({ kind: fc.constant("neighbor-solicitation" as const), target: address, sourceLinkLayer: mac }),
  fc.record({
    kind: fc.constant("neighbor-advertisement" as const),
    router: fc.boolean(),
    solicited: fc.boolean(),
    override: fc.boolean(),
    target: address,
    targetLinkLayer: mac,
  }),
);

describe("fuzzing a live NeighborDiscovery", () => {
  it("random messages, bodies and resolutions over time never throw and stay within every bound", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ m: message, src: address, dst: address }),
            fc.record({
              raw: fc.uint8Array({ maxLength: 64 }),
              type: fc.integer({ min: 133, max: 137 }),
              src: address,
            }),
            fc.record({ resolve: address }),
            fc.record({ wait: fc.constantFrom(1, 1000, 5000, 3_600_000, 86_400_000) }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const config = { maxAddresses: 4, maxRouters: 2, maxPrefixes: 2 };
          const f = setup({
            ...config,
            neighbor: { maxEntries: 3, queueLength: 2, staleTime: 60_000, requestRate: 50 },
          });
          f.nd.start();
          for (const s of steps) {
            if ("m" in s) {
              const out = buildNdpMessage(s.m);
              f.nd.receive(s.src, s.dst, 255, out.icmpType, out.code, out.body);
            } else if ("raw" in s) f.nd.receive(s.src, IPV6_ALL_NODES, 255, s.type, 0, s.raw);
            else if ("resolve" in s) f.nd.resolve(s.resolve, new Uint8Array(1));
            else f.clock.advance(s.wait);
            expect(f.nd.addresses().length).toBeLessThanOrEqual(config.maxAddresses);
            expect(f.nd.routers().length).toBeLessThanOrEqual(config.maxRouters);
            expect(f.nd.prefixes().length).toBeLessThanOrEqual(config.maxPrefixes);
            expect(f.nd.cache.size).toBeLessThanOrEqual(3);
            expect(f.nd.groups().length).toBeLessThanOrEqual(config.maxAddresses + 1);
          }
          f.nd.stop();
          expect(f.clock.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
