import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import { afterEach, expect, it, vi } from "vitest";
import { Stack, ethernetLink, type TcpStream } from "../../src/api/index.js";
import { toNodeDuplex } from "../../src/api/node.js";
import { run } from "../../src/cli/run.js";
import { RealClock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/index.js";
import { type NeighborDiscovery, ipv6HexKey } from "../../src/ndp/index.js";
import { stableInterfaceId, withInterfaceId } from "../../src/ndp/interface-id.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { type Ipv6Address, ipv6InPrefix, ipv6ToString, parseIpv6 } from "../../src/wire/ipv6-address.js";
import { parseMac } from "../../src/wire/mac-address.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { testIo } from "./cli-io.js";
import { startTapNetns } from "../helpers/netns-tap.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, tsharkFields } from "../helpers/tshark.js";

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

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWith(
  [...NETNS_TOOLS, "radvd", "tshark", "curl", "ping"],
  "interop: IPv6 over Ethernet with the Linux kernel and radvd over TAP (neighbour discovery, SLAAC)",
  () => {
    let ns: Netns | null = null;
    let stack: Stack | null = null;
    let dir: string | null = null;
    afterEach(async () => {
      stack?.close();
      stack = null;
      await ns?.close();
      ns = null;
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
      dir = null;
    });

    /** IPv6 on and forwarding on tap0 (radvd's condition), the router's fd00:77::1, radvd advertising the /64. */
    async function startRouter(n: Netns, beforeRadvd: (ns: Netns) => Promise<void> = async () => {}) {
      // The harness turns IPv6 off in the namespace; this test needs it on tap0.
      await n.run([
        "sh",
        "-c",
        "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding; echo 0 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 0 > /proc/sys/net/ipv6/conf/tap0/disable_ipv6",
      ]);
      // The router's own address on the prefix (and so the kernel's on-link route to it).
      await n.run(["ip", "-6", "addr", "add", "fd00:77::1/64", "dev", "tap0", "nodad"]);
      await beforeRadvd(n);
      dir = mkdtempSync(join(tmpdir(), "wirestate-radvd-"));
      writeFileSync(join(dir, "radvd.conf"), RADVD_CONF);
      n.spawn(["radvd", "-n", "-m", "stderr", "-C", join(dir, "radvd.conf"), "-p", join(dir, "radvd.pid")]);
    }

    /** A dual-stack Stack with SLAAC on tap0's tunnel, every frame captured (LINKTYPE_ETHERNET) for tshark. */
    async function setUp(beforeRadvd?: (ns: Netns) => Promise<void>) {
      const n = await startTapNetns();
      ns = n;
      await startRouter(n, beforeRadvd);
      const sink = new MemorySink();
      const writer = new PcapngWriter(sink, { interfaceName: "tap-peer", linkType: "ethernet", mac: OUR_MAC });
      const link = ethernetLink({
        link: new CaptureLink(n.link, writer, new RealClock()),
        address: `${n.stackAddress}/24`,
        mac: OUR_MAC,
        ipv6: { secret: SECRET },
      });
      const s = new Stack({ address: [n.stackAddress, "slaac"], link });
      stack = s;
      const nd = s.ndp as NeighborDiscovery;
      const shown = await n.run(["ip", "-o", "link", "show", "tap0"]);
      const kernelMac = parseMac(/link\/ether ([0-9a-f:]{17})/.exec(shown)?.[1] ?? "");
      const judge = async () => {
        await writer.close();
        // curl writes 1 MB into a pipe the test drains: at times its receive window fills, and we fill it
        // exactly (flow control working, a Warning by name); anything else Wireshark objects to fails.
        assertCleanCapture(sink.bytes(), ["tcp.analysis.window_full"]);
        return sink.bytes();
      };
      return { ns: n, stack: s, link, nd, kernelMac, judge };
    }

    const kernelLinkLocal = async (n: Netns): Promise<Ipv6Address> => {
      for (let i = 0; i < 100; i++) {
        const out = await n.run(["ip", "-6", "-o", "addr", "show", "dev", "tap0", "scope", "link"]);
        const m = /inet6 (fe80::[0-9a-f:]+)\/64 scope link\s+(?!tentative)/.exec(out);
        if (m !== null && !out.includes("tentative")) return parseIpv6(m[1]);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("tap0 has no link-local address");
    };

    const slaac = (nd: NeighborDiscovery) =>
      nd.addresses().find((a) => a.origin === "stable" && ipv6InPrefix(a.address, PREFIX, 64));

    it("SLAAC from radvd; the kernel pings the stack and curl -6 downloads from it; the stack connects to the kernel", async () => {
      const { ns, stack, link, nd, kernelMac, judge } = await setUp();
      await until("a preferred address in fd00:77::/64", () => slaac(nd)?.state === "preferred");
      const ours = slaac(nd)!;
      expect(stack.addresses).toContain(ours.text);
      const router = await kernelLinkLocal(ns);
      expect(nd.routers().map(ipv6ToString)).toEqual([ipv6ToString(router)]);
      expect([nd.mtu, nd.hopLimit]).toEqual([1400, 61]);
      expect(nd.counters.dadConflicts).toBe(0);

      // The kernel resolves our SLAAC address (NS to its solicited-node group, our NA) and we answer its echoes.
      const ping = await ns.exec(["ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", ours.text]);
      expect(ping.stdout.toString()).toMatch(/3 packets transmitted, 3 received/);
      const neigh = await ns.run(["ip", "-6", "neigh", "show", ours.text, "dev", "tap0"]);
      expect(neigh).toContain("lladdr 02:00:00:77:00:02");

      // curl -6 over TCP to the stack's SLAAC address.
      const body = Buffer.alloc(1_000_000, "IPv6 over Ethernet\n");
      const server = http.createServer((_req, res) => res.end(body));
      const listener = stack.listen(8080);
      void (async () => {
        for await (const conn of listener) server.emit("connection", toNodeDuplex(conn as TcpStream<"Established">));
      })();
      const curl = await ns.exec(["curl", "-6", "-sS", "--max-time", "30", `http://[${ours.text}]:8080/`], {
        timeoutMs: 40_000,
      });
      expect(curl.stderr).toBe("");
      expect(curl.stdout.equals(body)).toBe(true);

      // The stack connects to the kernel's global address: it resolves the kernel by ND (NS, NA, REACHABLE).
      const echo = ns.spawn(["socat", "TCP6-LISTEN:7000,bind=[fd00:77::1]", "SYSTEM:echo kernel-says-hi"]);
      await ns.waitForListen(7000);
      const conn = await stack.connect("fd00:77::1", 7000);
      const r = await conn.read();
      expect(r.done ? "" : Buffer.from(r.value).toString()).toBe("kernel-says-hi\n");
      expect(conn.localAddr.address).toBe(ours.text);
      expect(nd.cache.entry(ipv6HexKey(parseIpv6("fd00:77::1")))?.mac).toBe(kernelMac);
      await conn[Symbol.asyncDispose]();
      echo.child.kill();
      // The stack pings the kernel's address; the kernel answers from it.
      const replies: boolean[] = [];
      for await (const p of stack.ping("fd00:77::1", { count: 2, interval: 200 })) replies.push(p.ok);
      expect(replies).toEqual([true, true]);
      server.close();
      expect(link.interface.ipv6?.counters.ndDropped).toBe(0);
      expect(nd.counters.drops).toEqual(Object.fromEntries(Object.keys(nd.counters.drops).map((k) => [k, 0])));
      stack.close();
      const capture = await judge();
      expect(capture.length).toBeGreaterThan(1_000_000);
      // Every frame we sent fits the link MTU radvd advertised, 1400 (the kernel's MSS, 1340, says it too).
      const sentByUs = tsharkFields(capture, ["eth.src", "frame.len"]).filter((r) => r[0] === "02:00:00:77:00:02");
      expect(Math.max(...sentByUs.map((r) => Number(r[1])))).toBeLessThanOrEqual(14 + 1400);
    });

    it("DAD: the kernel holds the address we would form, defends it, and we take the next identifier", async () => {
      const mac = [0x02, 0x00, 0x00, 0x77, 0x00, 0x02];
      const { iid } = stableInterfaceId(SECRET, PREFIX, Uint8Array.from(mac), 0);
      const taken = ipv6ToString(withInterfaceId(PREFIX, iid));
      const { stack, nd, judge } = await setUp(async (ns) => {
        await ns.run(["ip", "-6", "addr", "add", `${taken}/64`, "dev", "tap0", "nodad"]);
      });
      await until("a preferred address in fd00:77::/64", () => slaac(nd)?.state === "preferred");
      expect(nd.counters.dadConflicts).toBe(1);
      expect(slaac(nd)?.text).not.toBe(taken);
      expect(stack.addresses).not.toContain(taken);
      await judge();
    });

    it("wirestate http --ethernet --address ...,slaac serves curl -6 at its SLAAC address", async () => {
      const n = await Netns.start({ device: "tap", createLink: false });
      ns = n;
      await startRouter(n);
      const root = mkdtempSync(join(tmpdir(), "wirestate-tap6-"));
      try {
        const body = Buffer.alloc(300_000, "frames over IPv6\n");
        writeFileSync(join(root, "f.txt"), body);
        const io = testIo();
        const argv = ["http", "--ethernet", "--tunnel", n.tunnelArg, "--address", `${n.stackAddress}/24,slaac`];
        const exited = run([...argv, "--port", "8080", "--dir", root], io);
        let address: string | undefined;
        await until("the SLAAC address on stderr", () => {
          address = /ipv6 address (fd00:77:[0-9a-f:]+)\/64 \(stable\)/.exec(io.err())?.[1];
          return address !== undefined;
        });
        expect(io.err()).toContain("ipv6 default router fe80::");
        const got = await n.exec(
          ["curl", "-6", "-sS", "--fail", "--max-time", "30", `http://[${address}]:8080/f.txt`],
          {
            timeoutMs: 40_000,
          },
        );
        expect(got.stderr).toBe("");
        expect(got.stdout.equals(body)).toBe(true);
        const ping = await n.exec(["ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", address as string]);
        expect(ping.stdout.toString()).toMatch(/2 packets transmitted, 2 received/);
        io.stop();
        expect(await exited).toBe(0);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  },
);
