/**
 * The browser's own WebSocket as a wirestate link: a stack in headless Chromium reaches a stack in Node
 * through `wsUdpRelay` (WebSocket -> relay -> UDP on 127.0.0.1 -> `udpTunnelLink`), the same path a page
 * takes to the Linux kernel in the interop setup. A 256 KiB echo must come back byte for byte, and the
 * page's capture must satisfy Wireshark. The page is served from its own origin, which the relay allows.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Stack } from "../../src/api/index.js";
import { udpTunnelLink, wsUdpRelay, type UdpTunnelLink, type WsUdpRelay } from "../../src/link/node.js";
import { pageAtOrigin, useChromium } from "../helpers/browser.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, LOSS_WARNINGS, tsharkFields } from "../helpers/tshark.js";
import type { EchoResult } from "./ws-client.js";

const PORT = 7;

describeWith(["chromium", "tshark"], "webSocketLink in headless Chromium through wsUdpRelay", () => {
  const browser = useChromium();
  let far: UdpTunnelLink;
  let relay: WsUdpRelay;
  let server: Stack;
  let client: Awaited<ReturnType<typeof pageAtOrigin>>;
  beforeAll(async () => {
    // The page has an origin of its own, and the relay lets exactly that one in.
    client = await pageAtOrigin(browser().context, "test/browser/ws-client.ts", "wsClient");
    far = await udpTunnelLink({ bind: "127.0.0.1:0", mtu: 1500 });
    relay = await wsUdpRelay({ bind: "127.0.0.1:0", peer: far.local, allowedOrigins: [client.origin] });
    server = new Stack({ address: "10.0.0.2", link: far });
    const listener = server.listen(PORT);
    void (async () => {
      for (;;) {
        const conn = await listener.accept().catch(() => null);
        if (conn === null) return;
        // Echo: the peer's FIN ends the readable, which closes the writable, which sends our FIN.
        void conn.readable.pipeTo(conn.writable).catch(() => {});
      }
    })();
  });
  afterAll(async () => {
    await client?.close();
    server?.close();
    await relay?.close();
  });

  it("a page's stack echoes 256 KiB off a Node stack, intact, with a clean capture", async () => {
    const payload = randomBytes(256 * 1024);
    const { page, errors } = client;
    const result: EchoResult = await page.evaluate(
      ({ url, payload, port }) => {
        const client = (globalThis as unknown as { wsClient: typeof import("./ws-client.js") }).wsClient;
        return client.echoOverWebSocket(url, payload, "10.0.0.2", port);
      },
      { url: relay.url, payload: payload.toString("base64"), port: PORT },
    );
    expect(errors).toEqual([]);
    const echoed = Buffer.from(result.echoed, "base64");
    expect(echoed.length).toBe(payload.length);
    expect(echoed.equals(payload)).toBe(true);
    expect(result.states.slice(0, 2)).toEqual(["SYN-SENT", "ESTABLISHED"]);
    expect(result.states).toContain("FIN-WAIT-1");

    const capture = new Uint8Array(Buffer.from(result.capture, "base64"));
    // No loss is configured, but UDP over loopback may drop when this busy machine stalls a socket's reader:
    // the retransmissions that would follow are allowed by name, nothing else.
    assertCleanCapture(capture, LOSS_WARNINGS);
    const rows = tsharkFields(capture, ["ip.src", "tcp.len", "tcp.analysis.retransmission"]);
    const sum = (src: string) => rows.filter((r) => r[0] === src && r[2] === "").reduce((n, r) => n + Number(r[1]), 0);
    expect(sum("10.0.0.1")).toBe(payload.length);
    expect(sum("10.0.0.2")).toBe(payload.length);
  });
});
