import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { Stack, type PingResult } from "../../src/api/index.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { drive, pass, patternBytes, sha256 } from "../api/helpers.js";

function dualPair() {
  const clock = new VirtualClock(1_700_000_000_000);
  const links = memoryLinkPair({ delay: 5, clock });
  const isnKey = new Uint8Array(16).fill(7);
  // What the client sends, as the wire carries it.
  const seen: Uint8Array[] = [];
  const send = links[0].send.bind(links[0]);
  links[0].send = (p: Uint8Array) => {
    seen.push(p.slice());
    send(p);
  };
  const client = new Stack({ address: ["10.0.0.1/24", "fd00::1/64"], link: links[0], clock, isnKey });
  const server = new Stack({ address: ["10.0.0.2/24", "fd00::2/64"], link: links[1], clock, isnKey });
  return { clock, client, server, links, seen };
}

describe("dual-stack TCP, UDP and ping", () => {
  it("connects over IPv6, moves bytes both ways, and reports addresses with their family", async () => {
    const { clock, client, server, seen } = dualPair();
    const listener = server.listen(80);
    const accepted = listener.accept();
    const c = await drive(clock, client.connect("fd00::2", 80));
    const s = await drive(clock, accepted);
    expect(c.peerAddr).toEqual({ address: "fd00::2", port: 80, family: "IPv6" });
    expect(s.peerAddr).toMatchObject({ address: "fd00::1", family: "IPv6" });
    expect(s.localAddr).toEqual({ address: "fd00::2", port: 80, family: "IPv6" });
    const data = patternBytes(200_000);
    const writing = c.write(data);
    const got: Uint8Array[] = [];
    let total = 0;
    while (total < data.length) {
      const r = await drive(clock, s.read());
      if (r.done) break;
      got.push(r.value);
      total += r.value.length;
    }
    await drive(clock, writing);
    expect(sha256(got)).toBe(sha256(data));
    // MSS for IPv6 = MTU - 60 (RFC 8200 §8.3), with the memory link's 1500.
    expect(c.info().mss).toBeLessThanOrEqual(1440);
    expect(client.counters.segmentsOut).toBeGreaterThan(100);
    // Every packet was IPv6, next header TCP, from fd00::1.
    expect(seen.every((p) => p[0] >> 4 === 6 && p[6] === 6 && p[8] === 0xfd && p[23] === 1)).toBe(true);
    expect(seen.length).toBe(client.counters.segmentsOut);
  });

  it("one listener accepts both families", async () => {
    const { clock, client, server } = dualPair();
    const listener = server.listen(8080);
    const a = listener.accept();
    const c4 = await drive(clock, client.connect("10.0.0.2", 8080));
    const s4 = await drive(clock, a);
    const b = listener.accept();
    const c6 = await drive(clock, client.connect("fd00:0:0::2", 8080));
    const s6 = await drive(clock, b);
    expect([s4.peerAddr.family, s6.peerAddr.family]).toEqual(["IPv4", "IPv6"]);
    expect([c4.peerAddr.address, c6.peerAddr.address]).toEqual(["10.0.0.2", "fd00::2"]);
  });

  it("UDP over IPv6: send, receive with the sender's address, reply", async () => {
    const { clock, client, server } = dualPair();
    const s = server.udp({ port: 53 });
    const c = client.udp();
    c.send("hello", "fd00::2", 53);
    const m = await drive(clock, s.receive());
    expect(m?.address).toBe("fd00::1");
    expect(new TextDecoder().decode(m!.data)).toBe("hello");
    s.send("back", m!.address, m!.port);
    const r = await drive(clock, c.receive());
    expect(new TextDecoder().decode(r!.data)).toBe("back");
  });

  it("a UDP socket bound to one of two addresses is named by it, sends from it, and takes datagrams to it only", async () => {
    const clock = new VirtualClock(0);
    const links = memoryLinkPair({ delay: 5, clock });
    const client = new Stack({ address: ["10.0.0.1/24", "fd00::1/64", "fd00::11/64"], link: links[0], clock });
    const server = new Stack({ address: ["10.0.0.2/24", "fd00::2/64"], link: links[1], clock });
    const c = client.udp({ address: "fd00:0::11", port: 5000 });
    expect(c.localAddr).toEqual({ address: "fd00::11", port: 5000, family: "IPv6" });
    const s = server.udp({ port: 53 });
    // Unbound, fd00::2 is reached from fd00::1 (the longer common prefix); bound, from fd00::11.
    c.send("hi", "fd00::2", 53);
    expect((await drive(clock, s.receive()))?.address).toBe("fd00::11");
    expect(() => c.send("x", "10.0.0.2", 53)).toThrow(/bound to fd00::11 cannot reach 10.0.0.2/);
    s.send("to ::1", "fd00::1", 5000);
    s.send("to ::11", "fd00::11", 5000);
    const r = await drive(clock, c.receive());
    expect(new TextDecoder().decode(r!.data)).toBe("to ::11");
    expect(client.counters.drops["udp-closed-port"]).toBe(1);
    expect([
      client.udp({ address: "::" }).localAddr.address,
      client.udp({ address: "0.0.0.0" }).localAddr.address,
    ]).toEqual(["::", "0.0.0.0"]);
  });

  it("a UDP datagram larger than the MTU leaves in IPv6 fragments and is reassembled", async () => {
    const { clock, client, server } = dualPair();
    const s = server.udp({ port: 9 });
    const c = client.udp();
    const big = patternBytes(5000);
    c.send(big, "fd00::2", 9);
    const m = await drive(clock, s.receive());
    expect(sha256(m!.data)).toBe(sha256(big));
    expect(client.counters.fragmentsOut).toBe(4);
    expect(server.counters.datagramsReassembled).toBe(1);
  });

  it("ping over IPv6 gets echo replies, and ICMPv6 port unreachable reaches a connected UDP socket", async () => {
    const { clock, client, server } = dualPair();
    const results: PingResult[] = [];
    await drive(
      clock,
      (async () => {
        for await (const r of client.ping("fd00::2", { count: 2, interval: 100 })) results.push(r);
      })(),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results[0]).toMatchObject({ address: "fd00::2", ttl: 64 });
    expect(server.counters.echoRepliesSent).toBe(2);
    const u = client.udp().connect("fd00::2", 7777);
    u.send("x");
    await pass(clock, 50);
    expect(server.counters.icmpErrorsSent).toBe(1);
    expect(() => u.send("y")).toThrow(/unreachable/i);
  });

  it("connecting to a closed IPv6 port is refused (RST from the peer)", async () => {
    const { clock, client } = dualPair();
    await expect(drive(clock, client.connect("fd00::2", 81))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("an IPv6-only stack: IPv6 works, IPv4 has no source, and IPv4 packets to 0.0.0.0 are not ours", async () => {
    const clock = new VirtualClock(0);
    const links = memoryLinkPair({ delay: 5, clock });
    const server = new Stack({ address: ["fd00::2/64"], link: links[1], clock });
    const client = new Stack({ address: ["10.0.0.1", "fd00::1/64"], link: links[0], clock });
    expect([server.address, server.addresses]).toEqual(["0.0.0.0", ["fd00::2"]]);
    const accepted = server.listen(80).accept();
    await drive(clock, client.connect("fd00::2", 80));
    expect((await drive(clock, accepted)).peerAddr.address).toBe("fd00::1");
    await expect(server.connect("10.0.0.1", 80)).rejects.toThrow(TypeError);
    expect(() => server.udp().send("x", "10.0.0.1", 9)).toThrow(TypeError);
    client.udp().send("x", "0.0.0.0", 9);
    await pass(clock, 20);
    expect(server.counters.drops["wrong-address"]).toBe(1);
  });
});
