import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseIpv6Into } from "../../src/wire/ipv6-parse.js";
import { Ipv6Record } from "../../src/wire/ipv6-record.js";
import { ParsedRecord } from "../../src/wire/record.js";
import { DatagramRecord } from "../../src/wire/datagram-record.js";
import { buildPacket } from "../../src/wire/build.js";
import { buildIcmp6Packet, buildIpv6FragmentHeaders, buildUdp6Packet } from "../../src/wire/datagram-build.js";
import { parseIpv6 } from "../../src/wire/ipv6-address.js";
import { TcpFlags } from "../../src/wire/types.js";
import { refParseIpv6, type RefIpv6 } from "./reference/index.js";
import { refOnesComplementSum } from "./reference/checksum.js";

const SRC = parseIpv6("fd00::2");
const DST = parseIpv6("fd00::1");

/** The WASM parser's verdict in the reference's shape. */
function wasmVerdict(bytes: Uint8Array): RefIpv6 {
  const v6 = new Ipv6Record();
  const tcp = new ParsedRecord();
  const d = new DatagramRecord();
  const reason = parseIpv6Into(bytes, v6, tcp, d);
  if (reason === "ipv6-parameter-problem") {
    return {
      reason,
      problem: { code: v6.problemCode, pointer: v6.problemPointer, unlessMulticast: v6.problemUnlessMulticast },
    };
  }
  if (reason !== null) return { reason };
  const base: RefIpv6 = {
    reason: null,
    upper: v6.upper,
    upperOffset: v6.upperOffset,
    upperPointer: v6.upperPointer,
    fragment:
      v6.fragmentAt === 0
        ? undefined
        : { at: v6.fragmentAt, offset: v6.fragmentOffset, more: v6.moreFragments, id: v6.fragmentId },
  };
  if (v6.parsed === 6) {
    return {
      ...base,
      transport: {
        srcPort: tcp.srcPort,
        dstPort: tcp.dstPort,
        seq: tcp.seq,
        ack: tcp.ack,
        flags: tcp.flags,
        window: tcp.window,
      },
      payloadOffset: tcp.payloadOffset,
      payloadLength: tcp.payloadLength,
    };
  }
  const transport: Record<string, number> | undefined =
    v6.parsed === 17
      ? { srcPort: d.srcPort, dstPort: d.dstPort, length: d.udpLength }
      : v6.parsed === 58
        ? { type: d.icmpType, code: d.icmpCode, rest: d.icmpRest }
        : undefined;
  return { ...base, transport, payloadOffset: d.payloadOffset, payloadLength: d.payloadLength };
}

/** An extension header: its type and body (after the next-header byte; padded to 8n with PadN here). */
interface Ext {
  type: number;
  body: number[];
}

/** Options as TLVs: [type, data] (Pad1 as [0]). */
function optionsHeader(type: 0 | 60, options: number[][]): Ext {
  const flat = options.flatMap((o) => (o[0] === 0 && o.length === 1 ? [0] : [o[0], o.length - 1, ...o.slice(1)]));
  // 2 bytes of next header and length come first; pad to a multiple of 8 with PadN.
  let body = [0, ...flat];
  const total = 1 + body.length;
  const pad = (8 - (total % 8)) % 8;
  if (pad === 1) body.push(0);
  else if (pad > 1) body = [...body, 1, pad - 2, ...new Array<number>(pad - 2).fill(0)];
  return { type, body };
}

/** Upper-layer bytes whose checksum is computed over the pseudo-header by `packet6`. */
interface Upper {
  protocol: number;
  bytes: number[];
  checksumAt?: number;
}

function tcpUpper(payload: number[] = [1, 2, 3]): Upper {
  return {
    protocol: 6,
    bytes: [0x30, 0x39, 0, 80, 0, 0, 0, 7, 0, 0, 0, 9, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0, ...payload],
    checksumAt: 16,
  };
}

