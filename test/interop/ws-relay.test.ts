import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Stack } from "../../src/api/index.js";
import { webSocketLink, type WsUdpRelay, wsUdpRelay } from "../../src/link/node.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";

/**
 * The path a browser page takes to the Linux kernel: a stack on `webSocketLink`, the package's relay
 * bridging the WebSocket to the UDP tunnel, socat and the TUN. The page is played by Node's `ws` client.
 */
describeWith([...NETNS_TOOLS, "python3"], "interop: webSocketLink through wsUdpRelay to the kernel", () => {
  let ns: Netns | null = null;
  let relay: WsUdpRelay | null = null;
  let stack: Stack | null = null;
  let dir = "";
  afterEach(async () => {
    stack?.close();
    await relay?.close();
    await ns?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
    [ns, relay, stack] = [null, null, null];
  });

  it("downloads 4 MiB from the kernel's python3 http.server over a WebSocket", async () => {
    ns = await Netns.start({ createLink: false });
    relay = await wsUdpRelay({ bind: ns.tunnel.bind, peer: ns.tunnel.peer });
    dir = mkdtempSync(join(tmpdir(), "wirestate-ws-"));
    const body = randomBytes(4 << 20);
    writeFileSync(join(dir, "file.bin"), body);
    const server = ns.spawn(["python3", "-m", "http.server", "--bind", ns.kernelAddress, "--directory", dir, "8000"]);
    await ns.waitForListen(8000);

    const link = webSocketLink(new WebSocket(relay.url));
    stack = new Stack({ address: ns.stackAddress, link });
    const conn = await stack.connect(ns.kernelAddress, 8000);
    await conn.write(`GET /file.bin HTTP/1.0\r\nHost: ${ns.kernelAddress}\r\n\r\n`);
    const parts: Uint8Array[] = [];
    let r = await conn.read();
    while (!r.done) {
      parts.push(r.value);
      r = await conn.read();
    }
    await r.stream.close();
    const response = Buffer.concat(parts);
    const headerEnd = response.indexOf("\r\n\r\n");
    expect(response.subarray(0, headerEnd).toString()).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*Content-Length: 4194304/);
    const got = response.subarray(headerEnd + 4);
    expect(got.length).toBe(body.length);
    expect(createHash("sha256").update(got).digest("hex")).toBe(createHash("sha256").update(body).digest("hex"));
    expect(relay.clients).toBe(1);
    // The default limits (issue 21) leave a 4 MiB download alone: nothing refused, nothing rate-dropped.
    expect(relay.counters).toMatchObject({ accepted: 1, closed: { tooBig: 0 }, dropped: { rateLimited: 0 } });
    expect(link.counters.dropped).toMatchObject({ notIpv4: 0, short: 0, congested: 0 });
    server.kill();
  });
});
