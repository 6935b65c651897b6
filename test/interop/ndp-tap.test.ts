import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { RealClock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/index.js";
import type { Link } from "../../src/link/link.js";
import { NeighborDiscovery, ipv6HexKey } from "../../src/ndp/index.js";
import { stableInterfaceId, withInterfaceId } from "../../src/ndp/interface-id.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { onesComplementSum } from "../../src/wire/checksum.js";
import { type Ipv6Address, ipv6InPrefix, ipv6ToString, parseIpv6 } from "../../src/wire/ipv6-address.js";
import { type MacAddress, macFromParts, macHigh, macLow, parseMac } from "../../src/wire/mac-address.js";
import { type Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { startTapNetns } from "../helpers/netns-tap.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture } from "../helpers/tshark.js";

vi.setConfig({ testTimeout: 60_000 });

const OUR_MAC = parseMac("02:00:00:77:00:02");
const PREFIX = parseIpv6("fd00:77::");
const SECRET = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

const RADVD_CONF = `
interface tap0 {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 4;
  AdvDefaultLifetime 600;
  AdvLinkMTU 1400;
  AdvCurHopLimit 61;
  prefix fd00:77::/64 {
    AdvOnLink on;
    AdvAutonomous on;
    AdvValidLifetime 86400;
    AdvPreferredLifetime 14400;
  };
};
`;

/**
 * Until the IPv6 core is wired to Ethernet, this test frames neighbour discovery itself, as that core
 * will: Ethernet II with EtherType 0x86DD, a 40-byte IPv6 header with next header 58 and no extension
 * headers, and the ICMPv6 checksum over RFC 8200 §8.1's pseudo-header. Frames the kernel sends with
 * extension headers (its MLD reports carry hop-by-hop options) are not neighbour discovery and are skipped.
 */
function ndOverEthernet(link: Link, options: { secret: Uint8Array }) {
  const icmpChecksum = (src: Ipv6Address, dst: Ipv6Address, icmp: Uint8Array): number => {
    const pseudo = new Uint8Array(40);
    pseudo.set(src, 0);
    pseudo.set(dst, 16);
    new DataView(pseudo.buffer).setUint32(32, icmp.length);
    pseudo[39] = 58;
    return ~onesComplementSum(icmp, onesComplementSum(pseudo)) & 0xffff;
  };
  const macBytes = (mac: MacAddress): number[] => {
    const h = macHigh(mac);
    const l = macLow(mac);
    return [h >>> 8, h & 0xff, l >>> 24, (l >>> 16) & 0xff, (l >>> 8) & 0xff, l & 0xff];
  };
  const nd: NeighborDiscovery = new NeighborDiscovery({
    clock: new RealClock(),
    secret: options.secret,
    host: {
      mac: OUR_MAC,
      mtu: 1500,
      send(src, dst, hopLimit, icmpType, code, body) {
        const icmp = new Uint8Array(4 + body.length);
        icmp.set([icmpType, code, 0, 0]);
        icmp.set(body, 4);
        new DataView(icmp.buffer).setUint16(2, icmpChecksum(src, dst, icmp));
        const packet = new Uint8Array(40 + icmp.length);
        const v = new DataView(packet.buffer);
        v.setUint32(0, 0x6000_0000);
        v.setUint16(4, icmp.length);
        packet[6] = 58;
        packet[7] = hopLimit;
        packet.set(src, 8);
        packet.set(dst, 24);
        packet.set(icmp, 40);
        nd.resolve(dst, packet);
      },
      deliver(packet, mac) {
        const frame = new Uint8Array(14 + packet.length);
        frame.set([...macBytes(mac), ...macBytes(OUR_MAC), 0x86, 0xdd]);
        frame.set(packet, 14);
        link.send(frame);
      },
      unreachable() {},
    },
  });
  const checksumErrors = { count: 0 };
  link.onReceive = (frame) => {
    if (frame.length < 14 + 40 + 4 || frame[12] !== 0x86 || frame[13] !== 0xdd) return;
    const dstMac = macFromParts((frame[0] << 8) | frame[1], new DataView(frame.buffer, frame.byteOffset).getUint32(2));
    if (dstMac !== OUR_MAC && !nd.acceptsMac(dstMac)) return;
    const p = frame.subarray(14);
    const length = (p[4] << 8) | p[5];
    if (p[6] !== 58 || 40 + length > p.length) return;
    const src = p.slice(8, 24);
    const dst = p.slice(24, 40);
    const icmp = p.subarray(40, 40 + length);
    if (icmpChecksum(src, dst, icmp) !== 0) {
      checksumErrors.count++;
      return;
    }
    if (icmp[0] < 133 || icmp[0] > 137 || !nd.acceptsDestination(dst, true)) return;
    nd.receive(src, dst, p[7], icmp[0], icmp[1], icmp.subarray(4));
  };
  return { nd, checksumErrors };
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWith(
  [...NETNS_TOOLS, "radvd", "tshark"],
  "interop: IPv6 neighbour discovery with the Linux kernel and radvd over TAP",
  () => {
    let ns: Netns | null = null;
    let nd: NeighborDiscovery | null = null;
    let dir: string | null = null;
    afterEach(async () => {
      nd?.stop();
      nd = null;
      await ns?.close();
      ns = null;
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
      dir = null;
    });

    /** tap0 with IPv6 on and forwarding (radvd's condition), radvd advertising fd00:77::/64, and ND on the link. */
    async function setUp(beforeRadvd: (ns: Netns) => Promise<void> = async () => {}) {
      ns = await startTapNetns();
      // The harness turns IPv6 off in the namespace; this test needs it on tap0.
      await ns.run([
        "sh",
        "-c",
        "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding; echo 0 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 0 > /proc/sys/net/ipv6/conf/tap0/disable_ipv6",
      ]);
      // The router's own address on the prefix (and so the kernel's on-link route to it).
      await ns.run(["ip", "-6", "addr", "add", "fd00:77::1/64", "dev", "tap0", "nodad"]);
      await beforeRadvd(ns);
      dir = mkdtempSync(join(tmpdir(), "wirestate-radvd-"));
      writeFileSync(join(dir, "radvd.conf"), RADVD_CONF);
      ns.spawn(["radvd", "-n", "-m", "stderr", "-C", join(dir, "radvd.conf"), "-p", join(dir, "radvd.pid")]);
      const sink = new MemorySink();
      const writer = new PcapngWriter(sink, { interfaceName: "tap-peer", linkType: "ethernet", mac: OUR_MAC });
      const glue = ndOverEthernet(new CaptureLink(ns.link, writer, new RealClock()), { secret: SECRET });
      nd = glue.nd;
      const shown = await ns.run(["ip", "-o", "link", "show", "tap0"]);
      const kernelMac = parseMac(/link\/ether ([0-9a-f:]{17})/.exec(shown)?.[1] ?? "");
      const judge = async () => {
        await writer.close();
        assertCleanCapture(sink.bytes());
      };
      return { ns, nd: glue.nd, glue, kernelMac, judge };
    }

    const kernelLinkLocal = async (ns: Netns): Promise<Ipv6Address> => {
      for (let i = 0; i < 100; i++) {
        const out = await ns.run(["ip", "-6", "-o", "addr", "show", "dev", "tap0", "scope", "link"]);
        const m = /inet6 (fe80::[0-9a-f:]+)\/64 scope link\s+(?!tentative)/.exec(out);
        if (m !== null && !out.includes("tentative")) return parseIpv6(m[1]);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("tap0 has no link-local address");
    };

    const slaac = (nd: NeighborDiscovery) =>
      nd.addresses().find((a) => a.origin === "stable" && ipv6InPrefix(a.address, PREFIX, 64));

    it("SLAAC from radvd's advertisement; the kernel resolves our address and we resolve the kernel's", async () => {
      const { ns, nd, glue, kernelMac, judge } = await setUp();
      nd.start();
      await until("a preferred address in fd00:77::/64", () => slaac(nd)?.state === "preferred");
      const ours = slaac(nd)!;
      const router = await kernelLinkLocal(ns);
      expect(nd.routers().map(ipv6ToString)).toEqual([ipv6ToString(router)]);
      expect([nd.mtu, nd.hopLimit]).toEqual([1400, 61]);
      expect(nd.nextHop(parseIpv6("2001:db8::1"))).toEqual(router);
      expect(nd.counters.routerSolicitationsOut).toBeGreaterThanOrEqual(1);
      expect(nd.counters.dadConflicts).toBe(0);

      // The kernel asks for our SLAAC address with an NS to its solicited-node group; our NA answers it.
      await ns.exec(["ping", "-6", "-c", "1", "-W", "1", ours.text]);
      const neigh = await ns.run(["ip", "-6", "neigh", "show", ours.text, "dev", "tap0"]);
      expect(neigh).toContain("lladdr 02:00:00:77:00:02");
      expect(neigh).toMatch(/REACHABLE|STALE|DELAY|PROBE/);

      // And we resolve the kernel: NS from our link-local address, its NA, REACHABLE.
      // A packet that waits for the answer: IPv6 with next header 59, nothing follows (RFC 8200 §4.7).
      const waiting = Uint8Array.from([0x60, 0, 0, 0, 0, 0, 59, 64, ...(nd.sourceAddress(router) ?? []), ...router]);
      nd.resolve(router, waiting);
      await until("the kernel's NA", () => nd.cache.entry(ipv6HexKey(router))?.state === "reachable");
      expect(nd.cache.entry(ipv6HexKey(router))?.mac).toBe(kernelMac);
      expect(glue.checksumErrors.count).toBe(0);
      expect(nd.counters.drops).toEqual(Object.fromEntries(Object.keys(nd.counters.drops).map((k) => [k, 0])));
      await judge();
    });

    it("DAD: the kernel holds the address we would form, defends it, and we take the next identifier", async () => {
      const mac = [0x02, 0x00, 0x00, 0x77, 0x00, 0x02];
      const { iid } = stableInterfaceId(SECRET, PREFIX, Uint8Array.from(mac), 0);
      const taken = ipv6ToString(withInterfaceId(PREFIX, iid));
      const { nd, judge } = await setUp(async (ns) => {
        await ns.run(["ip", "-6", "addr", "add", `${taken}/64`, "dev", "tap0", "nodad"]);
      });
      nd.start();
      await until("a preferred address in fd00:77::/64", () => slaac(nd)?.state === "preferred");
      expect(nd.counters.dadConflicts).toBe(1);
      expect(slaac(nd)?.text).not.toBe(taken);
      await judge();
    });
  },
);