/** A whole IPv6 packet: header, extension headers in order, the upper layer with a correct checksum. */
function packet6(chain: Ext[], upper: Upper, payloadLength?: number): Uint8Array {
  const exts: number[] = [];
  for (let i = 0; i < chain.length; i++) {
    const next = i + 1 < chain.length ? chain[i + 1].type : upper.protocol;
    const e = chain[i];
    const bytes = e.type === 44 ? [next, ...e.body] : [next, (e.body.length + 1) / 8 - 1, ...e.body.slice(1)];
    exts.push(...bytes);
  }
  const total = 40 + exts.length + upper.bytes.length;
  const p = new Uint8Array(total);
  const v = new DataView(p.buffer);
  v.setUint32(0, 0x60000000);
  v.setUint16(4, payloadLength ?? total - 40);
  p[6] = chain.length > 0 ? chain[0].type : upper.protocol;
  p[7] = 64;
  p.set(SRC, 8);
  p.set(DST, 24);
  p.set(exts, 40);
  const t = 40 + exts.length;
  p.set(upper.bytes, t);
  if (upper.checksumAt !== undefined) {
    const ph = new Uint8Array(40);
    ph.set(p.subarray(8, 40));
    new DataView(ph.buffer).setUint32(32, upper.bytes.length);
    ph[39] = upper.protocol;
    const sum = refOnesComplementSum(p.subarray(t), refOnesComplementSum(ph));
    v.setUint16(t + upper.checksumAt, 0xffff - sum);
  }
  return p;
}

const routing = (segmentsLeft: number, type = 0): Ext => ({ type: 43, body: [0, type, segmentsLeft, 0, 0, 0, 0] });
const fragmentHeader = (offset: number, more: boolean, id = 0x01020304): Ext => ({
  type: 44,
  body: [0, offset >> 8, (offset & 0xf8) | (more ? 1 : 0), id >>> 24, (id >> 16) & 255, (id >> 8) & 255, id & 255],
});

