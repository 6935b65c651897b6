/** nodeNet(stack): `net`-shaped servers and sockets, checked against behaviours of Node's own `net`. */
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { nodeNet, type TcpDuplex } from "../../src/api/node.js";
import { drive, pass, patternBytes, sha256, stackPair } from "./helpers.js";

function collect(socket: TcpDuplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    socket.on("data", (c: Buffer) => parts.push(c));
    socket.on("end", () => resolve(Buffer.concat(parts)));
    socket.on("error", reject);
  });
}

describe("nodeNet: net.createServer / net.connect over a stack", () => {
  it("an echo server written for net (socket.pipe(socket)): listen callback, 'connection', 200 kB intact", async () => {
    const p = stackPair({ delay: 3 });
    const server = nodeNet(p.server).createServer((socket) => socket.pipe(socket));
    const events: string[] = [];
    server.on("connection", () => events.push("connection"));
    const listening = new Promise<void>((resolve) => server.listen(7, () => resolve()));
    await drive(p.clock, listening);
    expect(server.address()).toEqual({ address: "10.0.0.2", port: 7, family: "IPv4" });
    const body = patternBytes(200_000, 7);
    const net = nodeNet(p.client);
    const socket = net.connect({ host: "10.0.0.2", port: 7 }, () => socket.end(body));
    expect(sha256(await drive(p.clock, collect(socket)))).toBe(sha256(body));
    expect(events).toEqual(["connection"]);
  });

  it("allowHalfOpen false (the default) ends the server's side at the client's FIN; true lets it write on", async () => {
    for (const allowHalfOpen of [false, true]) {
      const p = stackPair();
      const server = nodeNet(p.server).createServer({ allowHalfOpen }, (socket) => {
        socket.resume();
        socket.on("end", () => {
          // With allowHalfOpen false Node has ended our side already: this write fails.
          socket.write("after your FIN", () => {});
          if (allowHalfOpen) socket.end();
        });
        socket.on("error", () => {});
      });
      server.listen(80);
      const client = nodeNet(p.client).connect({ host: "10.0.0.2", port: 80, allowHalfOpen: true });
      client.end("bye");
      const got = await drive(p.clock, collect(client));
      expect(got.toString()).toBe(allowHalfOpen ? "after your FIN" : "");
    }
  });

  it("end() then 'finish'; destroy(err) emits 'error' then 'close'(true) and resets the peer", async () => {
    const p = stackPair();
    const peers: TcpDuplex[] = [];
    const server = nodeNet(p.server).createServer((socket) => peers.push(socket.resume()));
    server.listen(80);
    const net = nodeNet(p.client);
    const a = net.connect(80, "10.0.0.2");
    const finished = once(a, "finish");
    a.end("done");
    await drive(p.clock, finished);
    expect(a.writableFinished).toBe(true);

    const b = net.connect(80, "10.0.0.2");
    await drive(p.clock, once(b, "connect"));
    await pass(p.clock, 20);
    const events: string[] = [];
    b.on("error", (e) => events.push(`error ${e.message}`));
    const closed = new Promise((resolve) =>
      b.on("close", (hadError: boolean) => resolve(events.push(`close ${hadError}`))),
    );
    const peerError = once(peers[1], "error").then(([e]) => (e as NodeJS.ErrnoException).code);
    b.destroy(new Error("boom"));
    await drive(p.clock, closed);
    expect(events).toEqual(["error boom", "close true"]);
    expect(await drive(p.clock, peerError)).toBe("ECONNRESET");
  });

  it("close() stops accepting and emits 'close' only after open connections end; getConnections counts", async () => {
    const p = stackPair();
    const peers: TcpDuplex[] = [];
    const server = nodeNet(p.server).createServer((socket) => peers.push(socket));
    server.listen(80);
    const net = nodeNet(p.client);
    const a = net.connect(80, "10.0.0.2");
    await drive(p.clock, once(a, "connect"));
    await pass(p.clock, 20);
    const count = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
    expect(count).toBe(1);
    let closed = false;
    server.close(() => (closed = true));
    expect(server.listening).toBe(false);
    const refused = net.connect(80, "10.0.0.2");
    const refusedCode = new Promise((resolve) => refused.on("error", (e: NodeJS.ErrnoException) => resolve(e.code)));
    expect(await drive(p.clock, refusedCode)).toBe("ECONNREFUSED");
    await pass(p.clock, 100);
    expect(closed).toBe(false); // one connection is still open
    a.end();
    peers[0].resume();
    await pass(p.clock, 200);
    expect(closed).toBe(true);
    const notRunning = new Promise((resolve) => server.close((e) => resolve((e as NodeJS.ErrnoException).code)));
    expect(await notRunning).toBe("ERR_SERVER_NOT_RUNNING");
  });

  it("maxConnections: one past it is reset and reported by 'drop'; a taken port is an 'error' event", async () => {
    const p = stackPair();
    const server = nodeNet(p.server).createServer((socket) => socket.resume());
    server.maxConnections = 1;
    const drops: unknown[] = [];
    server.on("drop", (d) => drops.push(d));
    server.listen(80);
    const net = nodeNet(p.client);
    const a = net.connect(80, "10.0.0.2");
    await drive(p.clock, once(a, "connect"));
    await pass(p.clock, 20);
    const b = net.connect(80, "10.0.0.2");
    const bError = new Promise((resolve) => b.on("error", (e: NodeJS.ErrnoException) => resolve(e.code)));
    b.resume();
    expect(await drive(p.clock, bError)).toBe("ECONNRESET");
    expect(drops).toMatchObject([{ localPort: 80, remoteAddress: "10.0.0.1", remotePort: b.localPort }]);
    const again = nodeNet(p.server).createServer();
    const inUse = new Promise<NodeJS.ErrnoException>((resolve) => again.on("error", resolve));
    again.listen(80);
    expect((await inUse).code).toBe("EADDRINUSE");
  });
});
