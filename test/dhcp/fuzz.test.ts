import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, buildDhcp, parseDhcp, type DhcpMessage } from "../../src/dhcp/index.js";
import { BROADCAST_MAC, EtherType, buildEthernetFrame, buildUdpPacket } from "../../src/wire/index.js";
import { drive, pass } from "../api/helpers.js";
import { clientFixture, serverFixture } from "./fixture.js";
import { dhcpLan } from "./lan.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 });
const list = fc.array(u32, { minLength: 1, maxLength: 4 });

/** Any message the codec can build: every field, every option we know, in range. */
const message: fc.Arbitrary<DhcpMessage> = fc.record({
  op: fc.constantFrom(1 as const, 2 as const),
  type: fc.integer({ min: 1, max: 8 }) as fc.Arbitrary<DhcpMessage["type"]>,
  xid: u32,
  secs: fc.integer({ min: 0, max: 0xffff }),
  broadcast: fc.boolean(),
  ciaddr: u32,
  yiaddr: u32,
  siaddr: u32,
  giaddr: u32,
  chaddr: mac,
  options: fc.record(
    {
      subnetMask: u32,
      routers: list,
      dns: list,
      hostname: fc.stringMatching(/^[a-z0-9-]{1,40}$/),
      requestedIp: u32,
      leaseTime: u32,
      serverId: u32,
      parameterList: fc.array(fc.integer({ min: 1, max: 254 }), { maxLength: 20 }),
      message: fc.stringMatching(/^[ -~]{0,60}$/),
      maxMessageSize: fc.integer({ min: 576, max: 0xffff }),
      renewalTime: u32,
      rebindingTime: u32,
      clientId: fc.uint8Array({ minLength: 2, maxLength: 20 }),
    },
    { requiredKeys: [] },
  ),
});

/** Valid messages, then bytes changed and cut anywhere. */
const mutated = fc
  .tuple(message, fc.array(fc.tuple(fc.nat(600), fc.nat(255)), { maxLength: 8 }), fc.nat(600))
  .map(([m, edits, cut]) => {
    const b = buildDhcp(m);
    for (const [i, v] of edits) if (i < b.length) b[i] = v;
    return b.subarray(0, cut);
  });
const payloads = fc.oneof(fc.uint8Array({ maxLength: 700 }), mutated);

describe("fuzzing DHCP", () => {
  it("the codec: build then parse gives the message back", () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(parseDhcp(buildDhcp(m))).toEqual(m);
      }),
      { numRuns: 500, seed: 15 },
    );
  });

  it("the codec: random and mutated bytes parse to a message or a reason, never a throw", () => {
    const reasons = new Set<string>();
    fc.assert(
      fc.property(payloads, (b) => {
        const r = parseDhcp(b);
        reasons.add(typeof r === "string" ? r : "message");
      }),
      { numRuns: 3000, seed: 15 },
    );
    // The corpus reached every outcome, so the property says something about each.
    expect([...reasons].sort()).toEqual(
      [
        "dhcp-bad-op",
        "dhcp-bad-options",
        "dhcp-bad-type",
        "dhcp-no-cookie",
        "dhcp-no-type",
        "dhcp-not-ethernet",
        "dhcp-truncated",
        "message",
      ].sort(),
    );
  });

  it("a live client and server take any payload without throwing, timers and tables bounded", () => {
    const c = clientFixture({ probe: "free" });
    c.client.start();
    const s = serverFixture();
    fc.assert(
      fc.property(fc.array(payloads, { minLength: 1, maxLength: 10 }), (batch) => {
        for (const b of batch) {
          c.client.input(b);
          s.server.input(b);
        }
        c.clock.advance(5000);
        s.clock.advance(5000);
        expect(c.clock.pending).toBeLessThanOrEqual(3);
        expect(s.server.table.count).toBeLessThanOrEqual(s.server.table.size);
      }),
      { numRuns: 400, seed: 15 },
    );
    expect(Object.values(c.client.counters.drops).reduce((x, y) => x + y, 0)).toBeGreaterThan(1000);
    expect(Object.values(s.server.counters.drops).reduce((x, y) => x + y, 0)).toBeGreaterThan(500);
  });

  it("forged DHCP broadcasts on a switch: no throw, the pool bounded, and a new client still gets a lease", async () => {
    const { clock, sw, client, dhcp } = dhcpLan({ offerTime: 30 });
    const attacker = sw.port();
    attacker.onReceive = () => {};
    const victim = client({ dhcp: { probe: false } });
    const forged = fc.tuple(payloads, fc.boolean(), mac).map(([payload, toServer, src]) =>
      buildEthernetFrame(
        BROADCAST_MAC,
        (src & 0xfeff_ffff_ffff) | 0x0200_0000_0000,
        EtherType.IPV4,
        buildUdpPacket({
          src: 0,
          dst: 0xffffffff,
          srcPort: toServer ? DHCP_CLIENT_PORT : DHCP_SERVER_PORT,
          dstPort: toServer ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT,
          payload,
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(forged, { minLength: 1, maxLength: 10 }), async (batch) => {
        for (const f of batch) attacker.send(f);
        // The server reads its socket by promise: let it.
        await pass(clock, 200);
        expect(dhcp.leases().length).toBeLessThanOrEqual(10);
      }),
      { numRuns: 300, seed: 15 },
    );
    const drops: Record<string, number> = victim.stack.dhcp?.counters.drops ?? {};
    expect(Object.values(drops).reduce((x, y) => x + y, 0)).toBeGreaterThan(100);
    expect(Object.values(dhcp.counters.drops).reduce((x, y) => x + y, 0)).toBeGreaterThan(100);
    // Forged DISCOVERs hold offers for 30 s at most: once they lapse, a newcomer is served.
    clock.advance(60_000);
    const late = client({ dhcp: { probe: false } });
    expect(await drive(clock, late.stack.ready)).toMatch(/^10\.0\.0\.10\d$/);
  });
});