describe("IPv6 header and extension headers (RFC 8200 §4)", () => {
  it("parses TCP over IPv6 into the engine's record, checksum over the pseudo-header", () => {
    const p = packet6([], tcpUpper());
    const v = wasmVerdict(p);
    expect(v).toEqual(refParseIpv6(p));
    expect(v).toMatchObject({ reason: null, upper: 6, transport: { srcPort: 12345, dstPort: 80, seq: 7, ack: 9 } });
    expect(v.payloadLength).toBe(3);
    p[p.length - 1] ^= 1;
    expect(wasmVerdict(p).reason).toBe("bad-tcp-checksum");
  });

  it("walks hop-by-hop, destination options and a finished routing header to the upper layer", () => {
    const p = packet6([optionsHeader(0, [[5, 0, 0]]), routing(0), optionsHeader(60, [[0], [1, 0, 0]])], tcpUpper());
    const v = wasmVerdict(p);
    expect(v).toEqual(refParseIpv6(p));
    expect(v).toMatchObject({ reason: null, upper: 6, upperOffset: 64, upperPointer: 56 });
  });

  it("refuses hop-by-hop anywhere but first: code 1 at the Next Header field naming it", () => {
    const p = packet6([optionsHeader(60, []), optionsHeader(0, [])], tcpUpper());
    expect(wasmVerdict(p)).toEqual({
      reason: "ipv6-parameter-problem",
      problem: { code: 1, pointer: 40, unlessMulticast: false },
    });
  });

  it("refuses a routing header with segments left (type 0, RFC 5095, and others): code 0 at the type", () => {
    for (const type of [0, 2, 4]) {
      const p = packet6([routing(1, type)], tcpUpper());
      expect(wasmVerdict(p)).toEqual({
        reason: "ipv6-parameter-problem",
        problem: { code: 0, pointer: 42, unlessMulticast: false },
      });
    }
    expect(wasmVerdict(packet6([routing(0, 0)], tcpUpper())).reason).toBeNull();
  });

  it("treats unknown options by their type's high bits (RFC 8200 §4.2)", () => {
    const withOption = (type: number) => packet6([optionsHeader(60, [[type, 1, 2]])], tcpUpper());
    expect(wasmVerdict(withOption(0x1e)).reason).toBeNull(); // 00: skip
    expect(wasmVerdict(withOption(0x5e)).reason).toBe("ipv6-unknown-option"); // 01: discard
    expect(wasmVerdict(withOption(0x9e))).toEqual({
      reason: "ipv6-parameter-problem",
      problem: { code: 2, pointer: 42, unlessMulticast: false },
    });
    expect(wasmVerdict(withOption(0xde)).problem).toEqual({ code: 2, pointer: 42, unlessMulticast: true });
  });

  it("reports a fragment's header and data without parsing the transport", () => {
    const p = packet6([fragmentHeader(0, true)], { protocol: 17, bytes: new Array<number>(16).fill(7) });
    const v = wasmVerdict(p);
    expect(v).toEqual(refParseIpv6(p));
    expect(v).toMatchObject({ reason: null, upper: 17, fragment: { at: 40, offset: 0, more: true, id: 0x01020304 } });
    expect(v.payloadOffset).toBe(48);
    expect(v.payloadLength).toBe(16);
    expect(v.transport).toBeUndefined();
  });

  it("parses an atomic fragment (offset 0, M clear) as a whole datagram (RFC 6946)", () => {
    const p = packet6([fragmentHeader(0, false)], tcpUpper());
    const v = wasmVerdict(p);
    expect(v.fragment).toBeUndefined();
    expect(v).toMatchObject({ reason: null, upper: 6, upperOffset: 48, transport: { dstPort: 80 } });
  });

  it("refuses a first fragment whose header chain does not end in it: code 3, pointer 0 (RFC 7112)", () => {
    // A destination options header claiming 16 bytes where the first fragment holds 8.
    const p = packet6([fragmentHeader(0, true), optionsHeader(60, [])], { protocol: 17, bytes: [] });
    p[49] = 1;
    expect(p.length).toBe(56);
    expect(wasmVerdict(p)).toEqual({
      reason: "ipv6-parameter-problem",
      problem: { code: 3, pointer: 0, unlessMulticast: false },
    });
    expect(refParseIpv6(p)).toEqual(wasmVerdict(p));
    // The whole chain in the first fragment: taken.
    const whole = packet6([fragmentHeader(0, true), optionsHeader(60, [])], {
      protocol: 17,
      bytes: new Array(8).fill(0),
    });
    expect(wasmVerdict(whole)).toMatchObject({ reason: null, upper: 60 });
  });

  it("refuses a non-final fragment of no multiple of 8 bytes: code 0 at the payload length", () => {
    const p = packet6([fragmentHeader(8, true)], { protocol: 17, bytes: [1, 2, 3] });
    expect(wasmVerdict(p).problem).toEqual({ code: 0, pointer: 4, unlessMulticast: false });
  });

  it("drops a payload length past the bytes, and headers past the payload", () => {
    expect(wasmVerdict(packet6([], tcpUpper(), 200)).reason).toBe("bad-ipv6-payload-length");
    const p = packet6([optionsHeader(60, [])], tcpUpper());
    p[41] = 40; // the header now claims 328 bytes
    expect(wasmVerdict(p).reason).toBe("bad-extension-header");
    expect(wasmVerdict(p.subarray(0, 39)).reason).toBe("truncated-ipv6-header");
  });

  it("builds TCP, UDP and ICMPv6 over IPv6 that parse back, and refuses a zero UDP checksum", () => {
    const ends = { src: SRC, dst: DST };
    const tcp = buildPacket(
      {
        src: 0,
        dst: 0,
        srcPort: 1,
        dstPort: 2,
        seq: 3,
        ack: 4,
        flags: TcpFlags.ACK,
        window: 5,
        options: { mss: 1440 },
      },
      ends,
    );
    expect(tcp[6]).toBe(6);
    expect(wasmVerdict(tcp)).toMatchObject({ reason: null, transport: { srcPort: 1, dstPort: 2, seq: 3, ack: 4 } });
    expect(wasmVerdict(tcp)).toEqual(refParseIpv6(tcp));
    const udp = buildUdp6Packet({ src: 0, dst: 0, srcPort: 7, dstPort: 9, payload: new Uint8Array([1, 2]) }, ends);
    expect(wasmVerdict(udp)).toMatchObject({ reason: null, transport: { srcPort: 7, dstPort: 9, length: 10 } });
    udp[46] = udp[47] = 0;
    expect(wasmVerdict(udp).reason).toBe("missing-udp-checksum");
    const echo = buildIcmp6Packet({ src: 0, dst: 0, type: 128, code: 0, rest: 0x00010002 }, ends);
    expect(wasmVerdict(echo)).toMatchObject({ reason: null, transport: { type: 128, code: 0, rest: 0x00010002 } });
    // An error quoting the TCP packet: its quote is walked to the TCP ports.
    const error = buildIcmp6Packet({ src: 0, dst: 0, type: 1, code: 4, rest: 0, payload: tcp }, ends);
    expect(wasmVerdict(error)).toEqual(refParseIpv6(error));
    const short = buildIcmp6Packet({ src: 0, dst: 0, type: 1, code: 4, rest: 0, payload: tcp.subarray(0, 44) }, ends);
    expect(wasmVerdict(short).reason).toBe("bad-icmp-quote");
  });

  it("builds fragment headers that parse as fragments", () => {
    const h = buildIpv6FragmentHeaders(
      { src: SRC, dst: DST },
      { hopLimit: 64, trafficClass: 0, next: 17, id: 99, offset: 1232, more: true },
      16,
    );
    const p = new Uint8Array(64);
    p.set(h);
    expect(wasmVerdict(p)).toMatchObject({ reason: null, upper: 17, fragment: { at: 40, offset: 1232, more: true } });
  });
});

