import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import { AddressInUseError } from "../../src/tcp/errors.js";
import { buildPacket, parseIpv4 } from "../../src/wire/index.js";
import { TcpFlags, type PacketFields } from "../../src/wire/types.js";
import { key, recordingLink } from "./harness.js";

const { SYN, ACK, RST, FIN } = TcpFlags;
const ME = parseIpv4("10.0.0.2");
const PEER = parseIpv4("10.0.0.1");

/** A stack on a fake link: we inject packets and read what it sends. */
function rig(tcp = {}) {
  const clock = new VirtualClock(0);
  const { link, out } = recordingLink();
  const stack = new IpStack({ address: "10.0.0.2", link, clock, tcp, isnKey: key(3) });
  const inject = (f: Partial<PacketFields> & { flags: number; seq: number }) =>
    link.onReceive!(buildPacket({ src: PEER, dst: ME, srcPort: 40000, dstPort: 80, window: 65535, ...f }));
  const take = () =>
    out.splice(0).map((p) => ({ flags: p.tcp.flags, seq: p.tcp.seq, ack: p.tcp.ack, dstPort: p.tcp.dstPort }));
  return { clock, stack, inject, take, out };
}

describe("IpStack: CLOSED and LISTEN (RFC 9293 §3.10.7.1-2)", () => {
  it("a SYN to a closed port gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>", () => {
    const r = rig();
    r.inject({ flags: SYN, seq: 777 });
    expect(r.take()).toEqual([{ flags: RST | ACK, seq: 0, ack: 778, dstPort: 40000 }]);
    expect(r.stack.counters.resetsSent).toBe(1);
    expect(r.stack.counters.drops["closed-port"]).toBe(1);
  });

  it("an ACK to a closed port gets <SEQ=SEG.ACK><CTL=RST>; an RST gets nothing", () => {
    const r = rig();
    r.inject({ flags: ACK, seq: 5, ack: 999, payload: new Uint8Array(3) });
    expect(r.take()).toEqual([{ flags: RST, seq: 999, ack: 0, dstPort: 40000 }]);
    r.inject({ flags: RST, seq: 5 });
    expect(r.take()).toEqual([]);
  });

  it("a FIN with data to a closed port: ACK = SEG.SEQ + data + FIN", () => {
    const r = rig();
    r.inject({ flags: FIN, seq: 100, payload: new Uint8Array(10) });
    expect(r.take()).toEqual([{ flags: RST | ACK, seq: 0, ack: 111, dstPort: 40000 }]);
  });

  it("LISTEN: an ACK gets <SEQ=SEG.ACK><CTL=RST>, an RST is ignored, a SYN gets SYN,ACK", () => {
    const r = rig();
    r.stack.listen(80);
    r.inject({ flags: ACK, seq: 1, ack: 4242 });
    expect(r.take()).toEqual([{ flags: RST, seq: 4242, ack: 0, dstPort: 40000 }]);
    r.inject({ flags: RST, seq: 1 });
    expect(r.take()).toEqual([]);
    r.inject({ flags: SYN, seq: 1000, options: { mss: 1000 } });
    const [synAck] = r.out.splice(0);
    expect(synAck.tcp.flags).toBe(SYN | ACK);
    expect(synAck.tcp.ack).toBe(1001);
    expect(synAck.tcp.options.mss).toBe(1460);
  });

  it("the SYN queue and the accept queue are bounded apart: cookies past one, refusal past the other", () => {
    const r = rig();
    const l = r.stack.listen(80, { backlog: 1, synBacklog: 2 });
    for (let i = 0; i < 3; i++) r.inject({ flags: SYN, seq: 1000, srcPort: 40000 + i });
    const synAcks = r.out.splice(0);
    expect(synAcks.map((p) => p.tcp.flags)).toEqual([SYN | ACK, SYN | ACK, SYN | ACK]);
    // Two half-open TCBs; the third SYN got a cookie and left nothing behind.
    expect(r.stack.connectionCount).toBe(2);
    expect(r.stack.counters.synCookiesSent).toBe(1);
    // Both stateful handshakes complete: the first fills the accept queue, the second is refused with RST.
    for (let i = 0; i < 2; i++) {
      r.inject({ flags: ACK, seq: 1001, ack: (synAcks[i].tcp.seq + 1) >>> 0, srcPort: 40000 + i });
    }
    expect(l.backlogLength).toBe(1);
    expect(r.stack.counters.acceptQueueOverflows).toBe(1);
    expect(r.take()).toEqual([{ flags: RST, seq: (synAcks[1].tcp.seq + 1) >>> 0, ack: 0, dstPort: 40001 }]);
    // With the accept queue full a SYN is dropped, and so is the cookie's ACK (the peer retries both).
    r.inject({ flags: SYN, seq: 1000, srcPort: 40005 });
    r.inject({ flags: ACK, seq: 1001, ack: (synAcks[2].tcp.seq + 1) >>> 0, srcPort: 40002 });
    expect(r.take()).toEqual([]);
    expect(r.stack.counters.drops["backlog-full"]).toBe(2);
    // Once accepted, the cookie's ACK makes its connection.
    expect(l.accept()).not.toBeNull();
    r.inject({ flags: ACK, seq: 1001, ack: (synAcks[2].tcp.seq + 1) >>> 0, srcPort: 40002 });
    expect(r.stack.counters.synCookiesAccepted).toBe(1);
    expect(l.backlogLength).toBe(1);
  });

  it("a full SYN queue gives up its oldest half-open entry once that one's SYN-ACK went unanswered", () => {
    const r = rig();
    r.stack.listen(80, { synBacklog: 2 });
    r.inject({ flags: SYN, seq: 1000, srcPort: 40000 });
    r.clock.advance(500);
    r.inject({ flags: SYN, seq: 1000, srcPort: 40001 });
    // Young entries are kept: the third SYN gets a cookie.
    r.inject({ flags: SYN, seq: 1000, srcPort: 40002 });
    expect(r.stack.counters.synCookiesSent).toBe(1);
    // 40000's SYN-ACK is retransmitted at 1 s; then it is the one given up for a new SYN.
    r.clock.advance(600);
    r.out.length = 0;
    r.inject({ flags: SYN, seq: 1000, srcPort: 40003 });
    expect(r.stack.counters.synQueuePruned).toBe(1);
    expect(r.stack.counters.synCookiesSent).toBe(1);
    expect(r.stack.connectionCount).toBe(2);
    // The given-up entry is gone without an RST (its source is likely spoofed): its ACK now meets LISTEN.
    expect(r.take().map((p) => [p.flags, p.dstPort])).toEqual([[SYN | ACK, 40003]]);
  });

  it("completed handshakes wait for accept(); onConnection fires; close() RSTs them", () => {
    const r = rig();
    const l = r.stack.listen(80);
    let ready = 0;
    l.onConnection = () => void ready++;
    r.inject({ flags: SYN, seq: 1000 });
    const synAck = r.out.splice(0)[0];
    r.inject({ flags: ACK, seq: 1001, ack: (synAck.tcp.seq + 1) >>> 0 });
    expect(ready).toBe(1);
    expect(l.backlogLength).toBe(1);
    l.close();
    expect(r.take()).toEqual([{ flags: RST, seq: (synAck.tcp.seq + 1) >>> 0, ack: 0, dstPort: 40000 }]);
    expect(l.accept()).toBeNull();
    expect(r.stack.connectionCount).toBe(0);
    // The port is closed again.
    r.inject({ flags: SYN, seq: 1 });
    expect(r.take()[0].flags).toBe(RST | ACK);
  });

  it("listening twice on a port, or connecting on a used 4-tuple, is AddressInUseError", () => {
    const r = rig();
    r.stack.listen(80);
    expect(() => r.stack.listen(80)).toThrow(AddressInUseError);
    r.stack.connect("10.0.0.1", 9, { localPort: 1234 });
    expect(() => r.stack.connect("10.0.0.1", 9, { localPort: 1234 })).toThrow(AddressInUseError);
    expect(() => r.stack.connect("10.0.0.1", 0)).toThrow(RangeError);
    expect(() => r.stack.connect("not an address", 80)).toThrow(TypeError);
  });

  it("counts checksum errors, packets for other addresses and non-TCP packets, and never throws", () => {
    const r = rig();
    const good = buildPacket({ src: PEER, dst: ME, srcPort: 1, dstPort: 80, seq: 1, flags: SYN, window: 0 });
    const bad = good.slice();
    bad[bad.length - 1] ^= 0x40;
    r.stack.input(bad);
    expect(r.stack.counters.checksumErrors).toBe(1);
    r.stack.input(buildPacket({ src: PEER, dst: PEER, srcPort: 1, dstPort: 80, seq: 1, flags: SYN, window: 0 }));
    expect(r.stack.counters.drops["wrong-address"]).toBe(1);
    const udp = good.slice();
    udp[9] = 17;
    r.stack.input(udp);
    r.stack.input(new Uint8Array(0));
    r.stack.input(new Uint8Array(7));
    expect(r.stack.counters.packetsIn).toBe(5);
    expect(r.take()).toEqual([]);
  });

  it("ephemeral ports are distinct per destination and stay in 49152-65535", () => {
    const r = rig();
    const ports = new Set<number>();
    for (let i = 0; i < 50; i++) ports.add(r.stack.connect("10.0.0.1", 80).localPort);
    expect(ports.size).toBe(50);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(49152);
  });

  it("a new SYN above the old sequence space ends TIME-WAIT and opens a new connection", () => {
    const r = rig({ msl: 60_000 });
    const l = r.stack.listen(80);
    r.inject({ flags: SYN, seq: 1000 });
    const iss = r.out.splice(0)[0].tcp.seq;
    r.inject({ flags: ACK, seq: 1001, ack: (iss + 1) >>> 0 });
    const conn = l.accept()!;
    conn.shutdown();
    r.inject({ flags: FIN | ACK, seq: 1001, ack: (iss + 2) >>> 0 });
    expect(conn.state).toBe("TIME-WAIT");
    r.take();
    r.inject({ flags: SYN, seq: 50_000 });
    expect(conn.state).toBe("CLOSED");
    const [synAck] = r.take();
    expect(synAck.flags).toBe(SYN | ACK);
    expect(synAck.ack).toBe(50_001);
  });

  it("close() aborts every connection and detaches from the link", () => {
    const r = rig();
    const c = r.stack.connect("10.0.0.1", 80);
    r.take();
    r.stack.close();
    expect(c.state).toBe("CLOSED");
    expect(r.stack.link.onReceive).toBeNull();
    r.stack.input(buildPacket({ src: PEER, dst: ME, srcPort: 1, dstPort: 80, seq: 1, flags: SYN, window: 0 }));
    expect(r.stack.counters.drops["stack-closed"]).toBe(1);
    expect(r.take()).toEqual([]);
  });
});
