import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  buildIcmpPacket,
  buildIpv4Header,
  buildUdpPacket,
  DatagramRecord,
  internetChecksum,
  parseDatagram,
  parseDatagramInto,
  parsePacket,
  parseTransportInto,
  type DatagramResult,
  type IcmpPacketFields,
  type ParseErrorReason,
  type UdpPacketFields,
} from "../../src/wire/index.js";
import { refBuildIcmpPacket, refBuildUdpPacket, refParseDatagram } from "./reference/index.js";
import { mem8, FREE } from "../../src/wire/wasm.js";

const A = 0x0a000001;
const B = 0x0a000002;

function reasonOf(r: DatagramResult): ParseErrorReason | "ok" {
  return r.ok ? "ok" : r.reason;
}

/** Both parsers, which must agree on the verdict and on every field. */
function verdict(bytes: Uint8Array): ParseErrorReason | "ok" {
  const got = parseDatagram(bytes);
  const ref = refParseDatagram(bytes);
  expect({ ...ref, payload: undefined }).toEqual({ ...got, payload: undefined });
  return reasonOf(got);
}

function fixIp(p: Uint8Array): Uint8Array {
  p[10] = p[11] = 0;
  const ck = internetChecksum(p.subarray(0, (p[0] & 15) * 4));
  p[10] = ck >> 8;
  p[11] = ck & 255;
  return p;
}

/** Recomputes the ICMP checksum of the message after a 20-byte IPv4 header. */
function fixIcmp(p: Uint8Array): Uint8Array {
  p[22] = p[23] = 0;
  const ck = internetChecksum(p.subarray(20));
  p[22] = ck >> 8;
  p[23] = ck & 255;
  return p;
}

function edit(p: Uint8Array, at: number, value: number): Uint8Array {
  const q = p.slice();
  q[at] = value;
  return q;
}

function cut(p: Uint8Array, n: number): Uint8Array {
  const q = p.slice(0, n);
  q[2] = n >> 8;
  q[3] = n & 255;
  return fixIp(q);
}

const udp = (payload = [1, 2, 3], more: Partial<UdpPacketFields> = {}) =>
  buildUdpPacket({ src: A, dst: B, srcPort: 5353, dstPort: 53, payload: Uint8Array.from(payload), ...more });
const echo = buildIcmpPacket({ src: A, dst: B, type: 8, code: 0, rest: 0x12340001, payload: Uint8Array.from([9, 9]) });
/** A port unreachable quoting `quoted` (its IPv4 header and the first `keep` bytes after it). */
const unreachable = (quoted: Uint8Array, keep = 8) =>
  buildIcmpPacket({ src: B, dst: A, type: 3, code: 3, rest: 0, payload: quoted.subarray(0, 20 + keep) });

const CASES: [string, Uint8Array, ParseErrorReason | "ok"][] = [
  ["a UDP datagram", udp(), "ok"],
  ["an empty UDP datagram", udp([]), "ok"],
  ["UDP with no checksum (zero: none, RFC 768)", fixIp(edit(edit(udp(), 26, 0), 27, 0)), "ok"],
  ["UDP checksum wrong", edit(udp(), 27, udp()[27] ^ 1), "bad-udp-checksum"],
  ["UDP checksum covers the pseudo-header", fixIp(edit(udp(), 19, 3)), "bad-udp-checksum"],
  ["UDP payload corrupted", edit(udp(), 28, 7), "bad-udp-checksum"],
  ["7 bytes of UDP", cut(udp(), 27), "truncated-udp-header"],
  ["no UDP at all", cut(udp(), 20), "truncated-udp-header"],
  ["UDP length 7", edit(udp(), 25, 7), "bad-udp-length"],
  ["UDP length past the IPv4 payload", edit(udp(), 25, 12), "bad-udp-length"],
  ["IPv4 payload longer than the UDP length (ignored)", fixIp(cut(Uint8Array.from([...udp(), 0, 0]), 33)), "ok"],
  ["an echo request", echo, "ok"],
  ["7 bytes of ICMP", cut(echo, 27), "truncated-icmp"],
  ["ICMP checksum wrong", edit(echo, 22, echo[22] ^ 0x10), "bad-icmp-checksum"],
  ["ICMP data corrupted", edit(echo, 29, 0), "bad-icmp-checksum"],
  ["a port unreachable quoting UDP", unreachable(udp()), "ok"],
  ["a port unreachable quoting the whole datagram", unreachable(udp(), 11), "ok"],
  ["an error quoting 7 bytes after the header", unreachable(udp(), 7), "bad-icmp-quote"],
  ["an error quoting nothing", buildIcmpPacket({ src: B, dst: A, type: 11, code: 0, rest: 0 }), "bad-icmp-quote"],
  ["an error quoting IPv6", fixIcmp(edit(unreachable(udp()), 28, 0x65)), "bad-icmp-quote"],
  ["an error quoting IHL 4", fixIcmp(edit(unreachable(udp()), 28, 0x44)), "bad-icmp-quote"],
  ["an error quoting IHL 6 without its 8 bytes", fixIcmp(edit(unreachable(udp()), 28, 0x46)), "bad-icmp-quote"],
  ["time exceeded", buildIcmpPacket({ src: B, dst: A, type: 11, code: 1, rest: 0, payload: udp() }), "ok"],
  ["parameter problem", buildIcmpPacket({ src: B, dst: A, type: 12, code: 0, rest: 20 << 24, payload: udp() }), "ok"],
  ["an unknown ICMP type is parsed, not judged", buildIcmpPacket({ src: B, dst: A, type: 42, code: 0, rest: 0 }), "ok"],
  ["a first fragment (MF): the transport is not parsed", fixIp(edit(edit(udp(), 6, 0x20), 27, 0)), "ok"],
  ["a later fragment: payload only", fixIp(edit(udp(), 7, 3)), "ok"],
  ["another protocol (GRE)", fixIp(edit(udp(), 9, 47)), "ok"],
  ["19 bytes", udp().subarray(0, 19), "truncated-ip-header"],
  ["version 6", edit(udp(), 0, 0x65), "bad-ip-version"],
  ["IHL 4", edit(udp(), 0, 0x44), "bad-ihl"],
  ["total length past the buffer", fixIp(edit(udp(), 3, 40)), "bad-total-length"],
  ["IP checksum wrong", edit(udp(), 8, 1), "bad-ip-checksum"],
];

