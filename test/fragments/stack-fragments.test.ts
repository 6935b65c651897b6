import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { fragmentPacket } from "../../src/fragments/fragmenter.js";
import type { Link } from "../../src/link/link.js";
import { Stack } from "../../src/api/stack.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import { buildPacket, parseIpv4, parsePacket } from "../../src/wire/index.js";
import { TcpFlags } from "../../src/wire/types.js";
import { key } from "../stack/harness.js";
import { datagram, piece, pieces } from "./fragment-fixtures.js";

const ME = parseIpv4("10.0.0.2");
const PEER = parseIpv4("10.0.0.1");

function rig(mtu = 1500) {
  const clock = new VirtualClock(0);
  const sent: Uint8Array[] = [];
  const link: Link = { mtu, send: (p) => sent.push(p), onReceive: null, close() {} };
  const stack = new IpStack({ address: "10.0.0.2", link, clock, isnKey: key(3) });
  return { clock, stack, link, sent };
}

describe("the stack and IPv4 fragments", () => {
  it("a SYN cut into 8-byte fragments, out of order, reaches the listener as one segment", () => {
    const r = rig();
    r.stack.listen(80);
    const syn = buildPacket({
      src: PEER,
      dst: ME,
      srcPort: 40000,
      dstPort: 80,
      seq: 1000,
      flags: TcpFlags.SYN,
      window: 65535,
      options: { mss: 1460, sackPermitted: true, windowScale: 7 },
      dontFragment: false,
      id: 77,
    });
    const fs = pieces(syn, 8);
    expect(fs.length).toBe(4);
    for (const f of fs.reverse()) r.link.onReceive?.(Uint8Array.from([...f.header, ...f.data]));
    expect(r.stack.counters.fragmentsIn).toBe(fs.length);
    expect(r.stack.counters.packetsIn).toBe(fs.length); // the reassembled datagram is no packet from the link
    expect(r.stack.counters.datagramsReassembled).toBe(1);
    const reply = parsePacket(r.sent[0]);
    expect(reply.ok && reply.tcp.flags).toBe(TcpFlags.SYN | TcpFlags.ACK);
    expect(reply.ok && reply.tcp.ack).toBe(1001);
  });

  it("fragments for another address are dropped before reassembly holds anything", () => {
    const r = rig();
    const other = datagram(100, 1);
    other.set([10, 0, 0, 9], 16);
    other[10] = 0;
    other[11] = 0;
    const [first] = fragmentPacket(Uint8Array.from(other), 68);
    r.link.onReceive?.(first);
    expect(r.stack.counters.fragmentsIn).toBe(0);
  });

  it("sendPacket fragments a datagram over the MTU with DF clear, and drops one with DF set", () => {
    const r = rig(576);
    const whole = datagram(2000, 9);
    r.stack.sendPacket(whole);
    expect(r.sent.map((p) => p.length)).toEqual([572, 572, 572, 364]);
    expect(r.stack.counters.datagramsFragmented).toBe(1);
    expect(r.stack.counters.fragmentsOut).toBe(4);
    const df = datagram(2000, 10);
    df[6] |= 0x40;
    r.stack.sendPacket(df);
    expect(r.sent).toHaveLength(4);
    expect(r.stack.counters.drops["fragmentation-needed"]).toBe(1);
  });

  it("a fragment flood to the stack keeps memory bounded and times out to nothing", () => {
    const r = rig();
    for (let id = 0; id < 3000; id++) {
      const f = piece(datagram(1400, id, id, PEER + (id % 1000)), 0, 992);
      r.link.onReceive?.(Uint8Array.from([...f.header, ...f.data]));
    }
    const c = r.stack.counters;
    expect(c.fragmentsIn).toBe(3000);
    expect(c.drops["fragment-datagrams"]).toBe(3000 - 256);
    r.clock.advance(30_000);
    expect(c.drops["fragment-timeout"]).toBe(256);
  });
});

describe("the typestate Stack passes the reassembly bounds and says the path MTU", () => {
  it("reassembly: { maxDatagrams: 1 } refuses a second pending datagram; pathMtu is the link's", async () => {
    const clock = new VirtualClock(0);
    const link: Link = { mtu: 1400, send() {}, onReceive: null, close() {} };
    await using stack = new Stack({ address: "10.0.0.2", link, clock, reassembly: { maxDatagrams: 1 } });
    for (const id of [1, 2]) {
      const f = piece(datagram(64, id), 0, 32);
      link.onReceive?.(Uint8Array.from([...f.header, ...f.data]));
    }
    expect(stack.counters.drops["fragment-datagrams"]).toBe(1);
    expect(stack.pathMtu("10.0.0.1")).toBe(1400);
  });
});
