/**
 * Who gets into wsUdpRelay, and how much a client may do once in (issue 21): real `ws` clients on
 * 127.0.0.1 with a foreign Origin, no token, a wrong token and the right one; a frame over the MTU, a
 * flood of small frames and one client too many, each refused as stated while a good client keeps its
 * packets flowing both ways.
 */
import { connect as tcpConnect, type Socket } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { type ClientOptions, WebSocket } from "ws";
import {
  type EndpointLink,
  LinkSetupError,
  relayTokenProtocol,
  type UdpTunnelLink,
  udpTunnelLink,
  webSocketLink,
  type WsUdpRelay,
  type WsUdpRelayOptions,
  wsUdpRelay,
} from "../../src/link/node.js";
import { idOf, ipv4Like, nextPackets } from "./packets.js";
import { useCleanup } from "../helpers/cleanup.js";

const LO = "127.0.0.1";
const defer = useCleanup();

/** A relay bridged to a UDP endpoint standing in for socat's end of the TUN. */
async function relayTo(options: Partial<WsUdpRelayOptions> = {}): Promise<{ relay: WsUdpRelay; far: UdpTunnelLink }> {
  const far = await udpTunnelLink({ bind: `${LO}:0` });
  defer(() => far.close());
  const relay = await wsUdpRelay({ bind: `${LO}:0`, peer: far.local, ...options });
  defer(() => relay.close());
  return { relay, far };
}

type Outcome = { opened: WebSocket } | { status: number; body: string };

/** Opens a WebSocket, resolving with it once open or with the HTTP status and body the relay refused it with. */
function attempt(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<Outcome> {
  const { protocols, ...rest } = options;
  const socket = new WebSocket(url, protocols ?? [], rest);
  defer(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve({ opened: socket }));
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.once("error", reject);
  });
}

async function opened(url: string, options?: ClientOptions & { protocols?: string[] }): Promise<WebSocket> {
  const outcome = await attempt(url, options);
  if (!("opened" in outcome)) throw new Error(`refused: ${outcome.status} ${outcome.body}`);
  return outcome.opened;
}

/** The relay's URL with its token replaced (or removed, for null). */
function withToken(relay: WsUdpRelay, token: string | null): string {
  const url = new URL(relay.url);
  if (token === null) url.searchParams.delete("token");
  else url.searchParams.set("token", token);
  return url.href;
}

/** Sends `count` packets from a client link and checks they all reach `far`, then one back. */
async function roundTrip(link: EndpointLink, far: UdpTunnelLink, firstId: number, count = 5): Promise<void> {
  const atFar = nextPackets(far, count);
  for (let i = 0; i < count; i++) link.send(ipv4Like(firstId + i, 1400));
  expect((await atFar).map(idOf)).toEqual(Array.from({ length: count }, (_, i) => firstId + i));
  const back = nextPackets(link, 1);
  far.send(ipv4Like(firstId + 1000));
  expect(idOf((await back)[0])).toBe(firstId + 1000);
}

