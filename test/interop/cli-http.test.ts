import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { run } from "../../src/cli/run.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { CAPTURE_DIR, FLOW_CONTROL_WARNINGS, judge } from "./capture.js";
import { LOSS_WARNINGS } from "../helpers/tshark.js";
import { testIo } from "./cli-io.js";

// Megabytes through a TUN, under loss, on a busy 2-core machine: minutes, not the default minute.
vi.setConfig({ testTimeout: 240_000 });

const MiB = 1 << 20;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * The `wirestate` command against the Linux kernel's own clients and servers: curl and python3's
 * http.server in the namespace, `wirestate http` / `wirestate fetch` in this process on the tunnel.
 */
describeWith(
  [...NETNS_TOOLS, "python3", "curl", "nft"],
  "interop: wirestate http and fetch with curl and python3",
  () => {
    let dir = "";
    const files: Record<string, string> = {};
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "wirestate-cli-"));
      mkdirSync(join(dir, "www"));
      for (const [name, size] of [
        ["32m.bin", 32 * MiB],
        ["4m.bin", 4 * MiB],
        ["16m-upload.bin", 16 * MiB],
      ] as const) {
        const bytes = randomBytes(size);
        writeFileSync(join(dir, "www", name), bytes);
        files[name] = sha256(bytes);
      }
      mkdirSync(CAPTURE_DIR, { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    let ns: Netns | null = null;
    let stopServer: (() => Promise<unknown>) | null = null;
    afterEach(async () => {
      await stopServer?.();
      stopServer = null;
      await ns?.close();
      ns = null;
    });

    /** Starts `wirestate http` on the namespace's tunnel; resolves once it serves. */
    async function serve(n: Netns, capture: string): Promise<ReturnType<typeof testIo>> {
      const io = testIo();
      const exited = run(
        ["http", "--tunnel", n.tunnelArg, "--address", n.stackAddress, "--dir", join(dir, "www"), "--capture", capture],
        io,
      );
      stopServer = async () => {
        io.stop();
        expect(await exited).toBe(0);
      };
      while (!io.err().includes("serving")) {
        const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 20))]);
        if (early !== null) throw new Error(`wirestate http exited ${early}: ${io.err()}`);
      }
      return io;
    }

    async function curlDownloadAndUpload(n: Netns, name: string, upload: string): Promise<void> {
      const url = `http://${n.stackAddress}`;
      const got = await n.run(["bash", "-c", `curl -sS --fail --max-time 240 ${url}/${name} | sha256sum`], {
        timeoutMs: 250_000,
      });
      expect(got.split(" ")[0]).toBe(files[name]);
      const posted = await n.run(
        [
          "curl",
          "-sS",
          "--fail",
          "--max-time",
          "240",
          "--data-binary",
          `@${join(dir, "www", upload)}`,
          `${url}/upload`,
        ],
        {
          timeoutMs: 250_000,
        },
      );
      expect(posted).toBe(files[upload]);
    }

    it("curl downloads 32 MiB from `wirestate http` and uploads 16 MiB to it; hashes match", async () => {
      ns = await Netns.start({ createLink: false });
      const capture = join(CAPTURE_DIR, "cli-http-curl.pcapng");
      const io = await serve(ns, capture);
      await curlDownloadAndUpload(ns, "32m.bin", "16m-upload.bin");
      expect(io.err()).toMatch(/GET \/32m\.bin 200/);
      expect(io.err()).toMatch(/POST \/upload 200/);
      await stopServer!();
      stopServer = null;
      judge(capture, FLOW_CONTROL_WARNINGS, ns!.stackAddress);
    });

    it("`wirestate fetch` downloads 32 MiB from python3 -m http.server; hashes match", async () => {
      ns = await Netns.start({ createLink: false });
      const server = ns.spawn([
        "python3",
        "-m",
        "http.server",
        "--bind",
        ns.kernelAddress,
        "--directory",
        join(dir, "www"),
        "8000",
      ]);
      await ns.waitForListen(8000);
      const out = join(dir, "fetched.bin");
      const capture = join(CAPTURE_DIR, "cli-fetch-python.pcapng");
      const io = testIo();
      const code = await run(
        [
          "fetch",
          `http://${ns.kernelAddress}:8000/32m.bin`,
          "--tunnel",
          ns.tunnelArg,
          "--address",
          ns.stackAddress,
          "--output",
          out,
          "--capture",
          capture,
        ],
        io,
      );
      expect(io.err()).toMatch(/^33554432 bytes in/);
      expect(code).toBe(0);
      expect(sha256(readFileSync(out))).toBe(files["32m.bin"]);
      server.kill();
      judge(capture, FLOW_CONTROL_WARNINGS, ns!.stackAddress);
    });

    it("both directions survive 5% kernel-side loss and a 576-byte TUN (4 MiB each way)", async () => {
      ns = await Netns.start({ createLink: false, lossPercent: 5, mtu: 576 });
      const capture = join(CAPTURE_DIR, "cli-http-curl-lossy.pcapng");
      await serve(ns, capture);
      await curlDownloadAndUpload(ns, "4m.bin", "4m.bin");
      await stopServer!();
      stopServer = null;
      judge(capture, [...LOSS_WARNINGS, ...FLOW_CONTROL_WARNINGS], ns!.stackAddress);
    });

    it("fetch over a lossy, small-MTU tunnel writes the body to stdout", async () => {
      ns = await Netns.start({ createLink: false, lossPercent: 5, mtu: 576 });
      const server = ns.spawn([
        "python3",
        "-m",
        "http.server",
        "--bind",
        ns.kernelAddress,
        "--directory",
        join(dir, "www"),
        "8000",
      ]);
      await ns.waitForListen(8000);
      const io = testIo();
      const code = await run(
        [
          "fetch",
          `http://${ns.kernelAddress}:8000/4m.bin`,
          "--tunnel",
          ns.tunnelArg,
          "--address",
          ns.stackAddress,
          "--mtu",
          "576",
        ],
        io,
      );
      expect(io.err()).toMatch(/^4194304 bytes in /);
      expect(code).toBe(0);
      expect(sha256(io.out())).toBe(files["4m.bin"]);
      const [toKernel, fromKernel] = await ns.droppedByLossRule();
      expect(toKernel).toBeGreaterThan(0);
      expect(fromKernel).toBeGreaterThan(0);
      server.kill();
    });

    it("fails with one clear line and a non-zero status: refused, timeout, 404, tunnel in use, bad arguments", async () => {
      ns = await Netns.start({ createLink: false });
      const n = ns;
      const base = ["--tunnel", n.tunnelArg, "--address", n.stackAddress];
      const attempt = async (argv: string[]) => {
        const io = testIo();
        const code = await run(argv, io);
        return { code, err: io.err() };
      };
      const oneLine = (text: string) => expect(text.split("\n")).toHaveLength(2); // one line, then the final newline
      const refused = await attempt(["fetch", `http://${n.kernelAddress}:8000/`, ...base]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(
        new RegExp(`^wirestate: connection refused: ${n.stackAddress}:\\d+ -> ${n.kernelAddress}:8000\n$`),
      );
      // Nothing in the namespace owns 10.77.0.99, and it does not forward: the SYNs go unanswered.
      const silent = await attempt(["fetch", "http://10.77.0.99/", ...base, "--timeout", "2"]);
      expect(silent.code).toBe(1);
      expect(silent.err).toMatch(/^wirestate: connect timed out: /);
      oneLine(silent.err);
      const server = n.spawn([
        "python3",
        "-m",
        "http.server",
        "--bind",
        n.kernelAddress,
        "--directory",
        join(dir, "www"),
        "8000",
      ]);
      await n.waitForListen(8000);
      expect(await attempt(["fetch", `http://${n.kernelAddress}:8000/missing`, ...base])).toEqual({
        code: 1,
        err: `wirestate: GET http://${n.kernelAddress}:8000/missing: HTTP 404 File not found\n`,
      });
      server.kill();
      // The tunnel's port is taken (by a server on the same tunnel).
      await serve(n, join(CAPTURE_DIR, "cli-http-idle.pcapng"));
      expect(await attempt(["fetch", `http://${n.kernelAddress}:8000/`, ...base])).toEqual({
        code: 1,
        err: `wirestate: cannot bind UDP tunnel to ${n.tunnel.bind}: address already in use\n`,
      });
      expect(await attempt(["fetch", "http://example.com/", ...base])).toEqual({
        code: 2,
        err: "wirestate: fetch: the host must be an IP address, or give --dns SERVER to look up example.com (see wirestate fetch --help)\n",
      });
      expect(await attempt(["fetch", "http://10.77.0.1/", "--tunnel", n.tunnelArg, "--address", "10.77.0"])).toEqual({
        code: 2,
        err: `wirestate: fetch: --address must be an IPv4 address like 10.77.0.2, got "10.77.0" (see wirestate fetch --help)\n`,
      });
      expect(await attempt(["http", "--tunnel", "127.0.0.1:9000", "--address", n.stackAddress])).toEqual({
        code: 2,
        err: `wirestate: http: --tunnel must be BIND=PEER, e.g. 127.0.0.1:9000=127.0.0.1:9001, got "127.0.0.1:9000" (see wirestate http --help)\n`,
      });
      expect((await attempt(["http", ...base, "--prot", "80"])).err).toBe(
        "wirestate: http: unknown option --prot (see wirestate http --help)\n",
      );
      expect((await attempt(["frobnicate"])).code).toBe(2);
    });
  },
);
