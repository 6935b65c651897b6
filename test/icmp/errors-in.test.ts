/**
 * ICMP errors in (RFC 792, RFC 1122 §4.2.3.9, RFC 5927): every type and code group the stack acts on,
 * matched to the TCP connection or UDP socket by the quoted header, and each RFC 5927 check.
 */
import { describe, expect, it } from "vitest";
import { buildIcmpPacket, buildPacket, buildUdpPacket, TcpFlags, type PacketFields } from "../../src/wire/index.js";
import type { CloseReason } from "../../src/tcp/types.js";
import { host, peer, router, us, PEER } from "./host.js";

const { SYN, ACK } = TcpFlags;

/** An ICMP error from the router quoting `quoted` (its IPv4 header and the 8 bytes after it, as routers do). */
function icmpError(type: number, code: number, quoted: Uint8Array, rest = 0, src = router): Uint8Array {
  return buildIcmpPacket({ src, dst: us, type, code, rest, payload: quoted.subarray(0, 28) });
}

/** A stack with one connection in SYN-SENT to PEER:80; its SYN is `syn`. */
function connecting(config: { connectTimeout?: number } = {}) {
  const h = host({ tcp: { connectTimeout: config.connectTimeout ?? 20_000 } });
  const conn = h.stack.connect(PEER, 80);
  const errors: CloseReason[] = [];
  conn.events.onError = (r) => void errors.push(r);
  const syn = h.sent.splice(0)[0];
  return { h, conn, errors, syn };
}

/** The same packet as `segment` with another sequence number (checksums recomputed). */
function withSeq(fields: PacketFields, seq: number): Uint8Array {
  return buildPacket({ ...fields, seq });
}

/** The fields of a parsed SYN, for rebuilding it with other values. */
function fieldsOf(syn: Uint8Array): PacketFields {
  const v = new DataView(syn.buffer, syn.byteOffset);
  return {
    src: us,
    dst: peer,
    srcPort: v.getUint16(20),
    dstPort: v.getUint16(22),
    seq: v.getUint32(24),
    flags: SYN,
    window: 1,
  };
}

describe("hard errors abort a connecting TCP with a typed reason", () => {
  const cases: [string, number, number, CloseReason][] = [
    ["protocol unreachable", 3, 2, "protocol-unreachable"],
    ["port unreachable", 3, 3, "refused"],
    ["network unknown", 3, 6, "network-unreachable"],
    ["network prohibited", 3, 9, "network-unreachable"],
    ["host unknown", 3, 7, "host-unreachable"],
    ["host isolated", 3, 8, "host-unreachable"],
    ["host prohibited", 3, 10, "host-unreachable"],
    ["communication administratively prohibited", 3, 13, "host-unreachable"],
  ];
  for (const [name, type, code, reason] of cases) {
    it(`${name} (type ${type} code ${code}) -> ${reason}`, () => {
      const { h, conn, errors, syn } = connecting();
      h.stack.input(icmpError(type, code, syn));
      expect(errors).toEqual([reason]);
      expect(conn.state).toBe("CLOSED");
      expect(h.stack.connectionCount).toBe(0);
    });
  }
});

describe("soft errors are recorded and reported at the timeout", () => {
  const cases: [string, number, number, string][] = [
    ["network unreachable", 3, 0, "network-unreachable"],
    ["host unreachable", 3, 1, "host-unreachable"],
    ["source route failed", 3, 5, "source-route-failed"],
    ["network unreachable for TOS", 3, 11, "network-unreachable"],
    ["host unreachable for TOS", 3, 12, "host-unreachable"],
    ["time exceeded in transit", 11, 0, "time-exceeded"],
    ["fragment reassembly time exceeded", 11, 1, "time-exceeded"],
    ["parameter problem", 12, 0, "parameter-problem"],
  ];
  for (const [name, type, code, kind] of cases) {
    it(`${name} (type ${type} code ${code}) stays on info().softError; the connection lives`, () => {
      const { h, conn, errors, syn } = connecting();
      h.stack.input(icmpError(type, code, syn));
      expect(errors).toEqual([]);
      expect(conn.state).toBe("SYN-SENT");
      expect(conn.info().softError).toBe(kind);
    });
  }

  it("the connect timeout then fails with the soft error's reason instead of connect-timeout", () => {
    const { h, errors, syn } = connecting({ connectTimeout: 5000 });
    h.stack.input(icmpError(3, 1, syn));
    h.clock.advance(5000);
    expect(errors).toEqual(["host-unreachable"]);
  });

  it("without one, the connect timeout is connect-timeout as before", () => {
    const { h, errors } = connecting({ connectTimeout: 5000 });
    h.clock.advance(5000);
    expect(errors).toEqual(["connect-timeout"]);
  });

  it("a hard error on an established connection is only soft (RFC 5927 §4.2), and new data acked clears it", () => {
    const { h, conn, errors, syn } = connecting();
    const f = fieldsOf(syn);
    h.stack.input(
      buildPacket({
        src: peer,
        dst: us,
        srcPort: 80,
        dstPort: f.srcPort,
        seq: 5000,
        ack: f.seq + 1,
        flags: SYN | ACK,
        window: 65535,
      }),
    );
    expect(conn.state).toBe("ESTABLISHED");
    h.sent.length = 0;
    conn.write(new Uint8Array(100));
    const [data] = h.sent.splice(0);
    h.stack.input(icmpError(3, 3, data));
    expect(errors).toEqual([]);
    expect(conn.info().softError).toBe("port-unreachable");
    h.stack.input(
      buildPacket({
        src: peer,
        dst: us,
        srcPort: 80,
        dstPort: f.srcPort,
        seq: 5001,
        ack: f.seq + 101,
        flags: ACK,
        window: 65535,
      }),
    );
    expect(conn.info().softError).toBeUndefined();
  });
});

