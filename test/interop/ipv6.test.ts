import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { Stack, type PingResult } from "../../src/api/index.js";
import { run } from "../../src/cli/run.js";
import { RealClock } from "../../src/clock/index.js";
import { useCleanup } from "../helpers/cleanup.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { LOSS_WARNINGS, tsharkFields } from "../helpers/tshark.js";
import { CAPTURE_DIR, FLOW_CONTROL_WARNINGS, judge, tap } from "./capture.js";
import { testIo } from "./cli-io.js";

vi.setConfig({ testTimeout: 120_000 });

const KERNEL6 = "fd00:77::1";
const STACK6 = "fd00:77::2";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * IPv6 (RFC 8200) against the Linux kernel over the raw-IP TUN harness, IPv6 on in the namespace:
 * iputils `ping -6` both ways, curl to `wirestate http` at http://[addr]:port/, `wirestate fetch` from
 * python3's http.server on an IPv6 address, and a lossy transfer. Every capture passes the Wireshark
 * judge with the IPv6, TCP, UDP and ICMPv6 checksum checks on.
 */
describeWith(
  [...NETNS_TOOLS, "ping", "curl", "python3", "tshark", "nft", "socat"],
  "interop: IPv6 with the kernel over a raw-IP TUN",
  () => {
    const defer = useCleanup();
    let dir = "";
    let fileHash = "";
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "wirestate-ipv6-"));
      mkdirSync(join(dir, "www"));
      const bytes = randomBytes(4 << 20);
      writeFileSync(join(dir, "www", "4m.bin"), bytes);
      fileHash = sha256(bytes);
      mkdirSync(CAPTURE_DIR, { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function netns(options: { createLink?: boolean; lossPercent?: number } = {}) {
      const ns = await Netns.start({ ...options, ipv6: { kernel: KERNEL6, stack: STACK6 } });
      defer(() => ns.close());
      return ns;
    }

    it("the kernel's ping -6 gets replies from the stack, and the stack's ping gets the kernel's", async () => {
      const ns = await netns();
      const clock = new RealClock();
      const capture = tap(ns.link, clock, "ipv6-ping");
      const stack = new Stack({ address: [ns.stackAddress, `${STACK6}/64`], link: capture.link, clock });
      defer(() => stack.close());
      const out = await ns.run(["ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-s", "200", STACK6]);
      expect(out).toMatch(/3 packets transmitted, 3 received, 0% packet loss/);
      expect(out).toMatch(new RegExp(`208 bytes from ${STACK6}: icmp_seq=1 ttl=64`));
      expect(stack.counters.echoRepliesSent).toBe(3);
      const results: PingResult[] = [];
      for await (const r of stack.ping(KERNEL6, { count: 3, interval: 200, timeout: 2000 })) results.push(r);
      expect(results.map((r) => r.ok)).toEqual([true, true, true]);
      expect(results[0]).toMatchObject({ address: KERNEL6, ttl: 64, bytes: 64 });
      const file = await capture.save();
      judge(file, [], ns.stackAddress);
      const kinds = tsharkFields(file, ["icmpv6.type"]).map((r) => r[0]);
      expect(kinds.filter((k) => k === "128").length).toBe(6);
      expect(kinds.filter((k) => k === "129").length).toBe(6);
    });

    it("6000-byte UDP datagrams both ways: IPv6 fragments out, reassembled by the kernel, and in", async () => {
      const ns = await netns();
      const clock = new RealClock();
      // The tunnel says 65535; the TUN's 1500 is what the stack must fragment for.
      const inner = ns.link;
      const link = {
        mtu: 1500,
        onReceive: null as ((p: Uint8Array) => void) | null,
        send: (p: Uint8Array) => inner.send(p),
        close: () => inner.close(),
      };
      inner.onReceive = (p) => link.onReceive?.(p);
      const capture = tap(link, clock, "ipv6-udp-fragments");
      const stack = new Stack({ address: [`${STACK6}/64`], link: capture.link, clock });
      defer(() => stack.close());
      const data = new Uint8Array(6000).map((_, i) => (i * 31) & 0xff);
      const server = ns.spawn(["socat", "-b", "65536", "-u", `UDP6-RECVFROM:5555`, "STDOUT"]);
      const out = stack.udp({ port: 4000 });
      const timer = setInterval(() => out.send(data, KERNEL6, 5555), 100);
      const { stdout } = await server.exited;
      clearInterval(timer);
      expect(sha256(stdout)).toBe(sha256(data));
      expect(stack.counters.fragmentsOut).toBeGreaterThanOrEqual(5);
      const socket = stack.udp({ port: 5556 });
      const back = new Uint8Array(6000).map((_, i) => (i * 17 + 3) & 0xff);
      await ns.run(["socat", "-b", "65536", "-u", "STDIN", `UDP6-SENDTO:[${STACK6}]:5556`], { input: back });
      const got = await socket.receive();
      expect(sha256(got!.data)).toBe(sha256(back));
      expect(stack.counters.datagramsReassembled).toBe(1);
      judge(await capture.save(), [], STACK6);
    });

    it("curl fetches http://[addr]:8080/ from `wirestate http`, and uploads to it", async () => {
      const ns = await netns({ createLink: false });
      const capture = join(CAPTURE_DIR, "ipv6-cli-http-curl.pcapng");
      const io = testIo();
      const exited = run(
        [
          "http",
          "--tunnel",
          ns.tunnelArg,
          "--address",
          `${ns.stackAddress},${STACK6}/64`,
          "--port",
          "8080",
          "--dir",
          join(dir, "www"),
          "--capture",
          capture,
        ],
        io,
      );
      while (!io.err().includes("serving")) {
        const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20))]);
        if (early !== null) throw new Error(`wirestate http exited ${early}: ${io.err()}`);
      }
      expect(io.err()).toContain(`http://[${STACK6}]:8080/`);
      const url = `http://[${STACK6}]:8080`;
      const got = await ns.run(["bash", "-c", `curl -sS --fail --max-time 100 -g ${url}/4m.bin | sha256sum`], {
        timeoutMs: 110_000,
      });
      expect(got.split(" ")[0]).toBe(fileHash);
      const posted = await ns.run(
        [
          "curl",
          "-sS",
          "--fail",
          "-g",
          "--max-time",
          "100",
          "--data-binary",
          `@${join(dir, "www", "4m.bin")}`,
          `${url}/upload`,
        ],
        { timeoutMs: 110_000 },
      );
      expect(posted).toBe(fileHash);
      // And over IPv4 from the same listener.
      const v4 = await ns.run([
        "bash",
        "-c",
        `curl -sS --fail --max-time 100 http://${ns.stackAddress}:8080/4m.bin | sha256sum`,
      ]);
      expect(v4.split(" ")[0]).toBe(fileHash);
      io.stop();
      expect(await exited).toBe(0);
      judge(capture, FLOW_CONTROL_WARNINGS, STACK6);
      const versions = new Set(tsharkFields(capture, ["ip.version"]).map((r) => r[0]));
      expect(versions).toEqual(new Set(["6", "4"]));
    });

    it("`wirestate fetch http://[kernel]:8000/` from python3's http.server, through 5% loss each way", async () => {
      const ns = await netns({ createLink: false, lossPercent: 5 });
      const server = ns.spawn([
        "python3",
        "-m",
        "http.server",
        "--bind",
        KERNEL6,
        "--directory",
        join(dir, "www"),
        "8000",
      ]);
      await ns.waitForListen(8000);
      const out = join(dir, "fetched.bin");
      const capture = join(CAPTURE_DIR, "ipv6-cli-fetch-lossy.pcapng");
      const io = testIo();
      const code = await run(
        [
          "fetch",
          `http://[${KERNEL6}]:8000/4m.bin`,
          "--tunnel",
          ns.tunnelArg,
          "--address",
          `${STACK6}/64`,
          "--output",
          out,
          "--capture",
          capture,
        ],
        io,
      );
      expect(io.err()).toMatch(/^4194304 bytes in/);
      expect(code).toBe(0);
      expect(sha256(readFileSync(out))).toBe(fileHash);
      const [toKernel, fromKernel] = await ns.droppedByLossRule();
      expect(toKernel).toBeGreaterThan(0);
      expect(fromKernel).toBeGreaterThan(0);
      server.kill();
      judge(capture, [...LOSS_WARNINGS, ...FLOW_CONTROL_WARNINGS], STACK6);
    });
  },
);
