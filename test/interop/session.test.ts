import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { Stack } from "../../src/api/index.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { tallyClient, tallyServer } from "./session/protocol.js";

/**
 * A session-typed protocol between wirestate (this process, on the tunnel) and a plain Node `net` peer
 * that the Linux kernel carries (a node process in the namespace), each way round.
 */
describeWith([...NETNS_TOOLS], "interop: a session-typed protocol with a Node net peer on the kernel side", () => {
  let bundleDir = "";
  let peer = "";
  beforeAll(async () => {
    // The peer runs outside vitest, so it gets the TS sources as one plain JS file.
    const { buildSync } = await import("esbuild");
    bundleDir = mkdtempSync(join(tmpdir(), "wirestate-session-peer-"));
    peer = join(bundleDir, "peer.mjs");
    buildSync({
      entryPoints: [join(import.meta.dirname, "session", "kernel-peer.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: peer,
      logLevel: "error",
    });
  });
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  let ns: Netns | null = null;
  let stack: Stack | null = null;
  afterEach(async () => {
    stack?.close();
    stack = null;
    await ns?.close();
    ns = null;
  });

  it("wirestate selects, the kernel-side net server offers", async () => {
    ns = await Netns.start();
    stack = new Stack({ address: ns.stackAddress, link: ns.link });
    const server = ns.spawn([process.execPath, peer, "server", ns.kernelAddress, "9100"]);
    await ns.waitForListen(9100);
    const numbers = Array.from({ length: 5000 }, (_, i) => i);
    const lines = ["hello kernel", "ünïcödé ✓", "x".repeat(100_000)];
    const result = await tallyClient(await stack.connect(ns.kernelAddress, 9100), numbers, lines);
    expect(result).toEqual({ total: (4999 * 5000) / 2, echoed: lines.map((l) => l.toUpperCase()) });
    const { code, stdout, stderr } = await server.exited;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout.toString())).toEqual({ total: (4999 * 5000) / 2, lines: 3 });
  });

  it("the kernel-side net client selects, wirestate offers", async () => {
    ns = await Netns.start();
    stack = new Stack({ address: ns.stackAddress, link: ns.link });
    const listener = stack.listen(9200);
    const served = listener.accept().then(tallyServer);
    const { code, stdout, stderr } = await ns.exec([process.execPath, peer, "client", ns.stackAddress, "9200"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const expectedTotal = Array.from({ length: 1000 }, (_, i) => i * 7).reduce((a, b) => a + b);
    expect(JSON.parse(stdout.toString())).toEqual({
      total: expectedTotal,
      echoed: ["FROM THE KERNEL SIDE", "ÜBER ALLES? NEIN: UTF-8"],
    });
    expect(await served).toEqual({ total: expectedTotal, lines: 2 });
  });
});