describe("RFC 5927 checks: an error that does not match is ignored and counted", () => {
  it("a quoted sequence number outside SND.UNA..SND.NXT", () => {
    const { h, conn, errors, syn } = connecting();
    const f = fieldsOf(syn);
    for (const seq of [f.seq + 1, f.seq - 1, (f.seq + 0x80000000) >>> 0]) {
      h.stack.input(icmpError(3, 2, withSeq(f, seq >>> 0)));
    }
    expect(errors).toEqual([]);
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["icmp-out-of-window"]).toBe(3);
  });

  it("a quoted 4-tuple with no connection (other port, other peer)", () => {
    const { h, conn, syn } = connecting();
    const f = fieldsOf(syn);
    h.stack.input(icmpError(3, 2, buildPacket({ ...f, srcPort: f.srcPort ^ 1 })));
    h.stack.input(icmpError(3, 2, buildPacket({ ...f, dst: peer + 1 })));
    h.stack.input(icmpError(3, 2, buildPacket({ ...f, dstPort: 81 })));
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["icmp-no-connection"]).toBe(3);
  });

  it("a quote of a datagram not sent from our address", () => {
    const { h, conn, syn } = connecting();
    const f = fieldsOf(syn);
    h.stack.input(icmpError(3, 2, buildPacket({ ...f, src: us + 5 })));
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["icmp-not-ours"]).toBe(1);
  });

  it("a quote of a later fragment (its 8 bytes are no transport header)", () => {
    const { h, conn, syn } = connecting();
    const q = syn.slice();
    q[6] = 0;
    q[7] = 3; // offset 24
    h.stack.input(icmpError(3, 2, q));
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["icmp-not-ours"]).toBe(1);
  });

  it("an error with a broken quote or checksum is dropped by the parser", () => {
    const { h, conn, syn } = connecting();
    h.stack.input(buildIcmpPacket({ src: router, dst: us, type: 3, code: 2, rest: 0, payload: syn.subarray(0, 27) }));
    const bad = icmpError(3, 2, syn);
    bad[30] ^= 1;
    h.stack.input(bad);
    expect(conn.state).toBe("SYN-SENT");
    expect(h.stack.counters.drops["bad-icmp-quote"]).toBe(1);
    expect(h.stack.counters.drops["bad-icmp-checksum"]).toBe(1);
  });

  it("source quench and redirect are not acted on (RFC 6633; hosts ignore redirects here)", () => {
    const { h, conn, syn } = connecting();
    h.stack.input(icmpError(4, 0, syn));
    h.stack.input(icmpError(5, 1, syn, router));
    expect(conn.state).toBe("SYN-SENT");
    expect(conn.info().softError).toBeUndefined();
    expect(h.stack.counters.drops["icmp-ignored-type"]).toBe(2);
  });

  it("fragmentation needed goes to path MTU discovery, not to the connection", () => {
    const { h, conn, syn } = connecting();
    h.stack.input(icmpError(3, 4, syn, 1400));
    expect(conn.state).toBe("SYN-SENT");
    expect(conn.info().softError).toBeUndefined();
    expect(h.stack.counters.fragNeededIn).toBe(1);
  });
});

describe("ICMP errors for UDP sockets", () => {
  it("port unreachable reaches a connected socket whose peer it names, and no unconnected one", () => {
    const h = host();
    const connected = h.stack.udp({ port: 4000 });
    connected.connect(peer, PEER, 53);
    const loose = h.stack.udp({ port: 4001 });
    connected.send(new Uint8Array([1]), peer, 53);
    loose.send(new Uint8Array([2]), peer, 53);
    const [a, b] = h.sent.splice(0);
    h.stack.input(buildIcmpPacket({ src: peer, dst: us, type: 3, code: 3, rest: 0, payload: a }));
    h.stack.input(buildIcmpPacket({ src: peer, dst: us, type: 3, code: 3, rest: 0, payload: b }));
    expect(connected.pendingError).toBe("port-unreachable");
    expect(loose.pendingError).toBeNull();
    expect(h.stack.counters.drops["icmp-not-reported"]).toBe(1);
  });

  it("an error about another peer than the connected one is not reported", () => {
    const h = host();
    const s = h.stack.udp({ port: 4000 });
    s.connect(peer, PEER, 53);
    const other = buildUdpPacket({ src: us, dst: peer + 1, srcPort: 4000, dstPort: 53 });
    h.stack.input(buildIcmpPacket({ src: router, dst: us, type: 3, code: 1, rest: 0, payload: other }));
    expect(s.pendingError).toBeNull();
  });
});
