import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/run.js";
import { testIo } from "./cli-io.js";
import { afterEach, expect, it, vi } from "vitest";
import { Stack, ethernetLink, type TcpStream } from "../../src/api/index.js";
import { toNodeDuplex } from "../../src/api/node.js";
import { parseIpv4, parseMac } from "../../src/wire/index.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { farNamespace, startTapNetns, type FarNamespace } from "../helpers/netns-tap.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture } from "../helpers/tshark.js";
import { CaptureLink } from "../../src/link/index.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { RealClock } from "../../src/clock/index.js";

vi.setConfig({ testTimeout: 60_000 });

const STACK_MAC = "02:00:00:77:00:02";

describeWith(
  [...NETNS_TOOLS, "curl", "tshark"],
  "interop: the Linux kernel over a TAP device (Ethernet, ARP, routing)",
  () => {
    let ns: Netns | null = null;
    let far: FarNamespace | null = null;
    let stack: Stack | null = null;
    afterEach(async () => {
      await stack?.close();
      stack = null;
      await far?.close();
      far = null;
      await ns?.close();
      ns = null;
    });

    /** A stack on tap0's tunnel; every frame captured as pcapng (LINKTYPE_ETHERNET), for Wireshark to judge. */
    async function setUp() {
      ns = await startTapNetns();
      const sink = new MemorySink();
      const writer = new PcapngWriter(sink, {
        interfaceName: "tap-peer",
        linkType: "ethernet",
        mac: parseMac(STACK_MAC),
      });
      const captured = new CaptureLink(ns.link, writer, new RealClock());
      const link = ethernetLink({
        link: captured,
        address: `${ns.stackAddress}/24`,
        gateway: ns.kernelAddress,
        mac: STACK_MAC,
      });
      stack = new Stack({ address: ns.stackAddress, link });
      const judge = async () => {
        await writer.close();
        // curl on a loaded machine may read slowly and fill its window, and we fill it exactly (flow control
        // working, a Warning by name, as in ndp-tap and dhcp-dnsmasq); anything else Wireshark objects to fails.
        assertCleanCapture(sink.bytes(), ["tcp.analysis.window_full"]);
        return sink.bytes();
      };
      // /sys is the host's (nsenter -n enters the network namespace only): ask ip for tap0's address.
      const shown = await ns.run(["ip", "-o", "link", "show", "tap0"]);
      const kernelMac = parseMac(/link\/ether ([0-9a-f:]{17})/.exec(shown)?.[1] ?? "");
      return { ns, stack, link, kernelMac, judge };
    }

    it("the kernel ARPs for the stack, curl downloads from it, and the stack learned the kernel's MAC", async () => {
      const { ns, stack, link, kernelMac, judge } = await setUp();
      const body = Buffer.alloc(2_000_000, "wirestate over Ethernet\n");
      const server = http.createServer((_req, res) => res.end(body));
      const listener = stack.listen(80);
      void (async () => {
        for await (const conn of listener) server.emit("connection", toNodeDuplex(conn as TcpStream<"Established">));
      })();
      const curl = await ns.exec(["curl", "-sS", "--max-time", "30", `http://${ns.stackAddress}/`], {
        timeoutMs: 40_000,
      });
      expect(curl.stderr).toBe("");
      expect(curl.code).toBe(0);
      expect(curl.stdout.equals(body)).toBe(true);
      // The kernel resolved us by ARP: its neighbour table holds our MAC.
      const neigh = await ns.run(["ip", "neigh", "show", ns.stackAddress, "dev", "tap0"]);
      expect(neigh).toContain(STACK_MAC);
      expect(link.interface.arp.counters.repliesOut).toBeGreaterThanOrEqual(1);
      expect(link.interface.neighbors.entry(parseIpv4(ns.kernelAddress))?.mac).toBe(kernelMac);
      server.close();
      await stack.close();
      expect((await judge()).length).toBeGreaterThan(2_000_000);
    });

    it("the stack ARPs for the kernel and connects to it", async () => {
      const { ns, stack, link, kernelMac } = await setUp();
      const listening = ns.spawn(["socat", "TCP-LISTEN:7000,bind=0.0.0.0", "SYSTEM:echo kernel-says-hi"]);
      await ns.waitForListen(7000);
      const conn = await stack.connect(ns.kernelAddress, 7000);
      const r = await conn.read();
      expect(r.done ? "" : Buffer.from(r.value).toString()).toBe("kernel-says-hi\n");
      expect(link.interface.neighbors.counters.requestsOut).toBeGreaterThanOrEqual(1);
      expect(link.interface.neighbors.entry(parseIpv4(ns.kernelAddress))?.mac).toBe(kernelMac);
      await conn[Symbol.asyncDispose]();
      listening.kill();
    });

    it("the stack reaches a second namespace through the kernel, its default gateway", async () => {
      const { ns, stack, link, kernelMac } = await setUp();
      far = await farNamespace(ns);
      far.spawn(["socat", "TCP-LISTEN:7001,bind=0.0.0.0", "SYSTEM:echo far-away"]);
      for (let i = 0; i < 100; i++) {
        const ss = await far.exec(["ss", "-Hltn", "sport = :7001"]);
        if (ss.stdout.toString().trim() !== "") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const conn = await stack.connect(far.address, 7001);
      const r = await conn.read();
      expect(r.done ? "" : Buffer.from(r.value).toString()).toBe("far-away\n");
      // Off-link: nobody was asked for 10.78.0.2; the segments went to the gateway's MAC.
      expect(link.interface.neighbors.entry(parseIpv4(far.address))).toBeUndefined();
      expect(link.interface.neighbors.entry(parseIpv4(ns.kernelAddress))?.mac).toBe(kernelMac);
      await conn[Symbol.asyncDispose]();
    });

    it("wirestate http --ethernet serves curl over the TAP device", async () => {
      ns = await Netns.start({ device: "tap", createLink: false });
      const dir = mkdtempSync(join(tmpdir(), "wirestate-tap-"));
      try {
        const body = Buffer.alloc(300_000, "frames\n");
        writeFileSync(join(dir, "f.txt"), body);
        const io = testIo();
        const exited = run(
          [
            "http",
            "--ethernet",
            "--tunnel",
            ns.tunnelArg,
            "--address",
            ns.stackAddress,
            "--gateway",
            ns.kernelAddress,
            "--dir",
            dir,
          ],
          io,
        );
        while (!io.err().includes("serving")) {
          const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20))]);
          if (early !== null) throw new Error(`wirestate http exited ${early}: ${io.err()}`);
        }
        expect(io.err()).toContain("(Ethernet)");
        const got = await ns.exec(["curl", "-sS", "--fail", "--max-time", "30", `http://${ns.stackAddress}/f.txt`], {
          timeoutMs: 40_000,
        });
        expect(got.stderr).toBe("");
        expect(got.stdout.equals(body)).toBe(true);
        io.stop();
        expect(await exited).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