describe("wsUdpRelay: origins and tokens", () => {
  it("refuses a foreign Origin with 403 before the WebSocket opens, even with the right token", async () => {
    const { relay, far } = await relayTo();
    let reached = 0;
    far.onReceive = () => reached++;
    const outcome = await attempt(relay.url, { origin: "https://evil.example" });
    expect(outcome).toEqual({ status: 403, body: "origin https://evil.example is not allowed (allowedOrigins)\n" });
    expect(relay.counters.refused).toEqual({ origin: 1, token: 0, full: 0, notWebSocket: 0 });
    expect(relay.counters.accepted).toBe(0);
    expect(relay.clients).toBe(0);
    expect(reached).toBe(0);
  });

  it("lets in the origins it lists, or that its function allows, and clients that send no Origin", async () => {
    const listed = (await relayTo({ allowedOrigins: ["http://localhost:5173"] })).relay;
    await opened(listed.url, { origin: "http://localhost:5173" });
    await opened(listed.url);
    expect(await attempt(listed.url, { origin: "http://localhost:5174" })).toMatchObject({ status: 403 });
    const judged = (await relayTo({ allowedOrigins: (o) => o.endsWith(".test.example") })).relay;
    await opened(judged.url, { origin: "https://a.test.example" });
    expect(await attempt(judged.url, { origin: "https://a.test.example.evil" })).toMatchObject({ status: 403 });
    expect(listed.counters).toMatchObject({ accepted: 2, refused: { origin: 1 } });
    expect(judged.counters).toMatchObject({ accepted: 1, refused: { origin: 1 } });
  });

  it("refuses no token and wrong tokens with 401, and opens for the right one in the URL or a subprotocol", async () => {
    const { relay, far } = await relayTo();
    expect(relay.url).toBe(`ws://${LO}:${relay.port}/?token=${relay.token}`);
    const refused = { status: 401, body: expect.stringContaining("this relay needs its token") };
    expect(await attempt(withToken(relay, null))).toEqual(refused);
    expect(await attempt(withToken(relay, "A".repeat(relay.token.length)))).toEqual(refused);
    expect(await attempt(withToken(relay, relay.token.slice(0, -1)))).toEqual(refused);
    expect(await attempt(withToken(relay, null), { protocols: [relayTokenProtocol("x".repeat(43))] })).toEqual(refused);
    expect(relay.counters.refused.token).toBe(4);
    expect(relay.counters.accepted).toBe(0);

    const byUrl = await opened(relay.url);
    await roundTrip(webSocketLink(byUrl), far, 1);
    byUrl.close();
    const byProtocol = await opened(withToken(relay, null), { protocols: [relayTokenProtocol(relay.token)] });
    expect(byProtocol.protocol).toBe(relayTokenProtocol(relay.token));
    await roundTrip(webSocketLink(byProtocol), far, 100);
    expect(relay.counters.accepted).toBe(2);
  });

  it("makes a fresh 256-bit token per relay unless given one; refuses weak tokens, non-origins, bad limits", async () => {
    const [a, b] = [(await relayTo()).relay, (await relayTo()).relay];
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes in base64url
    expect(a.token).not.toBe(b.token);
    const chosen = "s3cret-s3cret-s3cret-s3cret";
    expect((await relayTo({ token: chosen })).relay.url).toMatch(new RegExp(`\\?token=${chosen}$`));
    await expect(relayTo({ token: "short" })).rejects.toThrow(LinkSetupError);
    await expect(relayTo({ token: `${"x".repeat(30)}?&` })).rejects.toThrow(/at least 22 characters/);
    await expect(relayTo({ allowedOrigins: ["http://localhost:8080/"] })).rejects.toThrow(/is not an origin/);
    await expect(relayTo({ allowedOrigins: ["null"] })).rejects.toThrow(LinkSetupError);
    await expect(relayTo({ maxClients: 0 })).rejects.toThrow(RangeError);
    await expect(relayTo({ mtu: 67 })).rejects.toThrow("mtu must be an integer in 68..65535, got 67");
    await expect(relayTo({ maxFramesPerSecond: 0.5 })).rejects.toThrow(RangeError);
  });

  it("answers a plain HTTP request with 426, counted", async () => {
    const { relay } = await relayTo();
    const response = await fetch(`http://${LO}:${relay.port}/?token=${relay.token}`);
    expect(response.status).toBe(426);
    expect(relay.counters.refused.notWebSocket).toBe(1);
  });

  it("warns, once, when it listens on an address other machines reach", async () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    defer(() => warn.mockRestore());
    await relayTo({ host: LO });
    expect(warn).not.toHaveBeenCalled();
    // Listening only: the test connects to nothing but 127.0.0.1.
    const { relay, far } = await relayTo({ host: "0.0.0.0" });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^wsUdpRelay listens on 0\.0\.0\.0, which other machines can reach/);
    expect(warn.mock.calls[0][1]).toMatchObject({ code: "WIRESTATE_EXPOSED" });
    const socket = await opened(`ws://${LO}:${relay.port}/?token=${relay.token}`);
    await roundTrip(webSocketLink(socket), far, 1);
  });
});

