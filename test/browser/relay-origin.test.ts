/**
 * Issue 21 in a real browser: headless Chromium pages connect to wsUdpRelay, whose tunnel ends in a TUN in
 * a private network namespace (test/helpers/netns.ts). A page served from an origin the relay does not
 * list is refused before its WebSocket opens, though it holds the right token: the cross-site hijack a
 * page could otherwise do to a relay on 127.0.0.1. The page from the allowed origin downloads a file from
 * the kernel's python3 http.server through the relay, intact.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { type WsUdpRelay, wsUdpRelay } from "../../src/link/node.js";
import { pageAtOrigin, useChromium } from "../helpers/browser.js";
import { NETNS_TOOLS, Netns } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import type { HttpGetResult } from "./ws-client.js";
import { useCleanup } from "../helpers/cleanup.js";

type Client = typeof import("./ws-client.js");
const SIZE = 4 << 20;

describeWith([...NETNS_TOOLS, "python3", "chromium"], "wsUdpRelay's origin check in headless Chromium", () => {
  const browser = useChromium();
  const defer = useCleanup();

  it("refuses the page from a foreign origin and carries the allowed page's download from the kernel", async () => {
    const ns = await Netns.start({ createLink: false });
    defer(() => ns.close());
    const allowed = await pageAtOrigin(browser().context, "test/browser/ws-client.ts", "wsClient");
    defer(() => allowed.close());
    const foreign = await pageAtOrigin(browser().context, "test/browser/ws-client.ts", "wsClient");
    defer(() => foreign.close());
    expect(foreign.origin).not.toBe(allowed.origin);
    const relay: WsUdpRelay = await wsUdpRelay({
      bind: ns.tunnel.bind,
      peer: ns.tunnel.peer,
      allowedOrigins: [allowed.origin],
    });
    defer(() => relay.close());

    const dir = mkdtempSync(join(tmpdir(), "wirestate-origin-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const body = randomBytes(SIZE);
    writeFileSync(join(dir, "file.bin"), body);
    ns.spawn(["python3", "-m", "http.server", "--bind", ns.kernelAddress, "--directory", dir, "8000"]);
    await ns.waitForListen(8000);

    // The foreign page knows the whole URL, token included: the Origin alone keeps it out.
    const attempt = await foreign.page.evaluate(
      (url) => (globalThis as unknown as { wsClient: Client }).wsClient.tryOpen(url),
      relay.url,
    );
    expect(attempt).toEqual({ opened: false, code: 1006 });
    expect(relay.counters.refused).toMatchObject({ origin: 1, token: 0 });
    expect(relay.counters.accepted).toBe(0);

    const got: HttpGetResult = await allowed.page.evaluate(
      ({ url, local, remote }) =>
        (globalThis as unknown as { wsClient: Client }).wsClient.getOverWebSocket(
          url,
          local,
          remote,
          8000,
          "/file.bin",
        ),
      { url: relay.url, local: ns.stackAddress, remote: ns.kernelAddress },
    );
    expect(got.head).toMatch(new RegExp(`^HTTP/1\\.0 200 OK\\r\\n[\\s\\S]*Content-Length: ${SIZE}`));
    expect(got.bodyLength).toBe(SIZE);
    expect(got.bodySha256).toBe(createHash("sha256").update(body).digest("hex"));
    expect(got.states.slice(0, 2)).toEqual(["SYN-SENT", "ESTABLISHED"]);
    expect(relay.counters.accepted).toBe(1);
    expect(relay.counters.refused).toEqual({ origin: 1, token: 0, full: 0, notWebSocket: 0 });
    expect(relay.counters.dropped.rateLimited).toBe(0);
    expect(allowed.errors).toEqual([]);
    expect(foreign.errors).toEqual([]);
  });
});
