/**
 * ICMPv6 (RFC 4443) and the IPv6 header rules (RFC 8200 §4) at the stack: one packet in, the exact
 * ICMPv6 out (or none, and the counted reason); errors in matched to TCP and UDP with RFC 5927's
 * checks; packet too big feeding path MTU discovery (RFC 8201).
 */
import { describe, expect, it } from "vitest";
import {
  TcpFlags,
  buildIcmp6Packet,
  buildPacket,
  buildUdp6Packet,
  Icmpv6Type,
  type PacketFields,
} from "../../src/wire/index.js";
import type { CloseReason } from "../../src/tcp/types.js";
import { ALL_NODES, PEER, US, destinationOption, host6, peer, router, us, withExtension } from "./host6.js";

const { SYN, ACK } = TcpFlags;

const toUs = { src: peer, dst: us };
const udpToUs = (dstPort = 9, payload = new Uint8Array([1, 2, 3])) =>
  buildUdp6Packet({ src: 0, dst: 0, srcPort: 5555, dstPort, payload }, toUs);
const echoRequest = (ends = toUs, data = new Uint8Array([9, 8, 7])) =>
  buildIcmp6Packet({ src: 0, dst: 0, type: 128, code: 0, rest: 0x12340001, payload: data }, ends);

describe("echo (RFC 4443 §4)", () => {
  it("answers a request with the identifier, sequence and data, from the address asked", () => {
    const h = host6();
    h.stack.input(echoRequest());
    const [reply] = h.take();
    expect(reply).toMatchObject({ src: US, dst: PEER, hopLimit: 64, icmp: { type: 129, code: 0, rest: 0x12340001 } });
    expect([...reply.icmp!.body]).toEqual([9, 8, 7]);
    expect(h.stack.counters.echoRepliesSent).toBe(1);
  });

  it("answers a request to all nodes (ff02::1) from our unicast address", () => {
    const h = host6();
    h.stack.input(echoRequest({ src: peer, dst: ALL_NODES }));
    expect(h.take().map((p) => [p.src, p.dst, p.icmp?.type])).toEqual([[US, PEER, 129]]);
  });

  it("drops a packet for another address, and one from a multicast source", () => {
    const h = host6();
    h.stack.input(echoRequest({ src: peer, dst: router }));
    h.stack.input(echoRequest({ src: ALL_NODES, dst: us }));
    expect(h.take()).toEqual([]);
    expect(h.stack.counters.drops["wrong-address"]).toBe(1);
    expect(h.stack.counters.drops["ipv6-bad-source"]).toBe(1);
  });
});

