import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { testIo } from "../interop/cli-io.js";
import { freeUdpPort } from "../helpers/netns.js";

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
    ] as const) {
      const io = testIo();
      const code = await run(["fetch", "http://10.9.1.1/", "--tunnel", tunnel, ...args], io);
      expect(code, args.join(" ")).toBe(2);
      expect(io.err()).toContain(message);
    }
  });
});