const extArb: fc.Arbitrary<Ext> = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.constant<number[]>([0]),
        fc.tuple(fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 6 })).map(([t, d]) => [t, ...d]),
      ),
      { maxLength: 4 },
    )
    .chain((opts) => fc.constantFrom(0 as const, 60 as const).map((t) => optionsHeader(t, opts))),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })).map(([type, left]) => routing(left, type)),
  fc.tuple(fc.integer({ min: 0, max: 0x1fff }), fc.boolean()).map(([o, m]) => fragmentHeader(o * 8, m)),
);

const upperArb: fc.Arbitrary<Upper> = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((d) => tcpUpper([...d])),
  fc.uint8Array({ maxLength: 40 }).map((d) => ({
    protocol: 17,
    bytes: [0, 53, 0, 99, 0, 8 + d.length, 0, 0, ...d],
    checksumAt: 6,
  })),
  fc.uint8Array({ minLength: 4, maxLength: 120 }).map((d) => ({
    protocol: 58,
    bytes: [128, 0, 0, 0, ...d],
    checksumAt: 2,
  })),
  fc.uint8Array({ maxLength: 16 }).map((d) => ({ protocol: 59, bytes: [...d] })),
);

describe("IPv6 parser against the reference", () => {
  it("agrees on random extension-header chains, and on every mutation of them", () => {
    fc.assert(
      fc.property(
        fc.array(extArb, { maxLength: 5 }),
        upperArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.nat(),
        (chain, upper, flips, cut) => {
          const p = packet6(chain, upper);
          expect(wasmVerdict(p)).toEqual(refParseIpv6(p));
          const m = p.slice();
          for (const [at, value] of flips) m[at % m.length] = value;
          m[0] = (m[0] & 0x0f) | 0x60;
          expect(wasmVerdict(m)).toEqual(refParseIpv6(m));
          const short = m.subarray(0, cut % (m.length + 1));
          expect(wasmVerdict(short)).toEqual(refParseIpv6(short));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("never throws on arbitrary bytes after a version nibble of 6, and reads nothing past them", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const p = bytes.slice();
        if (p.length > 0) p[0] = 0x60 | (p[0] & 15);
        const v = wasmVerdict(p);
        expect(v).toEqual(refParseIpv6(p));
        if (v.reason === null) expect((v.payloadOffset ?? 0) + (v.payloadLength ?? 0)).toBeLessThanOrEqual(p.length);
      }),
      { numRuns: 5000 },
    );
  });
});
