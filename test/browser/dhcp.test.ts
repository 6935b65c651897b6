/**
 * DHCP across Web Workers in headless Chromium: a virtual switch on the page's main thread joins two
 * workers by MessagePort, one a stack serving DHCP and a file, the other a stack with `address: "dhcp"`.
 * The client must get its lease (address, prefix, router) and download the file intact (SHA-256 against
 * the same bytes made here in Node).
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pageServerGuard } from "../../src/link/node.js";
import { serveFiles } from "../../web/server.mjs";
import { useChromium } from "../helpers/browser.js";
import { describeWith } from "../helpers/tools.js";
import { payload } from "./dhcp-page/payload.js";

const PAGE = fileURLToPath(new URL("./dhcp-page/", import.meta.url));

describeWith(["chromium"], "DHCP between stacks in Web Workers, on a virtual switch", () => {
  const browser = useChromium();
  let server: Awaited<ReturnType<typeof serveFiles>>;
  beforeAll(async () => {
    const out = await build({
      entryPoints: { main: `${PAGE}main.ts`, worker: `${PAGE}worker.ts` },
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      outdir: "/",
      logLevel: "silent",
    });
    const files = new Map<string, Uint8Array>(
      out.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf("/") + 1), f.contents]),
    );
    files.set(
      "index.html",
      new TextEncoder().encode('<!doctype html><title>dhcp</title><script type="module" src="main.js"></script>'),
    );
    server = await serveFiles(files, { guard: pageServerGuard() });
  });
  afterAll(async () => server?.close());

  it("the client worker leases an address from the server worker and downloads 1 MiB from it", async () => {
    const page = await browser().context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    try {
      await page.goto(server.url);
      await page.waitForFunction(
        () => {
          const r = (window as unknown as { dhcpResult?: Record<string, { sha256?: string; error?: string }> })
            .dhcpResult;
          return r?.client?.sha256 !== undefined || r?.client?.error !== undefined || r?.server?.error !== undefined;
        },
        null,
        { timeout: 40_000 },
      );
      const result = await page.evaluate(
        () => (window as unknown as { dhcpResult: Record<string, unknown> }).dhcpResult,
      );
      expect(result.server).not.toHaveProperty("error");
      expect(result.client).toEqual({
        address: "10.0.0.100",
        router: "10.0.0.1",
        prefix: 24,
        bytes: 1 << 20,
        sha256: createHash("sha256").update(payload()).digest("hex"),
      });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