describe("errors out (RFC 4443 §2.4, §3; RFC 8200 §4)", () => {
  it("port unreachable (type 1 code 4) for UDP to a closed port, quoting the datagram", () => {
    const h = host6();
    const udp = udpToUs(4444);
    h.stack.input(udp);
    const [e] = h.take();
    expect(e).toMatchObject({ src: US, dst: PEER, icmp: { type: 1, code: 4, rest: 0 } });
    expect([...e.icmp!.body]).toEqual([...udp]);
  });

  it("an error quotes as much as keeps it within the 1280-byte minimum MTU (RFC 4443 §2.4(c))", () => {
    const h = host6({}, 9000);
    const udp = udpToUs(
      4444,
      new Uint8Array(4000).map((_, i) => i),
    );
    h.stack.input(udp);
    const [e] = h.take();
    expect(e).toMatchObject({ icmp: { type: 1, code: 4 } });
    // 40 bytes of IPv6 header and 8 of ICMPv6 before the quote: 1232 bytes of the datagram, from its start.
    expect(e.icmp!.body.length).toBe(1280 - 48);
    expect([...e.icmp!.body]).toEqual([...udp.subarray(0, 1232)]);
  });

  it("an unrecognized next header: parameter problem code 1 pointing at the Next Header field", () => {
    const h = host6();
    const p = udpToUs();
    p[6] = 253; // RFC 3692 experimental: this stack has no such protocol
    h.stack.input(p);
    expect(h.take().map((x) => x.icmp)).toMatchObject([{ type: 4, code: 1, rest: 6 }]);
    expect(h.stack.counters.drops["unknown-protocol"]).toBe(1);
  });

  it("hop-by-hop after another header: parameter problem code 1 at the field that named it", () => {
    const h = host6();
    const p = withExtension(withExtension(udpToUs(), 0, [0, 1, 4, 0, 0, 0, 0]), 60, [0, 1, 4, 0, 0, 0, 0]);
    h.stack.input(p);
    expect(h.take().map((x) => x.icmp)).toMatchObject([{ type: 4, code: 1, rest: 40 }]);
  });

  it("a routing header with segments left (RFC 5095 type 0): parameter problem code 0 at the type", () => {
    const h = host6();
    h.stack.input(withExtension(udpToUs(), 43, [0, 0, 1, 0, 0, 0, 0]));
    expect(h.take().map((x) => x.icmp)).toMatchObject([{ type: 4, code: 0, rest: 42 }]);
    // With none left it is ignored, and the datagram goes on to UDP (a closed port here).
    h.stack.input(withExtension(udpToUs(), 43, [0, 0, 0, 0, 0, 0, 0]));
    expect(h.take().map((x) => [x.icmp?.type, x.icmp?.code])).toEqual([[1, 4]]);
  });

  it("unknown options by their high bits: skip, discard, problem, problem unless multicast", () => {
    const h = host6();
    const socket = h.stack.udp({ port: 9 });
    const got: number[] = [];
    socket.onReadable = () => {
      for (let d = socket.take(); d !== null; d = socket.take()) got.push(d.data.length);
    };
    h.stack.input(withExtension(udpToUs(), 60, destinationOption(0x3e)));
    expect(got).toEqual([3]);
    h.stack.input(withExtension(udpToUs(), 60, destinationOption(0x7e)));
    expect(h.take()).toEqual([]);
    expect(h.stack.counters.drops["ipv6-unknown-option"]).toBe(1);
    h.stack.input(withExtension(udpToUs(), 60, destinationOption(0xbe)));
    expect(h.take().map((x) => x.icmp)).toMatchObject([{ type: 4, code: 2, rest: 42 }]);
    // To a group: 10 still asks for the error (RFC 8200 §4.2), 11 does not.
    const toGroup = (type: number) =>
      withExtension(
        buildUdp6Packet(
          { src: 0, dst: 0, srcPort: 1, dstPort: 9, payload: new Uint8Array(1) },
          { src: peer, dst: ALL_NODES },
        ),
        60,
        destinationOption(type),
      );
    h.stack.input(toGroup(0xbe));
    expect(h.take().map((x) => [x.src, x.icmp?.code])).toEqual([[US, 2]]);
    h.stack.input(toGroup(0xfe));
    expect(h.take()).toEqual([]);
    expect(h.stack.counters.drops["icmp-error-suppressed"]).toBe(1);
  });

  it("never an error about an ICMPv6 error, and at most `icmpRate.error` a second", () => {
    const h = host6({ icmpRate: { error: 2 } });
    for (let i = 0; i < 4; i++) h.stack.input(udpToUs(4444));
    expect(h.take().length).toBe(2);
    expect(h.stack.counters.drops["icmp-error-rate-limited"]).toBe(2);
    h.clock.advance(1000);
    // An ICMPv6 error that breaks a header rule, and UDP to a closed port sent to a group: no error.
    const error = buildIcmp6Packet({ src: 0, dst: 0, type: 1, code: 4, rest: 0, payload: udpToUs() }, toUs);
    h.stack.input(withExtension(error, 60, destinationOption(0xbe)));
    h.stack.input(buildUdp6Packet({ src: 0, dst: 0, srcPort: 1, dstPort: 4444 }, { src: peer, dst: ALL_NODES }));
    expect(h.take()).toEqual([]);
    expect(h.stack.counters.drops["icmp-error-suppressed"]).toBe(1);
    expect(h.stack.counters.drops["udp-closed-port"]).toBe(5);
    // An echo request breaking the same rule is answered with the error (it is no error itself).
    h.stack.input(withExtension(echoRequest(), 60, destinationOption(0xbe)));
    expect(h.take().map((x) => x.icmp?.type)).toEqual([4]);
    // An ICMPv6 error quoting a packet we never sent: dropped, and not answered.
    h.stack.input(buildIcmp6Packet({ src: 0, dst: 0, type: 1, code: 4, rest: 0, payload: udpToUs() }, toUs));
    expect(h.take()).toEqual([]);
    expect(h.stack.counters.drops["icmp-not-ours"]).toBe(1);
  });
});

/** A stack with one connection in SYN-SENT to PEER:80; its SYN's fields. */
function connecting() {
  const h = host6({ tcp: { connectTimeout: 20_000 } });
  const conn = h.stack.connect(PEER, 80);
  const errors: CloseReason[] = [];
  conn.events.onError = (r) => void errors.push(r);
  const [syn] = h.take();
  const fields: PacketFields = {
    src: 0,
    dst: 0,
    srcPort: syn.tcp!.srcPort,
    dstPort: 80,
    seq: syn.tcp!.seq,
    flags: SYN,
    window: 1,
  };
  return { h, conn, errors, syn, fields };
}

