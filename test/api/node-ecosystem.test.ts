/**
 * The Duplex where Node's ecosystem expects a `net.Socket`: http keep-alive agents, TLS, undici, ws.
 * Each moves a hash-checked body, so each integration is pinned by what arrives, not by not crashing.
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { Socket } from "node:net";
import tls from "node:tls";
import { Agent as UndiciAgent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { Stack } from "../../src/api/index.js";
import { toNodeDuplex, type TcpDuplex } from "../../src/api/node.js";
import { drive, patternBytes, sha256, stackPair } from "./helpers.js";

// A self-signed certificate for CN/SAN wirestate.test and IP 10.0.0.2, made once with
// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500`; test-only.
const fixtures = new URL("../fixtures/tls/", import.meta.url);
const cert = readFileSync(new URL("cert.pem", fixtures));
const key = readFileSync(new URL("key.pem", fixtures));

/** Accept on `stack:port` and hand each connection, as a Duplex, to `server` (http, tls). */
function serveOn(stack: Stack, port: number, server: { emit(event: "connection", socket: TcpDuplex): unknown }) {
  const listener = stack.listen(port);
  let accepted = 0;
  void (async () => {
    for await (const stream of listener) {
      accepted++;
      server.emit("connection", toNodeDuplex(stream));
    }
  })();
  return { listener, accepted: () => accepted };
}

/** An http handler answering `/N` with N pattern bytes seeded by N, and the request body's hash. */
function patternHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const parts: Buffer[] = [];
  req.on("data", (c: Buffer) => parts.push(c));
  req.on("end", () => {
    const n = Number(req.url!.slice(1));
    const body = patternBytes(n, n);
    res.writeHead(200, { "content-length": body.length, "x-request-sha256": sha256(parts) });
    res.end(body);
  });
}

async function collect(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const c of stream) parts.push(c);
  return parts;
}

describe("Node's clients and servers over TcpDuplex", () => {
  it("http.Agent keepAlive: 40 requests reuse one connection, every body intact", async () => {
    const p = stackPair({ delay: 2, loss: 0.01, seed: 9 });
    const server = http.createServer({ keepAlive: true }, patternHandler);
    const { listener, accepted } = serveOn(p.server, 80, server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let created = 0;
    // What crashed before: the agent calls unref()/ref()/setKeepAlive() on idle and reused sockets.
    agent.createConnection = () => {
      created++;
      return toNodeDuplex(p.client.connect("10.0.0.2", 80));
    };
    const one = async (n: number) => {
      const request = patternBytes(n % 997, n + 1);
      const req = http.request({ host: "10.0.0.2", path: `/${n}`, method: "POST", agent });
      req.end(request);
      const [res] = (await once(req, "response")) as [http.IncomingMessage];
      const parts = await collect(res);
      return { status: res.statusCode, echo: res.headers["x-request-sha256"], hash: sha256(parts), n, request };
    };
    const sizes = Array.from({ length: 40 }, (_, i) => 1000 + i * 1777);
    const results = await drive(p.clock, Promise.all(sizes.map(one)));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.hash).toBe(sha256(patternBytes(r.n, r.n)));
      expect(r.echo).toBe(sha256(r.request));
    }
    expect(created).toBe(1);
    expect(accepted()).toBe(1);
    agent.destroy();
    listener.close();
    server.close();
  });

  it("tls.connect({ socket }) to a TLS server over the stack: 300 kB each way, hashes match", async () => {
    const p = stackPair({ delay: 3 });
    const request = patternBytes(300_000, 5);
    const answer = patternBytes(310_000, 6);
    // Node's TLSSocket does not half-close, so the server counts the request's bytes instead of waiting for its end.
    const tlsServer = tls.createServer({ cert, key }, (s) => {
      const got: Buffer[] = [];
      let length = 0;
      s.on("data", (c: Buffer) => {
        got.push(c);
        length += c.length;
        if (length === request.length) s.end(Buffer.concat([Buffer.from(`${sha256(got)}\n`), answer]));
      });
    });
    const { listener } = serveOn(p.server, 443, tlsServer);
    const exchange = async () => {
      const socket = toNodeDuplex(p.client.connect("10.0.0.2", 443));
      const secure = tls.connect({ socket, ca: cert, servername: "wirestate.test" });
      await once(secure, "secureConnect");
      secure.write(request);
      const got = Buffer.concat(await collect(secure));
      return { authorized: secure.authorized, got };
    };
    const { authorized, got } = await drive(p.clock, exchange());
    expect(authorized).toBe(true);
    const newline = got.indexOf(10);
    expect(got.subarray(0, newline).toString()).toBe(sha256(request));
    expect(sha256(got.subarray(newline + 1))).toBe(sha256(answer));
    listener.close();
    tlsServer.close();
  });

  it("undici's Agent({ connect }) and fetch: 20 requests, bodies intact, one connection", async () => {
    const p = stackPair({ delay: 2 });
    const server = http.createServer({ keepAlive: true }, patternHandler);
    const { listener, accepted } = serveOn(p.server, 80, server);
    const dispatcher = new UndiciAgent({
      connections: 1,
      connect: (_options, callback) => {
        p.client.connect("10.0.0.2", 80).then(
          // undici's types ask for a net.Socket; it uses only what TcpDuplex has (read, write, ref, destroy...).
          (stream) => callback(null, toNodeDuplex(stream) as unknown as Socket),
          (error: Error) => callback(error, null),
        );
      },
    });
    const one = async (n: number) => {
      const request = patternBytes(n, n + 3);
      const res = await undiciFetch(`http://10.0.0.2/${n}`, { method: "POST", body: request, dispatcher });
      const body = new Uint8Array(await res.arrayBuffer());
      return { n, request, status: res.status, echo: res.headers.get("x-request-sha256"), hash: sha256(body) };
    };
    const results = await drive(p.clock, Promise.all(Array.from({ length: 20 }, (_, i) => one(500 + i * 4099))));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.hash).toBe(sha256(patternBytes(r.n, r.n)));
      expect(r.echo).toBe(sha256(r.request));
    }
    expect(accepted()).toBe(1);
    await drive(p.clock, dispatcher.close());
    listener.close();
    server.close();
  });

  it("ws: a WebSocket client and server over the stack exchange 50 hashed messages", async () => {
    const p = stackPair({ delay: 2, loss: 0.01, seed: 3 });
    const server = http.createServer();
    const wss = new WebSocketServer({ noServer: true });
    server.on("upgrade", (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Answer each message with its hash and length.
        ws.on("message", (data: Buffer) => ws.send(`${sha256(data)} ${data.length}`));
      });
    });
    const { listener } = serveOn(p.server, 80, server);
    const exchange = async () => {
      const ws = new WebSocket("ws://10.0.0.2/echo", {
        createConnection: () => toNodeDuplex(p.client.connect("10.0.0.2", 80)),
      });
      await once(ws, "open");
      const replies: string[] = [];
      const sent: Uint8Array[] = [];
      const all = new Promise<void>((resolve) =>
        ws.on("message", (m: Buffer) => {
          replies.push(m.toString());
          if (replies.length === 50) resolve();
        }),
      );
      for (let i = 0; i < 50; i++) {
        const m = patternBytes(100 + i * 613, i + 11);
        sent.push(m);
        ws.send(m);
      }
      await all;
      ws.close();
      await once(ws, "close");
      return { replies, sent };
    };
    const { replies, sent } = await drive(p.clock, exchange());
    expect(replies).toEqual(sent.map((m) => `${sha256(m)} ${m.length}`));
    listener.close();
    server.close();
    wss.close();
  });
});
