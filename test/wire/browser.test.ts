/**
 * The wire core in a real browser: the bundle of src/wire/index.ts instantiates its WASM synchronously on
 * the main thread (browsers limit synchronous compilation by module size) and gives the same bytes and
 * results as Node.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium, pageWithBundle, type TestBrowser } from "../helpers/browser.js";
import { describeWith } from "../helpers/tools.js";
import { buildPacket, internetChecksum, parsePacket, TcpFlags, type PacketFields } from "../../src/wire/index.js";

const FIELDS: PacketFields = {
  src: 0x0a000001,
  dst: 0x0a000002,
  srcPort: 1234,
  dstPort: 80,
  seq: 0xfffffff0,
  ack: 9,
  window: 512,
  flags: TcpFlags.ACK | TcpFlags.PSH,
  options: { timestamps: { tsval: 3, tsecr: 4 }, sackBlocks: [{ left: 1, right: 2 }] },
  payload: new Uint8Array([104, 105]),
};

describeWith(["chromium"], "wire core in headless Chromium", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it("builds, parses and checksums exactly as in Node, with no await and no fetch", async () => {
    const { page, errors } = await pageWithBundle(browser.context, "src/wire/index.ts", "wire");
    const result = await page.evaluate(
      (f) => {
        const w = (globalThis as unknown as { wire: typeof import("../../src/wire/index.js") }).wire;
        const bytes = w.buildPacket({ ...f, payload: new Uint8Array(f.payload as unknown as number[]) });
        const p = w.parsePacket(bytes);
        return {
          bytes: Array.from(bytes),
          ok: p.ok,
          options: p.ok ? p.tcp.options : null,
          checksum: w.internetChecksum(new Uint8Array([0, 1, 0xf2, 3, 0xf4, 0xf5, 0xf6, 0xf7])),
          address: w.ipv4ToString(w.parseIpv4("192.168.7.9")),
        };
      },
      { ...FIELDS, payload: Array.from(FIELDS.payload!) as unknown as Uint8Array },
    );
    await page.close();
    expect(errors).toEqual([]);
    const node = buildPacket(FIELDS);
    const parsed = parsePacket(node);
    expect(result.bytes).toEqual(Array.from(node));
    expect(result.ok).toBe(true);
    expect(result.options).toEqual(parsed.ok ? parsed.tcp.options : undefined);
    expect(result.checksum).toBe(internetChecksum(new Uint8Array([0, 1, 0xf2, 3, 0xf4, 0xf5, 0xf6, 0xf7])));
    expect(result.address).toBe("192.168.7.9");
  });
});
