import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Stack, VirtualClock, ethernetLink, virtualSwitch } from "../../src/api/index.js";
import {
  ArpOperation,
  BROADCAST_MAC,
  EtherType,
  buildArpFrame,
  buildEthernetFrame,
  buildPacket,
  parseIpv4,
  TcpFlags,
} from "../../src/wire/index.js";
import { drive } from "../api/helpers.js";

const A = 0x020000000001;
const B = 0x020000000002;

/** Frames a hostile or broken LAN could carry: valid ARP and IPv4 frames, then mutated and cut. */
function seeds(): Uint8Array[] {
  const arp = (operation: number, senderIp: string, targetIp: string, dst = BROADCAST_MAC) =>
    buildArpFrame(dst, 0x02000000bad0, {
      operation,
      senderMac: 0x02000000bad0,
      senderIp: parseIpv4(senderIp),
      targetMac: 0,
      targetIp: parseIpv4(targetIp),
    });
  const syn = buildPacket({
    src: parseIpv4("10.0.0.66"),
    dst: parseIpv4("10.0.0.2"),
    srcPort: 4000,
    dstPort: 80,
    seq: 1,
    ack: 0,
    flags: TcpFlags.SYN,
    window: 1000,
  });
  return [
    arp(ArpOperation.REQUEST, "10.0.0.66", "10.0.0.2"),
    arp(ArpOperation.REPLY, "10.0.0.66", "10.0.0.2", B),
    arp(ArpOperation.REQUEST, "10.0.0.2", "10.0.0.2"),
    buildEthernetFrame(B, 0x02000000bad0, EtherType.IPV4, syn),
    buildEthernetFrame(BROADCAST_MAC, 0x02000000bad0, EtherType.VLAN, syn),
  ];
}

const frames = fc.oneof(
  fc.uint8Array({ maxLength: 1600 }),
  fc
    .tuple(
      fc.constantFrom(...seeds()),
      fc.array(fc.tuple(fc.nat(1600), fc.nat(255)), { maxLength: 6 }),
      fc.nat(1600),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    )
    .map(([seed, edits, cut, ip]) => {
      const f = seed.slice();
      // Sender addresses from all over, so the cache sees many neighbours.
      if (f.length >= 42 && f[12] === 8 && f[13] === 6) new DataView(f.buffer).setUint32(28, ip);
      for (const [i, v] of edits) if (i < f.length) f[i] = v;
      return f.subarray(0, Math.max(cut, 14));
    }),
);

describe("fuzzing Ethernet and ARP into live stacks and a switch", () => {
  it("never throws, stays bounded, and the stacks still talk afterwards", async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const sw = virtualSwitch({ clock, maxAddresses: 64 });
    const neighbor = { maxEntries: 16 };
    const a = ethernetLink({ link: sw.port(), address: "10.0.0.1/24", mac: A, clock, neighbor });
    const b = ethernetLink({ link: sw.port(), address: "10.0.0.2/24", mac: B, clock, neighbor });
    const isnKey = new Uint8Array(16).fill(3);
    const client = new Stack({ address: "10.0.0.1", link: a, clock, isnKey });
    const server = new Stack({ address: "10.0.0.2", link: b, clock, isnKey });
    server.listen(80);
    const attacker = sw.port();
    attacker.onReceive = () => {};
    fc.assert(
      fc.property(fc.array(frames, { minLength: 1, maxLength: 20 }), (batch) => {
        for (const f of batch) {
          attacker.send(f);
          // Straight into an interface too, not only what the switch lets through.
          b.interface.arp.input(f);
        }
        clock.advance(50);
        expect(a.interface.neighbors.size).toBeLessThanOrEqual(16);
        expect(b.interface.neighbors.size).toBeLessThanOrEqual(16);
        expect(sw.table().length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 300, seed: 15 },
    );
    const drops = b.interface.counters.drops;
    expect(Object.values(drops).reduce((x, y) => x + y, 0)).toBeGreaterThan(100);
    // Whatever the fuzz left in the caches and the switch, a connection still works end to end.
    clock.advance(120_000);
    const conn = await drive(clock, client.connect("10.0.0.2", 80));
    expect(conn.state).toBe("Established");
  });
});
