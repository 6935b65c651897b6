/** Node's own http server and client, unmodified, over two userspace stacks. */
import { once } from "node:events";
import http from "node:http";
import { describe, expect, it } from "vitest";
import type { Stack } from "../../src/api/index.js";
import { toNodeDuplex } from "../../src/api/node.js";
import { drive, pass, patternBytes, sha256, stackPair } from "./helpers.js";

/** An http server on `stack:80` answering any request with `body` and its request body's hash. */
function serve(stack: Stack, body: Uint8Array): { server: http.Server; stop(): void } {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": body.length,
        "x-request-sha256": sha256(parts),
      });
      res.end(body);
    });
  });
  const listener = stack.listen(80);
  void (async () => {
    for await (const stream of listener) server.emit("connection", toNodeDuplex(stream));
  })();
  return {
    server,
    stop() {
      listener.close();
      server.close();
    },
  };
}

async function fetchOver(stack: Stack, requestBody: Uint8Array) {
  const stream = await stack.connect("10.0.0.2", 80);
  const socket = toNodeDuplex(stream);
  const req = http.request({
    method: "POST",
    host: "10.0.0.2",
    path: "/upload",
    headers: { "content-length": requestBody.length },
    createConnection: () => socket,
  });
  req.end(requestBody);
  const [res] = (await once(req, "response")) as [http.IncomingMessage];
  const parts: Buffer[] = [];
  for await (const chunk of res) parts.push(chunk as Buffer);
  return {
    status: res.statusCode,
    requestHash: res.headers["x-request-sha256"],
    length: parts.reduce((n, p) => n + p.length, 0),
    hash: sha256(parts),
    socket,
  };
}

describe("Node http over toNodeDuplex", () => {
  it("a request and a small response on a clean wire", async () => {
    const p = stackPair({ delay: 2 });
    const body = patternBytes(5000, 3);
    const { stop } = serve(p.server, body);
    const request = patternBytes(777, 4);
    const got = await drive(p.clock, fetchOver(p.client, request));
    expect(got.status).toBe(200);
    expect(got.requestHash).toBe(sha256(request));
    expect(got.length).toBe(5000);
    expect(got.hash).toBe(sha256(body));
    expect(got.socket.remoteAddress).toBe("10.0.0.2");
    await pass(p.clock, 1_000);
    // "Connection: close": the server closed first and holds TIME-WAIT; the client's side is gone.
    expect(got.socket.info().state).toBe("CLOSED");
    expect(p.client.connectionCount).toBe(0);
    expect(p.server.connectionCount).toBe(1);
    stop();
  });

  it("a 10 MiB response with 2% loss each way arrives intact (SHA-256)", async () => {
    const p = stackPair({ delay: 5, loss: 0.02, seed: 42 });
    const body = patternBytes(10 * 1024 * 1024, 9);
    const { stop } = serve(p.server, body);
    const request = patternBytes(4096, 5);
    const t0 = p.clock.now();
    const wall0 = performance.now();
    const got = await drive(p.clock, fetchOver(p.client, request), 30 * 60_000);
    const info = got.socket.info();
    console.log(
      `10 MiB over http, 2% loss: ${((p.clock.now() - t0) / 1000).toFixed(1)} s virtual, ` +
        `${((performance.now() - wall0) / 1000).toFixed(1)} s wall; server retransmits ${p.server.counters.retransmits}, ` +
        `packets lost server->client ${p.links[1].counters.tx.dropped.loss}, ` +
        `client->server ${p.links[0].counters.tx.dropped.loss}; client srtt ${info.srtt} ms`,
    );
    expect(got.status).toBe(200);
    expect(got.requestHash).toBe(sha256(request));
    expect(got.length).toBe(body.length);
    expect(got.hash).toBe(sha256(body));
    expect(p.links[1].counters.tx.dropped.loss).toBeGreaterThan(50); // the loss really happened
    expect(p.server.counters.retransmits).toBeGreaterThan(0);
    stop();
  });
});