const fromUs = { src: us, dst: peer };
const errorAbout = (type: number, code: number, quoted: Uint8Array, rest = 0) =>
  buildIcmp6Packet({ src: 0, dst: 0, type, code, rest, payload: quoted }, { src: router, dst: us });

describe("errors in (RFC 4443 §3, RFC 5927)", () => {
  it("our SYN over IPv6 carries MSS = MTU - 60 and comes from our address", () => {
    const { syn } = connecting();
    expect(syn).toMatchObject({ src: US, dst: PEER, tcp: { dstPort: 80, flags: SYN, mss: 1440 } });
  });

  const hard: [string, number, number, CloseReason][] = [
    ["port unreachable", 1, 4, "refused"],
    ["administratively prohibited", 1, 1, "host-unreachable"],
    ["reject route", 1, 6, "host-unreachable"],
    ["unrecognized next header", 4, 1, "protocol-unreachable"],
  ];
  for (const [name, type, code, reason] of hard) {
    it(`${name} (type ${type} code ${code}) aborts the connection: ${reason}`, () => {
      const { h, conn, errors, syn } = connecting();
      h.stack.input(errorAbout(type, code, syn.bytes));
      expect(conn.state).toBe("CLOSED");
      expect(errors).toEqual([reason]);
    });
  }

  it("soft errors (no route, address unreachable, time exceeded) leave the connection trying", () => {
    for (const [type, code] of [
      [1, 0],
      [1, 3],
      [3, 0],
    ]) {
      const { h, conn, errors, syn } = connecting();
      h.stack.input(errorAbout(type, code, syn.bytes));
      expect(conn.state).toBe("SYN-SENT");
      expect(errors).toEqual([]);
    }
  });

  it("RFC 5927: a quoted sequence number outside the window, or a quote not from us, changes nothing", () => {
    const { h, conn, fields } = connecting();
    h.stack.input(errorAbout(1, 4, buildPacket({ ...fields, seq: (fields.seq + 100_000) >>> 0 }, fromUs)));
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["icmp-out-of-window"]).toBe(1);
    h.stack.input(errorAbout(1, 4, buildPacket(fields, { src: router, dst: peer })));
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["icmp-not-ours"]).toBe(1);
  });

  it("packet too big lowers the path MTU (RFC 8201), never under 1280, with RFC 5927's check for TCP", () => {
    const h = host6();
    const listener = h.stack.listen(80);
    h.stack.input(
      buildPacket(
        { src: 0, dst: 0, srcPort: 4000, dstPort: 80, seq: 77, flags: SYN, window: 65535, options: { mss: 1440 } },
        toUs,
      ),
    );
    const [synAck] = h.take();
    expect(synAck.tcp).toMatchObject({ flags: SYN | ACK, mss: 1440 });
    h.stack.input(
      buildPacket(
        {
          src: 0,
          dst: 0,
          srcPort: 4000,
          dstPort: 80,
          seq: 78,
          ack: (synAck.tcp!.seq + 1) >>> 0,
          flags: ACK,
          window: 65535,
        },
        toUs,
      ),
    );
    const conn = listener.accept()!;
    conn.write(new Uint8Array(4000));
    const data = h.take();
    expect(data.length).toBeGreaterThan(1);
    expect(data[0].bytes.length).toBe(1500);
    h.stack.input(errorAbout(2, 0, data[0].bytes.subarray(0, 1232), 1400));
    expect(h.stack.pathMtu(PEER)).toBe(1400);
    expect(conn.info().mss).toBe(1400 - 60);
    expect(Math.max(...h.take().map((p) => p.bytes.length))).toBe(1400);
    // Below the IPv6 minimum: taken as 1280.
    h.stack.input(errorAbout(2, 0, data[0].bytes.subarray(0, 1232), 600));
    expect(h.stack.pathMtu(PEER)).toBe(1280);
    const resent = h.take();
    expect(resent.length).toBeGreaterThan(0);
    expect(Math.max(...resent.map((p) => p.bytes.length))).toBeLessThanOrEqual(1280);
    // A quote of a sequence number not in flight is not believed.
    const stale = buildPacket({ src: 0, dst: 0, srcPort: 80, dstPort: 4000, seq: 1, flags: ACK, window: 1 }, fromUs);
    h.stack.input(errorAbout(2, 0, stale, 1280));
    expect(h.stack.counters.drops["icmp-out-of-window"]).toBe(1);
  });

  it("port unreachable reaches a connected UDP socket; ping sessions hear errors about their requests", () => {
    const h = host6();
    const s = h.stack.udp();
    s.connect(h.stack.addresses.parse(PEER), PEER, 53);
    s.send(new Uint8Array([1]), s.remoteIp, 53);
    const [datagram] = h.take();
    h.stack.input(errorAbout(1, 4, datagram.bytes));
    expect(s.pendingError).toBe("port-unreachable");
    const session = h.stack.ping(PEER, { count: 1 });
    const results: string[] = [];
    session.onResult = (r) => results.push(r.ok ? "reply" : r.reason);
    const [request] = h.take();
    h.stack.input(errorAbout(1, 3, request.bytes));
    expect(results).toEqual(["host-unreachable"]);
  });
});

