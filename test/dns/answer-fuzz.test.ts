import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { DnsError, Resolver } from "../../src/dns/index.js";
import { Prng } from "../../src/link/prng.js";
import { drive } from "../api/helpers.js";
import { mutateDnsMessage } from "../helpers/dns-mutate.js";
import { a, cname, encode, FakeDnsNetwork, reply, seededRandom, soa } from "./fake-network.js";

const LOOKUPS = 1500;
const SEED = 0x5452;

describe("the resolver fed damaged answers", () => {
  it(`${LOOKUPS} lookups answered by mutated messages (seed 0x5452): each ends in an answer or a DnsError, in bounded time and memory`, async () => {
    const clock = new VirtualClock(0);
    const net = new FakeDnsNetwork(clock, 1);
    const rng = new Prng(SEED);
    net.serve("10.0.0.53", (q) => {
      const name = q.questions[0]?.name ?? "x.test";
      const answer = reply(
        q,
        [cname(name, `alias.${name}`), a(`alias.${name}`, "10.1.1.1"), a(`alias.${name}`, "10.1.1.2")],
        {
          authorities: [soa("test", 60, 30)],
        },
      );
      const bytes = mutateDnsMessage(encode(answer), rng);
      // Keep the ID and QR bit most of the time, so the damage reaches past the first check.
      if (bytes.length >= 3 && rng.chance(0.9)) {
        bytes[0] = q.id >> 8;
        bytes[1] = q.id & 0xff;
        bytes[2] |= 0x80;
      }
      return bytes;
    });
    const timeout = 50;
    const maxCnameHops = 4;
    const resolver = new Resolver({
      servers: ["10.0.0.53"],
      clock,
      udp: net,
      timeout,
      attempts: 1,
      cacheSize: 16,
      maxCnameHops,
      random: seededRandom(SEED),
    });
    const outcomes = new Map<string, number>();
    for (let i = 0; i < LOOKUPS; i++) {
      const started = clock.now();
      const outcome = await drive(clock, resolver.resolve(`n${i}.test`), 10_000).then(
        (r) => {
          expect(r.addresses.length).toBeGreaterThan(0);
          for (const address of r.addresses) expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
          return "answer";
        },
        (err: unknown) => {
          if (!(err instanceof DnsError)) throw new Error(`lookup ${i} (seed 0x5452) failed untyped: ${String(err)}`);
          return err.constructor.name;
        },
      );
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      // One query per CNAME hop at most, each waiting at most the timeout, plus at most one repeat without
      // EDNS (a FORMERR without OPT turns EDNS off for the server, once).
      expect(clock.now() - started).toBeLessThanOrEqual((maxCnameHops + 2) * timeout);
    }
    expect(resolver.cacheSize).toBeLessThanOrEqual(16);
    expect(net.openPorts).toEqual([]);
    expect(outcomes.get("answer") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("DnsTimeoutError") ?? 0).toBeGreaterThan(0);
    expect(outcomes.size).toBeGreaterThanOrEqual(4);
    expect(resolver.counters.malformed + resolver.counters.mismatched).toBeGreaterThan(0);
  });
});