/** A raw TCP connection sending an upgrade request: the socket, the response's first bytes, the hang-up. */
async function rawUpgrade(
  relay: WsUdpRelay,
  extra = "",
  token = relay.token,
): Promise<{ socket: Socket; head: string; ended: Promise<boolean> }> {
  const socket = tcpConnect(relay.port, LO);
  defer(() => socket.destroy());
  // True once the relay ends the connection; false if it is still open 2 s after connecting.
  const ended = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 2_000);
    socket.once("end", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.write(
    `GET /?token=${token} HTTP/1.1\r\nHost: ${LO}:${relay.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
  );
  const head = await new Promise<string>((resolve) => socket.once("data", (d: Buffer) => resolve(d.toString())));
  return { socket, head, ended };
}

/** A raw client past the relay's upgrade, for frames the ws client will not send. */
async function rawClient(relay: WsUdpRelay): Promise<Socket> {
  const { socket, head } = await rawUpgrade(relay);
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return socket;
}

/** The code of the first close frame the server sends on `socket` (server frames are unmasked). */
function closeCode(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      const at = seen.indexOf(0x88);
      if (at >= 0 && seen.length >= at + 4) resolve(seen.readUInt16BE(at + 2));
    });
  });
}

describe("wsUdpRelay: limits", () => {
  it("closes a client with 1009 for a frame over the MTU and keeps serving the good one", async () => {
    const { relay, far } = await relayTo({ mtu: 1500 });
    const good = webSocketLink(await opened(relay.url));
    const bad = await opened(relay.url);
    const closed = new Promise<number>((r) => bad.once("close", (code) => r(code)));
    bad.send(ipv4Like(7, 1501));
    expect(await closed).toBe(1009);
    expect(relay.counters.closed).toEqual({ tooBig: 1, protocolError: 0 });
    await roundTrip(good, far, 1);
    // The MTU itself still fits.
    const atFar = nextPackets(far, 1);
    good.send(ipv4Like(9, 1500));
    expect((await atFar)[0].length).toBe(1500);
    expect(relay.clients).toBe(1);
  });

  it("refuses a frame by its announced length, before buffering its payload: memory stays bounded", async () => {
    const { relay } = await relayTo({ mtu: 1500 });
    const socket = await rawClient(relay);
    const code = closeCode(socket);
    const before = process.memoryUsage().arrayBuffers;
    // FIN + binary, masked, 64-bit length 64 MiB, mask key 0; then payload until the relay answers.
    const header = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0]);
    socket.write(header);
    const chunk = Buffer.alloc(64 << 10, 0x45);
    let answered = false;
    void code.then(() => (answered = true));
    for (let sent = 0; sent < 16 << 20 && !answered; sent += chunk.length) {
      if (!socket.write(chunk)) await Promise.race([new Promise((r) => socket.once("drain", r)), code]);
    }
    const timeout = new Promise<string>((r) => setTimeout(() => r("no close frame within 2 s"), 2_000).unref());
    const usedBeforeClose = process.memoryUsage().arrayBuffers - before;
    expect(await Promise.race([code, timeout])).toBe(1009);
    // ws's default (100 MiB) would have taken the 16 MiB in; the MTU limit closes at the header.
    expect(usedBeforeClose).toBeLessThan(4 << 20);
    expect(relay.counters.closed.tooBig).toBe(1);
  });

  it("drops a flooding client's frames over its rate, counted, while the good client's all arrive", async () => {
    const rate = 200;
    const { relay, far } = await relayTo({ maxFramesPerSecond: rate });
    const good = webSocketLink(await opened(relay.url));
    const flooder = await opened(relay.url);
    const floodIds = new Set<number>();
    let goodIds = 0;
    far.onReceive = (p) => (idOf(p) >= 100_000 ? floodIds.add(idOf(p)) : goodIds++);
    const flood = 20_000;
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < flood; i++) {
      flooder.send(ipv4Like(100_000 + i, 20));
      if (flooder.bufferedAmount > 1 << 20) await new Promise((r) => setTimeout(r, 1));
    }
    // Every flood frame is accounted for: forwarded or dropped.
    await expect.poll(() => floodIds.size + relay.counters.dropped.rateLimited, { timeout: 20_000 }).toBe(flood);
    const seconds = (performance.now() - started) / 1000;
    expect(floodIds.size).toBeLessThanOrEqual(Math.ceil(rate + rate * seconds) + 1);
    expect(relay.counters.dropped.rateLimited).toBeGreaterThanOrEqual(flood - Math.ceil(rate + rate * seconds) - 1);
    for (let i = 0; i < 50; i++) good.send(ipv4Like(i, 1400));
    await expect.poll(() => goodIds, { timeout: 5_000 }).toBe(50);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 << 20);
    expect(relay.clients).toBe(2);
  });

  it("refuses the client over maxClients with 503, serves those it has, and takes one when a slot frees", async () => {
    const { relay, far } = await relayTo({ maxClients: 2 });
    const first = await opened(relay.url);
    const second = webSocketLink(await opened(relay.url));
    for (let i = 0; i < 3; i++) {
      expect(await attempt(relay.url)).toEqual({ status: 503, body: "relay full: 2 clients connected (maxClients)\n" });
    }
    expect(relay.counters).toMatchObject({ accepted: 2, refused: { full: 3 } });
    expect(relay.clients).toBe(2);
    await roundTrip(second, far, 1);
    const gone = new Promise((r) => first.once("close", r));
    first.close();
    await gone;
    await expect.poll(() => relay.clients).toBe(1);
    await roundTrip(webSocketLink(await opened(relay.url)), far, 100);
    expect(relay.counters.accepted).toBe(3);
  });

  it("hangs up on every refused upgrade by itself, so refused clients hold nothing", async () => {
    const { relay } = await relayTo({ maxClients: 1 });
    await opened(relay.url);
    const refusals = [
      await rawUpgrade(relay, "Origin: https://evil.example\r\n"),
      await rawUpgrade(relay, "", "wrong"),
      await rawUpgrade(relay),
    ];
    expect(refusals.map((r) => r.head.slice(0, 12))).toEqual(["HTTP/1.1 403", "HTTP/1.1 401", "HTTP/1.1 503"]);
    expect(await Promise.all(refusals.map((r) => r.ended))).toEqual([true, true, true]);
    expect(relay.counters.refused).toEqual({ origin: 1, token: 1, full: 1, notWebSocket: 0 });
    expect(relay.clients).toBe(1);
  });

  it("states its defaults: 4 clients, frames up to 1500 bytes, a burst of 5000 frames passes", async () => {
    const { relay } = await relayTo();
    const clients: WebSocket[] = [];
    for (let i = 0; i < 4; i++) clients.push(await opened(relay.url));
    expect(await attempt(relay.url)).toMatchObject({ status: 503 });
    for (let i = 0; i < 5000; i++) clients[0].send(ipv4Like(i, 20));
    clients[1].send(ipv4Like(1, 1500));
    const closed = new Promise<number>((r) => clients[2].once("close", (code) => r(code)));
    clients[2].send(ipv4Like(2, 1501));
    expect(await closed).toBe(1009);
    expect(relay.counters.closed.tooBig).toBe(1);
    expect(relay.counters.dropped.rateLimited).toBe(0);
  });
});
