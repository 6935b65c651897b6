/**
 * The package as published (tsc's output, no bundler) imported as native ES modules by Chromium: every
 * module on the browser entries' import graphs must load from a plain static server (relative `.js`
 * specifiers only, no Node built-ins, no bare package names), and the stack must work there: two stacks
 * in the page exchange bytes over a memoryLinkPair, a session runs over that connection, and the capture
 * writer records it. Also reports what the page fetched for it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pageServerGuard } from "../../src/link/node.js";
import { serveFiles } from "../../web/server.mjs";
import { useChromium } from "../helpers/browser.js";
import { describeWith } from "../helpers/tools.js";

function compileDist(): Map<string, Uint8Array> {
  const out = mkdtempSync(join(tmpdir(), "wirestate-esm-"));
  try {
    // Type errors are the typecheck test's business; here only the emitted JavaScript matters.
    try {
      execFileSync(
        "npx",
        ["tsc", "-p", "tsconfig.build.json", "--outDir", out, "--declaration", "false", "--sourceMap", "false"],
        { stdio: "pipe" },
      );
    } catch {}
    const files = new Map<string, Uint8Array>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith(".js")) files.set(`dist/${relative(out, path)}`, readFileSync(path));
      }
    };
    walk(out);
    files.set(
      "index.html",
      new TextEncoder().encode(`<!doctype html><title>esm</title><script type="module" src="check.js"></script>`),
    );
    files.set("check.js", readFileSync(new URL("./esm-page.mjs", import.meta.url)));
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describeWith(["chromium"], "the package as native ES modules in headless Chromium", () => {
  const browser = useChromium();
  let server: { url: string; close(): Promise<void> };
  let files: Map<string, Uint8Array>;
  beforeAll(async () => {
    files = compileDist();
    server = await serveFiles(files, { guard: pageServerGuard() });
  });
  afterAll(async () => server?.close());

  it("loads wirestate, wirestate/session, /wire, /pcap and /link unbundled, and they work", async () => {
    expect(files.has("dist/api/index.js")).toBe(true);
    const page = await browser().context.newPage();
    const fetched: string[] = [];
    const failed: string[] = [];
    page.on("request", (r) => fetched.push(new URL(r.url()).pathname.slice(1)));
    page.on("requestfailed", (r) => failed.push(r.url()));
    page.on("response", (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    await page.goto(server.url);
    await page.waitForFunction(() => "esmResult" in window, null, { timeout: 20_000 });
    const result = await page.evaluate(() => (window as unknown as { esmResult: Record<string, unknown> }).esmResult);
    await page.close();
    expect(failed).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.sum).toBe(42);
    expect(result.entries).toEqual(["function", "function"]);
    expect(result.synFlags).toBe(0x02);
    expect(result.magic).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
    expect(result.captureBytes).toBeGreaterThan(500);
    // Only the package's own modules were fetched (and the page): nothing from outside dist/.
    const modules = fetched.filter((p) => p !== "" && p !== "check.js");
    expect(modules.every((p) => p.startsWith("dist/"))).toBe(true);
    expect(modules.some((p) => p.startsWith("dist/cli/") || p.includes("node"))).toBe(false);
    const bytes = modules.reduce((n, p) => n + files.get(p)!.length, 0);
    const gzipped = modules.reduce((n, p) => n + gzipSync(files.get(p)!, { level: 9 }).length, 0);
    console.log(
      `unbundled ESM: ${modules.length} modules, ${bytes} B, ${gzipped} B gzipped file by file (WASM inlined)`,
    );
  });
});