describe("fragments (RFC 8200 §4.5, RFC 5722, RFC 6946)", () => {
  /** A UDP datagram to us split into fragments of `size` data bytes by the stack's own fragmenter. */
  function fragmentsOf(length: number, mtu: number, id = 7) {
    const h = host6({}, mtu);
    const socket = h.stack.udp({ port: 9 });
    return {
      h,
      socket,
      datagram: udpToUs(
        9,
        Uint8Array.from({ length }, (_, i) => i & 255),
      ),
      id,
    };
  }

  it("reassembles fragments in any order into the datagram", async () => {
    const { h, socket } = fragmentsOf(3000, 1500);
    const other = host6({ ipv6: [`${PEER}/64`] }, 1280);
    other.stack.udp().send(
      Uint8Array.from({ length: 3000 }, (_, i) => i & 255),
      other.stack.addresses.parse(US),
      9,
    );
    const pieces = other.take();
    expect(pieces.map((p) => [p.fragment?.offset, p.fragment?.more])).toEqual([
      [0, true],
      [1232, true],
      [2464, false],
    ]);
    for (const p of [pieces[2], pieces[0], pieces[1]]) h.stack.input(p.bytes);
    const d = socket.take();
    expect(d?.data.length).toBe(3000);
    expect(d?.data[2999]).toBe(2999 & 255);
    expect(h.stack.counters.datagramsReassembled).toBe(1);
  });

  it("an overlapping fragment drops the whole datagram and its later fragments (RFC 5722)", () => {
    const { h, socket } = fragmentsOf(3000, 1500);
    const other = host6({ ipv6: [`${PEER}/64`] }, 1280);
    other.stack.udp().send(new Uint8Array(3000), other.stack.addresses.parse(US), 9);
    const [a, b, c] = other.take().map((p) => p.bytes);
    h.stack.input(a);
    // b again, with its offset moved 8 bytes back into a's data.
    const overlap = b.slice();
    const offset = ((overlap[42] << 8) | overlap[43]) - 8;
    overlap[42] = offset >> 8;
    overlap[43] = (offset & 0xf8) | 1;
    h.stack.input(overlap);
    h.stack.input(b);
    h.stack.input(c);
    expect(socket.take()).toBeNull();
    expect(h.stack.counters.drops["fragment-overlap"]).toBe(1);
    expect(h.stack.counters.drops["fragment-after-overlap"]).toBe(2);
  });

  it("an atomic fragment (offset 0, M clear) is delivered at once, apart from reassembly (RFC 6946)", () => {
    const { h, socket } = fragmentsOf(10, 1500);
    h.stack.input(withExtension(udpToUs(9), 44, [0, 0, 0, 0, 0, 0, 9]));
    expect(socket.take()?.data.length).toBe(3);
    expect(h.stack.counters.fragmentsIn).toBe(0);
  });

  it("time exceeded (code 1) when fragment zero came and the rest did not", () => {
    const { h } = fragmentsOf(3000, 1500);
    const other = host6({ ipv6: [`${PEER}/64`] }, 1280);
    other.stack.udp().send(new Uint8Array(3000), other.stack.addresses.parse(US), 9);
    const [first] = other.take();
    h.stack.input(first.bytes);
    h.clock.advance(60_000);
    const [e] = h.take();
    expect(e).toMatchObject({ src: US, dst: PEER, icmp: { type: Icmpv6Type.TIME_EXCEEDED, code: 1 } });
    // It quotes fragment zero: its header, the UDP header.
    expect([...e.icmp!.body.subarray(8, 24)]).toEqual([...peer]);
  });
});

describe("neighbour discovery's messages at the stack", () => {
  it("are counted as ignored: ND runs in the Ethernet interface, and a raw-IP link has none", () => {
    const h = host6();
    for (const type of [133, 134, 135, 136, 137]) {
      h.stack.input(buildIcmp6Packet({ src: 0, dst: 0, ttl: 255, type, code: 0, rest: 0, payload: us }, toUs));
    }
    expect(h.stack.counters.drops["icmp-ignored-type"]).toBe(5);
    expect(h.take()).toEqual([]);
  });
});
