/** RFC 1122 §3.2.2: the ICMP errors the stack must never send, checked on IcmpProtocol.sendError itself. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { IcmpProtocol } from "../../src/icmp/icmp-protocol.js";
import { newCounters } from "../../src/stack/counters.js";
import { MemoryBudget } from "../../src/tcp/memory-budget.js";
import {
  buildIcmpPacket,
  buildIpv4Header,
  buildUdpPacket,
  DatagramRecord,
  parseDatagramInto,
  type IcmpPacketFields,
} from "../../src/wire/index.js";
import { peer, router, us } from "./host.js";

function icmp() {
  const sent: IcmpPacketFields[] = [];
  const counters = newCounters(new MemoryBudget(1 << 20));
  const p = new IcmpProtocol({
    ip: us,
    addresses: { isLocal4: (ip) => ip === us, sourceFor: () => us },
    clock: new VirtualClock(0),
    counters,
    transmit: (f) => void sent.push(f),
    errorArrives: () => null,
    fragmentationNeeded() {},
    echoRate: 100,
    errorRate: 100,
  });
  /** sendError(port unreachable) about `packet`; true when an error went out. */
  const answer = (packet: Uint8Array, broadcast = false): boolean => {
    const r = new DatagramRecord();
    expect(parseDatagramInto(packet, r)).toBeNull();
    const before = sent.length;
    p.sendError(r, packet, broadcast, 3, 3);
    return sent.length > before;
  };
  return { answer, counters };
}

const udp = buildUdpPacket({ src: peer, dst: us, srcPort: 1, dstPort: 2, payload: new Uint8Array(16) });

describe("errors the stack never sends", () => {
  it("sends one about an ordinary datagram (the control case)", () => {
    expect(icmp().answer(udp)).toBe(true);
  });

  it("none about an ICMP error message", () => {
    const error = buildIcmpPacket({ src: router, dst: us, type: 3, code: 1, rest: 0, payload: udp });
    const t = icmp();
    expect(t.answer(error)).toBe(false);
    expect(t.counters.drops["icmp-error-suppressed"]).toBe(1);
    // An ICMP query (echo) is no error: it may earn one.
    expect(t.answer(buildIcmpPacket({ src: peer, dst: us, type: 8, code: 0, rest: 0 }))).toBe(true);
  });

  it("none about a datagram to a broadcast or multicast address", () => {
    const t = icmp();
    expect(t.answer(udp, true)).toBe(false);
    expect(t.answer(buildUdpPacket({ src: peer, dst: 0xe0000001, srcPort: 1, dstPort: 2 }))).toBe(false);
  });

  it("none about a fragment other than the first; the first may earn one", () => {
    const body = udp.subarray(20);
    const fragment = (offset: number, more: boolean) =>
      Uint8Array.from([
        ...buildIpv4Header({
          src: peer,
          dst: us,
          protocol: 17,
          totalLength: 36,
          moreFragments: more,
          fragmentOffset: offset,
        }),
        ...body.subarray(0, 16),
      ]);
    const t = icmp();
    expect(t.answer(fragment(8, false))).toBe(false);
    expect(t.answer(fragment(0, true))).toBe(true);
  });

  it("none about a datagram whose source names no single host", () => {
    const t = icmp();
    for (const src of [0, 0xffffffff, 0xe0000005, 0xf0000001]) {
      expect(t.answer(buildUdpPacket({ src, dst: us, srcPort: 1, dstPort: 2 }))).toBe(false);
    }
  });
});
