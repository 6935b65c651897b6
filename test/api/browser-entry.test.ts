/**
 * The main entry (`wirestate`) must load in a browser: bundled for the browser platform, nothing on its
 * import graph may need a Node built-in. The Node-only adapter (`wirestate/node`) must not bundle so.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

async function bundle(entry: string) {
  return build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    logLevel: "silent",
  });
}

describe("browser entry", () => {
  it("src/api/index.ts bundles for the browser with no Node built-in", async () => {
    const out = await bundle("src/api/index.ts");
    const js = out.outputFiles[0].contents;
    expect(out.errors).toEqual([]);
    expect(Buffer.from(js).includes(Buffer.from("node:"))).toBe(false);
    console.log(`wirestate main entry, minified: ${js.length} B, gzipped ${gzipSync(js).length} B (WASM included)`);
  });

  it("src/api/node.ts (wirestate/node) needs node:stream, so it is kept out of the main entry", async () => {
    await expect(bundle("src/api/node.ts")).rejects.toThrow(/node:stream|node:buffer/);
  });
});
