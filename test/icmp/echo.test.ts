import { describe, expect, it } from "vitest";
import { buildIcmpPacket, IcmpType } from "../../src/wire/index.js";
import { host, peer, router, us, PEER } from "./host.js";

const echoRequest = (seq: number, data = [1, 2, 3, 4], dst = us, src = peer) =>
  buildIcmpPacket({
    src,
    dst,
    type: IcmpType.ECHO_REQUEST,
    code: 0,
    rest: (0x4242 << 16) | seq,
    payload: Uint8Array.from(data),
  });

describe("ICMP echo (RFC 792)", () => {
  it("answers an echo request with the same identifier, sequence number and data", () => {
    const h = host();
    h.stack.input(echoRequest(7, [9, 8, 7]));
    const [reply] = h.takeDatagrams();
    expect(reply.ip).toMatchObject({ src: us, dst: peer, protocol: 1 });
    expect(reply.icmp).toMatchObject({ type: 0, code: 0, rest: (0x4242 << 16) | 7 });
    expect(Array.from(reply.payload)).toEqual([9, 8, 7]);
    expect(h.stack.counters.echoRepliesSent).toBe(1);
  });

  it("rate-limits replies: a flood gets the burst, then one a period, the rest counted", () => {
    const h = host({ icmpRate: { echo: 10 } });
    for (let i = 0; i < 50; i++) h.stack.input(echoRequest(i));
    expect(h.takeDatagrams()).toHaveLength(10);
    expect(h.stack.counters.drops["icmp-echo-rate-limited"]).toBe(40);
    h.clock.advance(100);
    h.stack.input(echoRequest(100));
    h.stack.input(echoRequest(101));
    expect(h.takeDatagrams().map((d) => (d.icmp?.rest ?? 0) & 0xffff)).toEqual([100]);
  });

  it("ignores an echo request to the broadcast address, or from one, multicast or 0.0.0.0 (counted)", () => {
    const h = host();
    h.stack.input(echoRequest(1, [1], 0xffffffff));
    for (const src of [0xffffffff, 0xe0000001, 0]) h.stack.input(echoRequest(1, [1], us, src));
    expect(h.sent).toEqual([]);
    expect(h.stack.counters.drops["icmp-echo-broadcast"]).toBe(4);
  });

  it("drops an echo request for another address, and one with a bad checksum", () => {
    const h = host();
    h.stack.input(echoRequest(1, [1], us + 1));
    const bad = echoRequest(2);
    bad[23] ^= 1;
    h.stack.input(bad);
    expect(h.sent).toEqual([]);
    expect(h.stack.counters.drops["wrong-address"]).toBe(1);
    expect(h.stack.counters.drops["bad-icmp-checksum"]).toBe(1);
    expect(h.stack.counters.checksumErrors).toBe(1);
  });
});

describe("ping sessions", () => {
  it("sends count requests an interval apart and reports each reply with its RTT", () => {
    const h = host();
    const session = h.stack.ping(PEER, { count: 3, interval: 1000, size: 16 });
    const results: unknown[] = [];
    session.onResult = (r) => results.push(r);
    let [req] = h.takeDatagrams();
    expect(req.icmp).toMatchObject({ type: 8, code: 0 });
    expect(req.payload.length).toBe(16);
    const id = req.icmp!.rest >>> 16;
    const answer = (seq: number, data: Uint8Array) =>
      h.stack.input(
        buildIcmpPacket({ src: peer, dst: us, ttl: 61, type: 0, code: 0, rest: (id << 16) | seq, payload: data }),
      );
    h.clock.advance(12);
    answer(1, req.payload);
    h.clock.advance(988);
    [req] = h.takeDatagrams();
    expect(req.icmp!.rest & 0xffff).toBe(2);
    // The second is never answered; the third is answered after 3 ms.
    h.clock.advance(1000);
    [req] = h.takeDatagrams();
    h.clock.advance(3);
    answer(3, req.payload);
    expect(session.done).toBe(true);
    expect(results).toEqual([
      { ok: true, seq: 1, address: PEER, bytes: 24, ttl: 61, rtt: 12 },
      { ok: false, seq: 2, address: PEER, reason: "timeout" },
      { ok: true, seq: 3, address: PEER, bytes: 24, ttl: 61, rtt: 3 },
    ]);
  });

  it("ignores replies with altered data, unknown identifiers or sequence numbers (counted)", () => {
    const h = host();
    const session = h.stack.ping(PEER, { count: 1, size: 4 });
    const results: unknown[] = [];
    session.onResult = (r) => results.push(r);
    const [req] = h.takeDatagrams();
    const id = req.icmp!.rest >>> 16;
    const reply = (rest: number, data: number[]) =>
      h.stack.input(buildIcmpPacket({ src: peer, dst: us, type: 0, code: 0, rest, payload: Uint8Array.from(data) }));
    reply((id << 16) | 1, [0, 1, 2, 9]);
    reply(((id ^ 1) << 16) | 1, [0, 1, 2, 3]);
    reply((id << 16) | 2, [0, 1, 2, 3]);
    expect(results).toEqual([]);
    expect(h.stack.counters.drops["icmp-stray-echo-reply"]).toBe(3);
  });

  it("reports an ICMP error quoting a request (a router's host unreachable)", () => {
    const h = host();
    const session = h.stack.ping(PEER, { count: 1 });
    const results: unknown[] = [];
    session.onResult = (r) => results.push(r);
    const request = h.sent.splice(0)[0];
    h.stack.input(
      buildIcmpPacket({ src: router, dst: us, type: 3, code: 1, rest: 0, payload: request.subarray(0, 28) }),
    );
    expect(results).toEqual([{ ok: false, seq: 1, address: PEER, reason: "host-unreachable" }]);
  });

  it("identifiers of 0x8000 and above work (the rest of the header is unsigned)", () => {
    // The first identifier is (our address ^ the clock) & 0xffff: this start makes it 0xfffe.
    const h = host({}, 1500, (us & 0xffff) ^ 0xfffe);
    const results: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const session = h.stack.ping(PEER, { count: 1, size: 0 });
      session.onResult = (r) => results.push(r.ok);
      const [req] = h.takeDatagrams();
      h.stack.input(buildIcmpPacket({ src: peer, dst: us, type: 0, code: 0, rest: req.icmp!.rest }));
    }
    expect(results).toEqual([true, true, true]);
  });

  it("cancel stops the session: nothing more is sent", () => {
    const h = host();
    const session = h.stack.ping(PEER, { count: 5 });
    h.takeDatagrams();
    session.cancel();
    h.clock.advance(10_000);
    expect(h.sent).toEqual([]);
    expect(session.done).toBe(true);
  });
});
