import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildPacket, parsePacket, type PacketFields, type TcpOptions } from "../../src/wire/index.js";
import { refBuildPacket, refParsePacket } from "./reference/index.js";

const u8 = fc.nat({ max: 0xff });
const u16 = fc.nat({ max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });

const options: fc.Arbitrary<TcpOptions> = fc.record(
  {
    mss: u16,
    windowScale: u8,
    sackPermitted: fc.boolean(),
    timestamps: fc.record({ tsval: u32, tsecr: u32 }),
    sackBlocks: fc.array(fc.record({ left: u32, right: u32 }), { minLength: 0, maxLength: 4 }),
  },
  { requiredKeys: [] },
);

const fields: fc.Arbitrary<PacketFields> = fc.record(
  {
    src: u32,
    dst: u32,
    ttl: u8,
    id: u16,
    tos: u8,
    dontFragment: fc.boolean(),
    srcPort: u16,
    dstPort: u16,
    seq: u32,
    ack: u32,
    flags: u8,
    window: u16,
    urgent: u16,
    options,
    payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 3000 })),
  },
  { requiredKeys: ["src", "dst", "srcPort", "dstPort", "seq", "flags", "window"] },
);

/** Bytes the option layout takes (assembly/build.ts): the 40-byte limit decides whether building throws. */
function optionBytes(o: TcpOptions = {}): number {
  const sack = o.sackBlocks?.length ? 4 + 8 * o.sackBlocks.length : 0;
  return (
    (o.mss !== undefined ? 4 : 0) +
    (o.windowScale !== undefined ? 4 : 0) +
    (o.timestamps ? 12 : o.sackPermitted ? 4 : 0) +
    sack
  );
}

/** What parsing must report for the options given to the builder. */
function expectedOptions(o: TcpOptions = {}): TcpOptions {
  const e: TcpOptions = {};
  if (o.mss !== undefined) e.mss = o.mss;
  if (o.windowScale !== undefined) e.windowScale = o.windowScale;
  if (o.sackPermitted) e.sackPermitted = true;
  if (o.sackBlocks?.length) e.sackBlocks = o.sackBlocks;
  if (o.timestamps) e.timestamps = o.timestamps;
  return e;
}

describe("build then parse", () => {
  it("gives back every field, option and payload byte; WASM and reference build the same bytes", () => {
    fc.assert(
      fc.property(fields, (f) => {
        if (optionBytes(f.options) > 40) {
          expect(() => buildPacket(f)).toThrow(RangeError);
          return;
        }
        const bytes = buildPacket(f);
        expect(Array.from(bytes)).toEqual(Array.from(refBuildPacket(f)));
        const p = parsePacket(bytes);
        if (!p.ok) throw new Error(`rejected its own packet: ${p.reason}`);
        expect(p.ip).toMatchObject({
          ihl: 5,
          totalLength: bytes.length,
          src: f.src,
          dst: f.dst,
          ttl: f.ttl ?? 64,
          id: f.id ?? 0,
          tos: f.tos ?? 0,
          dontFragment: f.dontFragment ?? true,
          moreFragments: false,
          fragmentOffset: 0,
          protocol: 6,
        });
        expect(p.tcp).toMatchObject({
          srcPort: f.srcPort,
          dstPort: f.dstPort,
          seq: f.seq,
          ack: f.ack ?? 0,
          flags: f.flags,
          window: f.window,
          urgent: f.urgent ?? 0,
          dataOffset: 5 + optionBytes(f.options) / 4,
        });
        expect(p.tcp.options).toEqual(expectedOptions(f.options));
        expect(Array.from(p.payload)).toEqual(Array.from(f.payload ?? []));
        const ref = refParsePacket(bytes);
        expect({ ...ref, payload: undefined }).toEqual({ ...p, payload: undefined });
      }),
      { numRuns: 400 },
    );
  });

  it("builds the largest packet (65535 bytes) and refuses one byte more", () => {
    const base = { src: 1, dst: 2, srcPort: 3, dstPort: 4, seq: 5, flags: 0x18, window: 6, options: { mss: 1460 } };
    const big = buildPacket({ ...base, payload: new Uint8Array(65535 - 44).fill(7) });
    expect(big.length).toBe(65535);
    const p = parsePacket(big);
    expect(p.ok && p.payloadLength).toBe(65535 - 44);
    expect(() => buildPacket({ ...base, payload: new Uint8Array(65535 - 43) })).toThrow(RangeError);
  });

  it("refuses out-of-range fields with a RangeError", () => {
    const base = { src: 1, dst: 2, srcPort: 3, dstPort: 4, seq: 5, flags: 0x10, window: 6 };
    for (const bad of [
      { srcPort: 65536 },
      { seq: -1 },
      { seq: 2 ** 32 },
      { window: 1.5 },
      { ttl: 256 },
      { options: { sackBlocks: [1, 2, 3, 4, 5].map((n) => ({ left: n, right: n })) } },
    ]) {
      expect(() => buildPacket({ ...base, ...bad })).toThrow(RangeError);
    }
  });
});
