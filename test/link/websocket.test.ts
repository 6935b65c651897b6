import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import {
  type EndpointLink,
  udpTunnelLink,
  type WebSocketLike,
  webSocketLink,
  wsUdpRelay,
} from "../../src/link/node.js";
import { idOf, ipv4Like, nextPackets } from "./packets.js";
import { useCleanup } from "../helpers/cleanup.js";

// Loopback only.
const LO = "127.0.0.1";
const defer = useCleanup();

// Both the browser's WebSocket and the ws package's fit the link without a cast.
const asLike = (s: WebSocket): WebSocketLike => s;
const browserFits = (s: globalThis.WebSocket): WebSocketLike => s;
void browserFits;
const settle = () => new Promise((r) => setTimeout(r, 50));

/** A ws server on loopback; resolves its URL and the server-side link of the first client. */
async function server(): Promise<{ url: string; accepted: Promise<{ link: EndpointLink; socket: WebSocket }> }> {
  const wss = new WebSocketServer({ host: LO, port: 0 });
  await new Promise((r) => wss.once("listening", r));
  defer(() => new Promise((r) => wss.close(r)));
  const accepted = new Promise<{ link: EndpointLink; socket: WebSocket }>((resolve) =>
    wss.once("connection", (socket) => {
      defer(() => socket.terminate());
      resolve({ link: webSocketLink(asLike(socket)), socket });
    }),
  );
  return { url: `ws://${LO}:${(wss.address() as AddressInfo).port}/`, accepted };
}

function client(url: string): { link: EndpointLink; socket: WebSocket } {
  const socket = new WebSocket(url);
  defer(() => socket.terminate());
  return { link: webSocketLink(asLike(socket)), socket };
}

describe("webSocketLink over ws on 127.0.0.1", () => {
  it("carries packets both ways as binary messages, keeping those sent before the socket opened", async () => {
    const { url, accepted } = await server();
    const c = client(url);
    c.link.send(ipv4Like(1)); // still CONNECTING
    c.link.send(ipv4Like(2, 1500));
    const s = await accepted;
    const atServer = await nextPackets(s.link, 2);
    expect(atServer.map(idOf)).toEqual([1, 2]);
    expect(atServer[1]).toEqual(ipv4Like(2, 1500));
    const atClient = nextPackets(c.link, 1);
    s.link.send(ipv4Like(3));
    expect(idOf((await atClient)[0])).toBe(3);
    expect(c.link.counters).toMatchObject({ sent: 2, received: 1, sentBytes: 1560 });
  });

  it("drops and counts text messages and non-IPv4 frames", async () => {
    const { url, accepted } = await server();
    const c = client(url);
    await new Promise((r) => c.socket.once("open", r));
    const s = await accepted;
    const got: number[] = [];
    s.link.onReceive = (p) => got.push(idOf(p));
    const version5 = new Uint8Array(40);
    version5[0] = 0x50; // neither IPv4 nor IPv6 (both pass a raw IP link)
    c.socket.send("hello");
    c.socket.send(version5);
    c.socket.send(new Uint8Array(3));
    c.socket.send(ipv4Like(9));
    await settle();
    expect(got).toEqual([9]);
    expect(s.link.counters.dropped).toMatchObject({ notBinary: 1, notIpv4: 1, short: 1 });
  });

  it("bounds what it keeps before open, drops when closed, and close() closes the socket", async () => {
    const { url, accepted } = await server();
    const socket = new WebSocket(url);
    defer(() => socket.terminate());
    const link = webSocketLink(asLike(socket), { maxPending: 3 });
    for (let i = 0; i < 5; i++) link.send(ipv4Like(i));
    expect(link.counters.dropped.congested).toBe(2);
    const s = await accepted;
    expect((await nextPackets(s.link, 3)).map(idOf)).toEqual([0, 1, 2]);
    const closed = new Promise<number>((r) => s.socket.once("close", (code) => r(code)));
    link.close();
    expect(await closed).toBe(1000);
    link.send(ipv4Like(5));
    expect(link.counters.dropped.closed).toBe(1);
    // The far end's socket is closed too: its link drops instead of throwing.
    s.link.send(ipv4Like(6));
    expect(s.link.counters.dropped.closed).toBe(1);
  });
});

describe("wsUdpRelay over 127.0.0.1", () => {
  it("bridges a WebSocket client to a UDP tunnel, both ways", async () => {
    const far = await udpTunnelLink({ bind: `${LO}:0` }); // stands in for socat's end of the TUN
    defer(() => far.close());
    const relay = await wsUdpRelay({ bind: `${LO}:0`, peer: far.local });
    defer(() => relay.close());
    expect(relay.url).toBe(`ws://${LO}:${relay.port}/?token=${relay.token}`);
    const c = client(relay.url);
    const atFar = nextPackets(far, 3);
    for (let i = 0; i < 3; i++) c.link.send(ipv4Like(i, 1400));
    expect((await atFar).map(idOf)).toEqual([0, 1, 2]);
    expect(relay.clients).toBe(1);
    const atClient = nextPackets(c.link, 2);
    far.send(ipv4Like(10));
    far.send(ipv4Like(11, 1500));
    const back = await atClient;
    expect(back.map(idOf)).toEqual([10, 11]);
    expect(back[1]).toEqual(ipv4Like(11, 1500));
  });

  it("closes a client with 1011 and the reason when its tunnel cannot bind", async () => {
    const holder = await udpTunnelLink({ bind: `${LO}:0` });
    defer(() => holder.close());
    const taken = `${LO}:${holder.local.port}`;
    const relay = await wsUdpRelay({ bind: taken, peer: `${LO}:9` });
    defer(() => relay.close());
    const socket = new WebSocket(relay.url);
    defer(() => socket.terminate());
    const [code, reason] = await new Promise<[number, string]>((r) =>
      socket.once("close", (c, why) => r([c, why.toString()])),
    );
    expect(code).toBe(1011);
    expect(reason).toBe(`cannot bind UDP tunnel to ${taken}: address already in use`);
  });
});
