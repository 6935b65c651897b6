import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium, type TestBrowser } from "../helpers/browser.js";
import { describeWith } from "../helpers/tools.js";

const committed = (name: string) => readFileSync(fileURLToPath(new URL(`../../captures/${name}`, import.meta.url)));

describeWith(["chromium"], "captures made in headless Chromium", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it("are byte-for-byte the files Node makes, read back through a Blob", async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL("./browser-entry.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "pcapDemo",
      write: false,
      logLevel: "silent",
    });
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.route("http://wirestate.test/**", (route) =>
      route.fulfill({ contentType: "text/html", body: "<!doctype html><title>pcap</title>" }),
    );
    await page.goto("http://wirestate.test/");
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    const made = await page.evaluate(() =>
      (globalThis as unknown as { pcapDemo: typeof import("./browser-entry.js") }).pcapDemo.run(),
    );
    await page.close();
    expect(errors).toEqual([]);
    expect(made.length).toBeGreaterThan(2);
    for (const capture of made) {
      expect(Buffer.from(capture.base64, "base64").equals(committed(capture.name)), capture.name).toBe(true);
      expect(capture.blobType).toBe(
        capture.name.endsWith(".pcapng") ? "application/x-pcapng" : "application/vnd.tcpdump.pcap",
      );
    }
  });
});
