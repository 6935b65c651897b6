import { Worker, MessageChannel as NodeMessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { type EndpointLink, messagePortLink } from "../../src/link/index.js";
import { idOf, ipv4Like, nextPackets } from "./packets.js";

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});

function pair(Channel: typeof MessageChannel | typeof NodeMessageChannel): [EndpointLink, EndpointLink] {
  const { port1, port2 } = new Channel();
  const links: [EndpointLink, EndpointLink] = [messagePortLink(port1), messagePortLink(port2 as MessagePort)];
  open.push(...links);
  return links;
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("messagePortLink", () => {
  for (const [name, Channel] of [
    ["the global MessageChannel", MessageChannel],
    ["worker_threads' MessageChannel", NodeMessageChannel],
  ] as const) {
    it(`carries packets both ways over ${name}`, async () => {
      const [a, b] = pair(Channel);
      const atB = nextPackets(b, 2);
      a.send(ipv4Like(1, 1500));
      a.send(ipv4Like(2, 40));
      const got = await atB;
      expect(got.map(idOf)).toEqual([1, 2]);
      expect(got[0]).toEqual(ipv4Like(1, 1500));
      const atA = nextPackets(a, 1);
      b.send(ipv4Like(3));
      expect(idOf((await atA)[0])).toBe(3);
      expect(a.counters).toMatchObject({ sent: 2, received: 1, sentBytes: 1540 });
    });
  }

  it("transfers a packet that owns its buffer, and copies one that is a view into a larger arena", async () => {
    const [a, b] = pair(MessageChannel);
    const atB = nextPackets(b, 2);
    const owned = ipv4Like(1);
    a.send(owned);
    expect(owned.byteLength).toBe(0); // detached: moved, not copied
    const arena = new Uint8Array(1 << 16);
    arena.set(ipv4Like(2), 1000);
    a.send(arena.subarray(1000, 1060));
    expect(arena.byteLength).toBe(1 << 16); // the arena stays with its owner
    const got = await atB;
    expect(got.map(idOf)).toEqual([1, 2]);
    expect(got[1].buffer.byteLength).toBe(60);
  });

  it("drops and counts messages that are not IPv4 packets", async () => {
    const { port1, port2 } = new MessageChannel();
    const b = messagePortLink(port2);
    open.push(b, port1);
    const got: number[] = [];
    b.onReceive = (p) => got.push(idOf(p));
    const version5 = new Uint8Array(40);
    version5[0] = 0x50; // neither IPv4 nor IPv6 (both pass a raw IP link)
    port1.postMessage("hello");
    port1.postMessage({ not: "bytes" });
    port1.postMessage(version5);
    port1.postMessage(new Uint8Array(10));
    port1.postMessage(ipv4Like(7).buffer); // a bare ArrayBuffer is fine
    await settle();
    expect(got).toEqual([7]);
    expect(b.counters.dropped).toMatchObject({ notBinary: 2, notIpv4: 1, short: 1 });
  });

  it("honours its MTU and stops after close", async () => {
    const { port1, port2 } = new MessageChannel();
    const a = messagePortLink(port1, { mtu: 576 });
    const b = messagePortLink(port2);
    open.push(b);
    expect(a.mtu).toBe(576);
    a.send(ipv4Like(1, 577));
    expect(a.counters.dropped.tooBig).toBe(1);
    a.close();
    a.send(ipv4Like(2));
    expect(a.counters.dropped.closed).toBe(1);
    const got: number[] = [];
    b.onReceive = (p) => got.push(idOf(p));
    b.send(ipv4Like(3)); // the channel is closed: nothing arrives, nothing throws
    await settle();
    expect(got).toEqual([]);
  });

  it("talks to a worker thread through a transferred port", async () => {
    // The worker echoes every packet back with its first payload byte incremented.
    const worker = new Worker(
      `const { parentPort } = require("node:worker_threads");
       parentPort.once("message", (port) => {
         port.on("message", (p) => { p[20]++; port.postMessage(p, [p.buffer]); });
       });`,
      { eval: true },
    );
    try {
      const { port1, port2 } = new NodeMessageChannel();
      worker.postMessage(port2, [port2]);
      const link = messagePortLink(port1);
      open.push(link);
      const back = nextPackets(link, 50);
      for (let i = 0; i < 50; i++) link.send(ipv4Like(i, 1000));
      const got = await back;
      expect(got.map(idOf)).toEqual([...Array(50).keys()]);
      got.forEach((p, i) => expect(p[20]).toBe(((i + 20) & 0xff) + 1));
    } finally {
      await worker.terminate();
    }
  });
});
