import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { LinkSetupError, type UdpTunnelLink, udpTunnelLink } from "../../src/link/node.js";
import { idOf, ipv4Like, nextPackets } from "./packets.js";

// Loopback only: these tests never send to any other address.
const LO = "127.0.0.1";
const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});

async function tunnel(options: Parameters<typeof udpTunnelLink>[0]): Promise<UdpTunnelLink> {
  const link = await udpTunnelLink(options);
  open.push(link);
  return link;
}

/** Sends raw datagrams from a throwaway socket, returns its port. */
async function rawSend(to: number, datagrams: Uint8Array[]): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, LO, r));
  for (const d of datagrams) await new Promise<void>((r) => s.send(d, to, LO, () => r()));
  const port = s.address().port;
  s.close();
  return port;
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe("udpTunnelLink over 127.0.0.1", () => {
  it("carries packets both ways, one per datagram, byte for byte", async () => {
    const a = await tunnel({ bind: `${LO}:0` });
    const b = await tunnel({ bind: { address: LO, port: 0 }, peer: a.local });
    expect(a.local.port).toBeGreaterThan(0);
    expect(a.peer).toBeNull();
    const atA = nextPackets(a, 3);
    const sizes = [20, 1500, 600];
    sizes.forEach((size, i) => b.send(ipv4Like(i, size)));
    const gotA = await atA;
    expect(gotA.map(idOf)).toEqual([0, 1, 2]);
    gotA.forEach((p, i) => expect(p).toEqual(ipv4Like(i, sizes[i])));
    expect(Buffer.isBuffer(gotA[0])).toBe(false); // a plain Uint8Array: slice() copies, as the stack expects
    // a learned its peer from the first datagram and answers it.
    expect(a.peer).toEqual(b.local);
    const atB = nextPackets(b, 1);
    a.send(ipv4Like(99));
    expect(idOf((await atB)[0])).toBe(99);
    expect(a.counters).toMatchObject({ received: 3, sent: 1, receivedBytes: 2120 });
    expect(b.counters).toMatchObject({ received: 1, sent: 3, sentBytes: 2120 });
  });

  it("drops and counts short and non-IPv4 datagrams, and datagrams from a stranger", async () => {
    const a = await tunnel({ bind: `${LO}:0` });
    const b = await tunnel({ bind: `${LO}:0`, peer: a.local });
    const learned = nextPackets(a, 1);
    b.send(ipv4Like(0)); // so that a learns b
    await learned;
    const version5 = new Uint8Array(60);
    version5[0] = 0x50; // neither IPv4 nor IPv6 (both pass a raw IP link)
    const junk = [version5, new Uint8Array([0x45, 0, 0, 19]), new TextEncoder().encode("hello")];
    // To b, whose peer is fixed, anything from elsewhere is a stranger's, even a good packet.
    await rawSend(b.local.port, [...junk, ipv4Like(1)]);
    // To a, which learns its peer, junk is screened out and does not change the peer.
    await rawSend(a.local.port, junk);
    const atA: number[] = [];
    const atB: number[] = [];
    a.onReceive = (p) => atA.push(idOf(p));
    b.onReceive = (p) => atB.push(idOf(p));
    a.send(ipv4Like(2));
    await settle();
    expect(atB).toEqual([2]);
    expect(atA).toEqual([]);
    expect(b.counters.dropped).toMatchObject({ wrongPeer: 4, notIpv4: 0, short: 0 });
    expect(a.counters.dropped).toMatchObject({ wrongPeer: 0, notIpv4: 1, short: 2 });
    expect(a.peer).toEqual(b.local);
  });

  it("refuses to send what exceeds the MTU, before a peer is known, or after close", async () => {
    const a = await tunnel({ bind: `${LO}:0`, mtu: 576 });
    a.send(ipv4Like(1, 100));
    expect(a.counters.dropped.noPeer).toBe(1);
    const b = await tunnel({ bind: `${LO}:0`, peer: a.local, mtu: 576 });
    b.send(ipv4Like(2, 577));
    expect(b.counters.dropped.tooBig).toBe(1);
    b.close();
    b.send(ipv4Like(3));
    expect(b.counters.dropped.closed).toBe(1);
    expect(b.counters.sent).toBe(0);
    b.close();
  });

  it("fails with one clear LinkSetupError when it cannot bind", async () => {
    const a = await tunnel({ bind: `${LO}:0` });
    const taken = `${LO}:${a.local.port}`;
    await expect(udpTunnelLink({ bind: taken })).rejects.toThrow(
      new LinkSetupError(`cannot bind UDP tunnel to ${taken}: address already in use`),
    );
    await expect(udpTunnelLink({ bind: "localhost:9000" })).rejects.toThrow(
      /bad bind endpoint "localhost:9000": expected IPv4ADDRESS:PORT/,
    );
    await expect(udpTunnelLink({ bind: `${LO}:70000` })).rejects.toBeInstanceOf(LinkSetupError);
    await expect(udpTunnelLink({ bind: `${LO}:0`, peer: `${LO}:0` })).rejects.toThrow(/port 0 is not a destination/);
    // 192.0.2.0/24 is TEST-NET-1: never assigned here, so the kernel refuses the bind (nothing is sent).
    await expect(udpTunnelLink({ bind: "192.0.2.1:0" })).rejects.toThrow(
      "cannot bind UDP tunnel to 192.0.2.1:0: address not available on this machine",
    );
  });

  it("moves a burst of 2000 full-size packets on loopback with few losses", async () => {
    const a = await tunnel({ bind: `${LO}:0` });
    const b = await tunnel({ bind: `${LO}:0`, peer: a.local });
    let got = 0;
    a.onReceive = () => got++;
    for (let i = 0; i < 2000; i++) {
      b.send(ipv4Like(i, 1500));
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    await settle();
    // UDP may drop under load; a tunnel that loses a tenth of a paced burst on loopback is broken.
    expect(got).toBeGreaterThan(1800);
    expect(a.counters.received).toBe(got);
  });
});
