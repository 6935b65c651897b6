/**
 * Headless Chromium for tests (ARCHITECTURE.md's launch flags, a fresh profile each time) and the demo page
 * served on 127.0.0.1. Tests call these inside `describeWith(["chromium"], ...)`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { pageServerGuard } from "../../src/link/node.js";
import { buildDemo, serveFiles } from "../../web/server.mjs";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  /** Where downloads land; removed by `close()`. */
  profile: string;
  close(): Promise<void>;
}

/** Debian's Chromium with a throwaway profile (user data dir), downloads accepted. */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "wirestate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One browser for the enclosing describe block: launched before its tests, closed after. Call at describe
 * level; the returned function gives the browser inside tests.
 */
export function useChromium(): () => TestBrowser {
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());
  return () => {
    if (browser === undefined) throw new Error("useChromium(): the browser is only there inside tests");
    return browser;
  };
}

/** The demo page (web/), bundled in memory and served on 127.0.0.1 at a free port. */
export async function serveDemo(): Promise<{ url: string; files: Map<string, Uint8Array>; close(): Promise<void> }> {
  const files = await buildDemo();
  const server = await serveFiles(files, { guard: pageServerGuard() });
  return { ...server, files };
}

/** `entry` bundled for the browser as an IIFE exposing its exports as `globalThis[globalName]`. */
async function bundle(entry: string, globalName: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName,
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/** A new page whose uncaught errors are collected in `errors`. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { page, errors };
}

/**
 * A blank page with `entry` bundled for the browser (an IIFE exposing its exports as `globalThis[name]`),
 * for running library code in the page. Uncaught page errors are collected in `errors`.
 */
export async function pageWithBundle(
  context: BrowserContext,
  entry: string,
  globalName: string,
): Promise<{ page: Page; errors: string[] }> {
  const script = await bundle(entry, globalName);
  const { page, errors } = await watchedPage(context);
  await page.setContent(`<!doctype html><title>${globalName}</title>`);
  await page.addScriptTag({ content: script });
  return { page, errors };
}

/**
 * Like `pageWithBundle`, but the page is loaded over HTTP from its own server on 127.0.0.1 (a free port),
 * so it has a real origin (`http://127.0.0.1:PORT`), the one it names in `Origin` when it connects out.
 * `close()` closes the page and stops its server.
 */
export async function pageAtOrigin(
  context: BrowserContext,
  entry: string,
  globalName: string,
): Promise<{ page: Page; errors: string[]; origin: string; close(): Promise<void> }> {
  const encode = (text: string) => new TextEncoder().encode(text);
  const files = new Map([
    ["index.html", encode(`<!doctype html><title>${globalName}</title><script src="bundle.js"></script>`)],
    ["bundle.js", encode(await bundle(entry, globalName))],
  ]);
  const server = await serveFiles(files, { guard: pageServerGuard() });
  const { page, errors } = await watchedPage(context);
  await page.goto(server.url);
  return {
    page,
    errors,
    origin: server.origin,
    async close() {
      await page.close();
      await server.close();
    },
  };
}
