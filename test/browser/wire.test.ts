/**
 * The wire core's differential checks (test/browser/wire-suite.ts) run in headless Chromium: the WASM core
 * must agree with the pure-TS reference there too, and give exactly the answers it gives in Node, on the
 * real Linux vectors, seeded mutations of them, every checksum alignment, sequence wrap-around and builds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { pageWithBundle, useChromium } from "../helpers/browser.js";
import { readPcap } from "../helpers/pcap-reader.js";
import { describeWith } from "../helpers/tools.js";
import { runWireSuite, type WireSuiteResult } from "./wire-suite.js";

const VECTORS = new URL("../wire/vectors/", import.meta.url);
const SEED = 0x5eed;

describeWith(["chromium"], "wire core differential suite in headless Chromium", () => {
  const browser = useChromium();

  it("agrees with the reference in the browser and with Node, answer for answer", async () => {
    const packets = readdirSync(VECTORS)
      .filter((f) => f.endsWith(".pcap"))
      .sort()
      .flatMap((f) => readPcap(readFileSync(new URL(f, VECTORS))).records.map((r) => r.data));
    expect(packets.length).toBeGreaterThan(100);

    const { page, errors } = await pageWithBundle(browser().context, "test/browser/wire-suite.ts", "wireSuite");
    const inBrowser = await page.evaluate(
      ({ packets, seed }) => {
        const suite = (globalThis as unknown as { wireSuite: typeof import("./wire-suite.js") }).wireSuite;
        return suite.runWireSuite(
          packets.map((p) => new Uint8Array(p)),
          seed,
        );
      },
      { packets: packets.map((p) => Array.from(p)), seed: SEED },
    );
    await page.close();
    const inNode: WireSuiteResult = runWireSuite(packets, SEED);

    expect(errors).toEqual([]);
    expect(inBrowser.mismatches).toEqual([]);
    expect(inNode.mismatches).toEqual([]);
    expect(inBrowser.parses.length).toBe(packets.length * 4);
    // Some mutations must be rejected and some survive, or the parse comparison proves little.
    expect(inBrowser.parses.filter((p) => p.includes('"ok":false')).length).toBeGreaterThan(packets.length / 2);
    expect(inBrowser.parses.filter((p) => p.includes('"ok":true')).length).toBeGreaterThan(packets.length);
    for (const key of ["parses", "checksums", "seq", "builds"] as const)
      expect({ [key]: inBrowser[key] }).toEqual({ [key]: inNode[key] });
  });
});
