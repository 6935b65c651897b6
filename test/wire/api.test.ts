import { describe, expect, it } from "vitest";
import { mem8, FREE, wasm } from "../../src/wire/wasm.js";
import {
  buildPacket,
  buildPacketInto,
  maxPacketLength,
  parsePacket,
  parseInto,
  ParsedRecord,
  OptionBits,
  internetChecksum,
  pseudoHeaderSum,
  checksumUpdate,
  parseIpv4,
  ipv4ToString,
  TcpFlags,
  seqLt,
  seqGt,
  seqAdd,
  seqDiff,
  seqInWindow,
} from "../../src/wire/index.js";

const A = parseIpv4("10.0.0.1");
const B = parseIpv4("10.0.0.2");

describe("wirestate/wire public API", () => {
  it("converts IPv4 addresses both ways and rejects malformed ones", () => {
    expect(A).toBe(0x0a000001);
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    expect(ipv4ToString(0xc0a80101)).toBe("192.168.1.1");
    for (const bad of ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", " 1.2.3.4"]) {
      expect(() => parseIpv4(bad)).toThrow(TypeError);
    }
  });

  it("builds a SYN-ACK with every option and parses it back with the same fields", () => {
    const payload = new TextEncoder().encode("hello");
    const bytes = buildPacket({
      src: A,
      dst: B,
      srcPort: 1234,
      dstPort: 80,
      seq: 0xfffffff0,
      ack: 5,
      id: 77,
      ttl: 63,
      flags: TcpFlags.SYN | TcpFlags.ACK | TcpFlags.ECE,
      window: 65535,
      options: {
        mss: 1460,
        windowScale: 7,
        sackPermitted: true,
        timestamps: { tsval: 1, tsecr: 0xffffffff },
        sackBlocks: [{ left: 1, right: 2 }],
      },
      payload,
    });
    expect(internetChecksum(bytes.subarray(0, 20))).toBe(0);
    const tcpLen = bytes.length - 20;
    expect(internetChecksum(bytes.subarray(20), pseudoHeaderSum(A, B, 6, tcpLen))).toBe(0);
    const p = parsePacket(bytes);
    if (!p.ok) throw new Error(p.reason);
    expect(p.ip).toMatchObject({
      ihl: 5,
      ttl: 63,
      id: 77,
      protocol: 6,
      src: A,
      dst: B,
      dontFragment: true,
      totalLength: bytes.length,
    });
    expect(p.tcp).toMatchObject({
      srcPort: 1234,
      dstPort: 80,
      seq: 0xfffffff0,
      ack: 5,
      window: 65535,
      flags: TcpFlags.SYN | TcpFlags.ACK | TcpFlags.ECE,
    });
    expect(p.tcp.options).toEqual({
      mss: 1460,
      windowScale: 7,
      sackPermitted: true,
      timestamps: { tsval: 1, tsecr: 0xffffffff },
      sackBlocks: [{ left: 1, right: 2 }],
    });
    expect(new TextDecoder().decode(p.payload)).toBe("hello");
    expect(p.payload.buffer).toBe(bytes.buffer);
  });

  it("finds the payload behind IPv4 options", () => {
    const plain = buildPacket({
      src: A,
      dst: B,
      srcPort: 1,
      dstPort: 2,
      seq: 3,
      flags: TcpFlags.ACK,
      window: 4,
      payload: new Uint8Array([42, 43]),
    });
    const bytes = new Uint8Array(plain.length + 8);
    bytes.set(plain.subarray(0, 20));
    bytes.set([1, 1, 1, 1, 1, 1, 1, 0], 20); // NOPs and an EOL
    bytes.set(plain.subarray(20), 28);
    bytes[0] = 0x47;
    bytes[3] += 8;
    bytes[10] = bytes[11] = 0;
    const ck = internetChecksum(bytes.subarray(0, 28));
    bytes[10] = ck >> 8;
    bytes[11] = ck & 255;
    const p = parsePacket(bytes);
    if (!p.ok) throw new Error(p.reason);
    expect([p.ip.ihl, p.payloadOffset, p.payloadLength, ...p.payload]).toEqual([7, 48, 2, 42, 43]);
  });

  it("parseInto fills a reusable record and reports rejections without touching it", () => {
    const rec = new ParsedRecord();
    const bytes = buildPacket({
      src: A,
      dst: B,
      srcPort: 1,
      dstPort: 2,
      seq: 3,
      flags: TcpFlags.ACK,
      window: 9,
      options: { timestamps: { tsval: 5, tsecr: 6 } },
    });
    expect(parseInto(bytes, rec)).toBeNull();
    expect(rec.optionMask).toBe(OptionBits.TIMESTAMPS);
    expect([rec.options.timestamps?.tsval, rec.options.timestamps?.tsecr, rec.seq, rec.payloadLength]).toEqual([
      5, 6, 3, 0,
    ]);
    expect(rec.options).toEqual({ timestamps: { tsval: 5, tsecr: 6 } });
    bytes[30] ^= 1;
    expect(parseInto(bytes, rec)).toBe("bad-tcp-checksum");
    expect(rec.seq).toBe(3);
  });

  it("parses a packet that already lives in WASM memory in place, at any alignment", () => {
    const bytes = buildPacket({
      src: A,
      dst: B,
      srcPort: 5,
      dstPort: 6,
      seq: 7,
      flags: TcpFlags.ACK,
      window: 8,
      options: { mss: 536 },
      payload: new Uint8Array([1, 2, 3, 4, 5]),
    });
    const expected = parsePacket(bytes);
    for (let align = 0; align < 8; align++) {
      mem8.set(bytes, FREE + align);
      const view = mem8.subarray(FREE + align, FREE + align + bytes.length);
      const p = parsePacket(view);
      expect({ ...p, payload: undefined }).toEqual({ ...expected, payload: undefined });
      expect(p.ok && p.payload.buffer).toBe(wasm.memory.buffer);
      expect(p.ok && Array.from(p.payload)).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it("updates a checksum incrementally (RFC 1624) to the value a full recomputation gives", () => {
    const bytes = buildPacket({ src: A, dst: B, srcPort: 1, dstPort: 2, seq: 3, flags: TcpFlags.ACK, window: 100 });
    const old = (bytes[34] << 8) | bytes[35];
    bytes[34] = 0x12;
    bytes[35] = 0x34; // the window field
    const updated = checksumUpdate((bytes[36] << 8) | bytes[37], 100, 0x1234);
    bytes[36] = updated >> 8;
    bytes[37] = updated & 0xff;
    expect(old).toBe(100);
    expect(parsePacket(bytes).ok).toBe(true);
  });

  it("compares sequence numbers across the 2^32 wrap", () => {
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
    expect(seqAdd(0xffffffff, 2)).toBe(1);
    expect(seqDiff(1, 0xffffffff)).toBe(2);
    expect(seqInWindow(2, 0xfffffffe, 8)).toBe(true);
    expect(seqInWindow(6, 0xfffffffe, 8)).toBe(false);
  });

  it("rejects garbage with a reason instead of throwing", () => {
    expect(parsePacket(new Uint8Array(0))).toEqual({ ok: false, reason: "truncated-ip-header" });
    expect(parsePacket(new Uint8Array(40).fill(0x60))).toEqual({ ok: false, reason: "bad-ip-version" });
  });
});

describe("buildPacketInto", () => {
  const fields = {
    src: A,
    dst: B,
    srcPort: 9,
    dstPort: 10,
    seq: 11,
    flags: TcpFlags.ACK,
    window: 12,
    options: { sackPermitted: true },
    payload: new Uint8Array([9, 8, 7]),
  };

  it("writes the same bytes as buildPacket at an offset of the caller's buffer", () => {
    const slab = new Uint8Array(200).fill(0xee);
    const n = buildPacketInto(fields, slab, 17);
    expect(Array.from(slab.subarray(17, 17 + n))).toEqual(Array.from(buildPacket(fields)));
    expect(slab[16]).toBe(0xee);
    expect(slab[17 + n]).toBe(0xee);
    expect(n).toBeLessThanOrEqual(maxPacketLength(3));
  });

  it("refuses a buffer too small, writing nothing", () => {
    const small = new Uint8Array(40);
    expect(() => buildPacketInto(fields, small)).toThrow(RangeError);
    expect(small.every((b) => b === 0)).toBe(true);
  });
});