describe("datagram parser: each validation rule gives its own reason, as the reference says", () => {
  for (const [name, bytes, reason] of CASES) {
    it(`${name} -> ${reason}`, () => {
      expect(verdict(bytes)).toBe(reason);
    });
  }

  it("reads the quote of an error: addresses, protocol and ports of the datagram that caused it", () => {
    const p = parseDatagram(unreachable(udp()));
    expect(p.ok && p.icmp).toMatchObject({
      type: 3,
      code: 3,
      quote: { src: A, dst: B, protocol: 17, srcPort: 5353, dstPort: 53, totalLength: 31, fragmentOffset: 0 },
    });
  });

  it("reports a fragment's offset and MF, and its IPv4 payload as the payload", () => {
    const p = parseDatagram(fixIp(edit(edit(udp([1, 2, 3, 4, 5, 6, 7, 8]), 6, 0x20), 7, 2)));
    expect(p.ok && [p.ip.moreFragments, p.ip.fragmentOffset, p.udp, p.payloadOffset, p.payloadLength]).toEqual([
      true,
      16,
      undefined,
      20,
      16,
    ]);
  });

  it("leaves plain TCP to the TCP parser, and the TCP parser leaves these to it", () => {
    expect(parsePacket(udp()).ok || (parsePacket(udp()) as { reason: string }).reason).toBe("not-tcp");
    expect(parsePacket(echo).ok || (parsePacket(echo) as { reason: string }).reason).toBe("not-tcp");
  });
});

