/**
 * The session layer in a real browser: the examples (sessions over two wirestate TCP stacks, WASM and
 * all) and a session over a MessageChannel run inside headless Chromium, on a page that is not a secure
 * context, so nothing may lean on crypto.subtle.
 */
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith } from "../helpers/tools.js";

describeWith(["chromium"], "sessions in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });
  afterAll(async () => browser?.close());

  it("runs login, ping-pong and the key-value store over wirestate TCP, and a session over a MessagePort", async () => {
    const out = await build({
      entryPoints: ["test/session/browser-entry.ts"],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "sessionDemo",
      write: false,
      logLevel: "silent",
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // A made-up http origin, answered by the test itself: http is what makes the page insecure.
    await page.route("http://wirestate.test/**", (route) =>
      route.fulfill({ contentType: "text/html", body: "<!doctype html><title>session</title>" }),
    );
    await page.goto("http://wirestate.test/");
    await page.addScriptTag({ content: out.outputFiles[0].text });
    const result = await page.evaluate(() =>
      (globalThis as unknown as { sessionDemo: typeof import("./browser-entry.js") }).sessionDemo.run(),
    );
    await page.close();
    expect(errors).toEqual([]);
    expect(result.secureContext).toBe(false);
    expect(result.overTcp.login).toEqual({
      client: { ok: true, token: "token-for-alice", expiresAt: "1700000000000n" },
      server: "alice logged in",
    });
    expect(result.overTcp.denied.client).toEqual({ ok: false, reason: "unknown user or wrong password" });
    expect(result.overTcp.pingPong).toEqual({ replies: [1, 11, 21, 31, 41, 51, 61, 71, 81, 91], served: 10 });
    expect(result.overTcp.kv.answers).toEqual([false, "v"]);
    expect(result.overPort).toEqual({
      client: { ok: true, token: "token-for-alice", expiresAt: "1700000000000" },
      server: "alice logged in",
    });
    expect(result.mismatch).toEqual([true, true]);
  });
});
