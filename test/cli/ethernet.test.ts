import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { testIo } from "../interop/cli-io.js";
import { freeUdpPort } from "../helpers/netns.js";
import { Stack, dhcpServer, ethernetLink } from "../../src/api/index.js";
import { udpTunnelLink } from "../../src/link/node.js";

/** `wirestate http --ethernet` and `wirestate fetch --ethernet` on 127.0.0.1: ARP over the UDP tunnel. */
const freePort = freeUdpPort;

describe("the tunnel commands with --ethernet", () => {
  it("fetch downloads from http, both speaking Ethernet and ARP over the tunnel", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wirestate-cli-eth-"));
    const body = Buffer.alloc(200_000, "ethernet\n");
    writeFileSync(join(dir, "f.txt"), body);
    const [a, b] = [await freePort(), await freePort()];
    const io = testIo();
    const exited = run(
      ["http", "--ethernet", "--tunnel", `127.0.0.1:${a}=127.0.0.1:${b}`, "--address", "10.9.1.1/24", "--dir", dir],
      io,
    );
    try {
      while (!io.err().includes("serving")) {
        if ((await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20))])) !== null)
          throw new Error(io.err());
      }
      const client = testIo();
      const code = await run(
        [
          "fetch",
          "http://10.9.1.1/f.txt",
          "--ethernet",
          "--tunnel",
          `127.0.0.1:${b}=127.0.0.1:${a}`,
          "--address",
          "10.9.1.2",
        ],
        client,
      );
      expect(client.err()).toMatch(/^200000 bytes in /);
      expect(code).toBe(0);
      expect(client.out().equals(body)).toBe(true);
      // ping speaks Ethernet too (the server's stack answers echo requests).
      const pinger = testIo();
      const pinged = await run(
        [
          "ping",
          "10.9.1.1",
          "-c",
          "2",
          "--ethernet",
          "--tunnel",
          `127.0.0.1:${b}=127.0.0.1:${a}`,
          "--address",
          "10.9.1.3",
        ],
        pinger,
      );
      expect(pinger.err()).toBe("");
      expect(pinged).toBe(0);
      expect(pinger.out().toString()).toMatch(/2 packets transmitted, 2 received/);
    } finally {
      io.stop();
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("http --ethernet --address dhcp leases its address from a DHCP server at the tunnel's far end", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wirestate-cli-dhcp-"));
    const body = Buffer.alloc(100_000, "leased\n");
    writeFileSync(join(dir, "f.txt"), body);
    const [a, b] = [await freePort(), await freePort()];
    const tunnel = await udpTunnelLink({
      bind: `127.0.0.1:${b}`,
      peer: `127.0.0.1:${a}`,
      mtu: 1514,
      framing: "ethernet",
    });
    const server = new Stack({ address: "10.9.2.1", link: ethernetLink({ link: tunnel, address: "10.9.2.1/24" }) });
    const dhcp = dhcpServer(server, { pool: "10.9.2.100-10.9.2.120", router: "10.9.2.1", leaseTime: 120 });
    const io = testIo();
    const exited = run(
      ["http", "--ethernet", "--address", "dhcp", "--tunnel", `127.0.0.1:${a}=127.0.0.1:${b}`, "--dir", dir],
      io,
    );
    try {
      while (!io.err().includes("serving")) {
        if ((await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20))])) !== null)
          throw new Error(io.err());
      }
      expect(io.err()).toContain("serving");
      expect(io.err()).toContain("at http://10.9.2.100/ (10.9.2.100 (Ethernet, DHCP from 10.9.2.1)");
      expect(dhcp.leases().map((l) => l.address)).toEqual(["10.9.2.100"]);
      const conn = await server.connect("10.9.2.100", 80);
      await conn.write("GET /f.txt HTTP/1.0\r\n\r\n");
      const parts: Uint8Array[] = [];
      for (let r = await conn.read(); !r.done; r = await conn.read()) parts.push(r.value);
      const response = Buffer.concat(parts);
      expect(response.subarray(0, 15).toString()).toBe("HTTP/1.1 200 OK");
      expect(response.subarray(response.length - body.length).equals(body)).toBe(true);
    } finally {
      io.stop();
      expect(await exited).toBe(0);
      // The command RELEASEd its lease as it closed.
      await new Promise((r) => setTimeout(r, 100));
      expect(dhcp.counters.releasesIn).toBe(1);
      server.close();
      tunnel.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a prefix or a gateway without --ethernet, and a bad gateway", async () => {
    const tunnel = "127.0.0.1:1=127.0.0.1:2";
    for (const [args, message] of [
      [["--address", "10.9.1.1/24"], "--address takes ADDR, or ADDR/PREFIX with --ethernet"],
      [
        ["--address", "10.9.1.1", "--gateway", "10.9.1.254"],
        "--gateway takes an IPv4 address, and only with --ethernet",
      ],
      [["--ethernet", "--address", "10.9.1.1", "--gateway", "nope"], "--gateway takes an IPv4 address"],
      [["--ethernet", "--address", "10.9.1.1/33"], "--address takes ADDR, or ADDR/PREFIX"],
      [["--address", "dhcp"], "--address dhcp needs --ethernet"],
      [["--ethernet", "--address", "dhcp", "--gateway", "10.9.1.1"], "--gateway comes from the DHCP server"],
    ] as const) {
      const io = testIo();
      const code = await run(["fetch", "http://10.9.1.1/", "--tunnel", tunnel, ...args], io);
      expect(code, args.join(" ")).toBe(2);
      expect(io.err()).toContain(message);
    }
  });
});