describe("datagram parser: hostile bytes", () => {
  it("random bytes and mutations of valid packets never throw, and WASM and reference agree", () => {
    const seeds = [udp(), echo, unreachable(udp()), udp([], { dontFragment: true })];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 96 }),
          fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat({ max: 255 })).map(([p, at, v]) => {
            const q = edit(p, at % p.length, v);
            return at % 3 === 0 ? fixIp(q) : q;
          }),
        ),
        (bytes) => {
          verdict(bytes);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("every truncation with a consistent IPv4 header gets the transport's own reason", () => {
    const full = unreachable(udp([1, 2, 3, 4]), 12);
    const seen = new Set<string>();
    for (let n = 20; n < full.length; n++) seen.add(verdict(cut(full, n)));
    expect([...seen].sort()).toEqual(["bad-icmp-checksum", "truncated-icmp"]);
  });

  it("never reads past the end: bytes after a packet in WASM memory do not change the verdict", () => {
    const wrong: string[] = [];
    for (const full of [udp([5, 6, 7]), unreachable(udp())]) {
      for (let n = 0; n <= full.length; n++) {
        const bytes = n >= 20 ? cut(full, n) : full.slice(0, n);
        const seen = [0x00, 0xff, 0x45].map((fill) => {
          mem8.fill(fill, FREE, FREE + full.length + 64);
          mem8.set(bytes, FREE);
          return reasonOf(parseDatagram(mem8.subarray(FREE, FREE + n)));
        });
        if (new Set(seen).size !== 1) wrong.push(`cut at ${n}: ${seen.join(" / ")}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

const u8 = fc.nat({ max: 0xff });
const u16 = fc.nat({ max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });
const ipv4 = { src: u32, dst: u32, ttl: u8, id: u16, tos: u8, dontFragment: fc.boolean() };
const payload = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 2000 }));

describe("datagram builders", () => {
  it("UDP: WASM and reference build the same bytes, and parsing gives every field back", () => {
    const fields: fc.Arbitrary<UdpPacketFields> = fc.record(
      { ...ipv4, srcPort: u16, dstPort: u16, payload },
      { requiredKeys: ["src", "dst", "srcPort", "dstPort"] },
    );
    fc.assert(
      fc.property(fields, (f) => {
        const bytes = buildUdpPacket(f);
        expect(Array.from(bytes)).toEqual(Array.from(refBuildUdpPacket(f)));
        const p = parseDatagram(bytes);
        if (!p.ok) throw new Error(`rejected its own datagram: ${p.reason}`);
        expect(p.ip).toMatchObject({ src: f.src, dst: f.dst, ttl: f.ttl ?? 64, protocol: 17, fragmentOffset: 0 });
        expect(p.udp).toMatchObject({ srcPort: f.srcPort, dstPort: f.dstPort, length: 8 + (f.payload?.length ?? 0) });
        expect(p.udp?.checksum).not.toBe(0);
        expect(Array.from(p.payload)).toEqual(Array.from(f.payload ?? []));
      }),
      { numRuns: 300 },
    );
  });

  it("ICMP: WASM and reference build the same bytes, and parsing gives every field back", () => {
    const fields: fc.Arbitrary<IcmpPacketFields> = fc.record(
      { ...ipv4, type: fc.constantFrom(0, 8, 13, 42), code: u8, rest: u32, payload },
      { requiredKeys: ["src", "dst", "type", "code", "rest"] },
    );
    fc.assert(
      fc.property(fields, (f) => {
        const bytes = buildIcmpPacket(f);
        expect(Array.from(bytes)).toEqual(Array.from(refBuildIcmpPacket(f)));
        const p = parseDatagram(bytes);
        if (!p.ok) throw new Error(`rejected its own message: ${p.reason}`);
        expect(p.icmp).toMatchObject({ type: f.type, code: f.code, rest: f.rest });
        expect(Array.from(p.payload)).toEqual(Array.from(f.payload ?? []));
      }),
      { numRuns: 300 },
    );
  });

  it("a UDP checksum that sums to zero is sent as 0xffff (RFC 768)", () => {
    // Find a payload word that makes the computed checksum 0: the complement of the rest's sum.
    const base = udp([0, 0]);
    const word = (base[26] << 8) | base[27];
    const zero = udp([word >> 8, word & 255]);
    expect((zero[26] << 8) | zero[27]).toBe(0xffff);
    expect(verdict(zero)).toBe("ok");
  });

  it("refuses out-of-range fields and oversize packets with a RangeError", () => {
    expect(() => buildUdpPacket({ src: A, dst: B, srcPort: 65536, dstPort: 1 })).toThrow(RangeError);
    expect(() => buildIcmpPacket({ src: A, dst: B, type: 256, code: 0, rest: 0 })).toThrow(RangeError);
    expect(() => buildUdpPacket({ src: A, dst: B, srcPort: 1, dstPort: 1, payload: new Uint8Array(65508) })).toThrow(
      RangeError,
    );
    expect(buildUdpPacket({ src: A, dst: B, srcPort: 1, dstPort: 1, payload: new Uint8Array(65507) }).length).toBe(
      65535,
    );
  });

  it("buildIpv4Header writes a fragment's header that the parser reads back", () => {
    const body = new Uint8Array(16).fill(3);
    const header = buildIpv4Header({
      src: A,
      dst: B,
      id: 77,
      protocol: 17,
      totalLength: 36,
      moreFragments: true,
      fragmentOffset: 1480,
    });
    const p = parseDatagram(Uint8Array.from([...header, ...body]));
    expect(p.ok && p.ip).toMatchObject({
      id: 77,
      protocol: 17,
      moreFragments: true,
      fragmentOffset: 1480,
      totalLength: 36,
    });
    expect(() => buildIpv4Header({ src: A, dst: B, protocol: 17, totalLength: 20, fragmentOffset: 4 })).toThrow(
      RangeError,
    );
  });

  it("parseTransportInto checks a reassembled datagram's UDP checksum over the pseudo-header", () => {
    const whole = udp(Array.from({ length: 3000 }, (_, i) => i & 255));
    const rec = new DatagramRecord();
    expect(parseTransportInto(whole.subarray(20), 17, A, B, rec)).toBeNull();
    expect([rec.transport, rec.srcPort, rec.dstPort, rec.payloadOffset, rec.payloadLength]).toEqual([
      17, 5353, 53, 8, 3000,
    ]);
    expect(parseTransportInto(whole.subarray(20), 17, A, B + 1, rec)).toBe("bad-udp-checksum");
  });

  it("parseDatagramInto fills a reused record without allocating a result", () => {
    const rec = new DatagramRecord();
    expect(parseDatagramInto(echo, rec)).toBeNull();
    expect([rec.transport, rec.icmpType, rec.icmpRest, rec.payloadLength]).toEqual([1, 8, 0x12340001, 2]);
    expect(parseDatagramInto(edit(echo, 8, 1), rec)).toBe("bad-ip-checksum");
    expect(rec.icmpType).toBe(8);
  });
});
