import { describe, expect, it } from "vitest";
import { buildPacket, buildPacketInto, buildSegmentInArena, maxPacketLength } from "../../src/wire/build.js";
import { releasePacket } from "../../src/wire/packet-arena.js";
import { parsePacket } from "../../src/wire/parse.js";
import { giveRing, takeRing } from "../../src/wire/ring-arena.js";
import { SegmentFields, payloadLengthOf } from "../../src/wire/segment-fields.js";
import { TcpFlags } from "../../src/wire/types.js";
import { LinearView, subview } from "../../src/wire/wasm.js";

/** A segment's fields with `payload` given as a view (plain record) or by address (SegmentFields). */
function record(): SegmentFields {
  const f = new SegmentFields();
  f.src = 0x0a000001;
  f.dst = 0x0a000002;
  f.srcPort = 1234;
  f.dstPort = 80;
  f.seq = 0xfffff000;
  f.ack = 9;
  f.flags = TcpFlags.ACK | TcpFlags.PSH;
  f.window = 100;
  f.options = { timestamps: { tsval: 5, tsecr: 6 } };
  return f;
}

describe("SegmentFields: a payload given by its address in linear memory", () => {
  const ring = takeRing(4096)! as LinearView;
  ring.set(
    new Uint8Array(1448).map((_, i) => (i * 13) & 255),
    100,
  );
  const bytes = ring.slice(100, 100 + 1448);
  const plain = { ...record(), payload: bytes };
  plain.options = { timestamps: { tsval: 5, tsecr: 6 } };

  it("builds in the arena the same packet as the payload given as bytes, and makes no view of it", () => {
    const f = record();
    f.payloadAt(ring.address + 100, 1448);
    expect(payloadLengthOf(f)).toBe(1448);
    const p = buildSegmentInArena(f)!;
    expect(f.payloadAddress).toBe(ring.address + 100); // still an address: nothing read `payload`
    expect(p.slice()).toEqual(buildPacket(plain));
    const parsed = parsePacket(p);
    expect(parsed.ok && parsed.payload).toEqual(bytes);
    releasePacket(p);
  });

  it("hands a reader of `payload` a view of those bytes, and the other builds take it", () => {
    const f = record();
    f.payloadAt(ring.address + 100, 1448);
    expect(f.payload!.slice()).toEqual(bytes);
    expect(f.payload).toBeInstanceOf(LinearView);
    expect(f.payloadLength).toBe(1448);
    const out = new Uint8Array(maxPacketLength(1448));
    const n = buildPacketInto(f, out);
    expect(out.subarray(0, n)).toEqual(buildPacket(plain));
  });

  it("takes a view or no payload as a plain record does", () => {
    const f = record();
    f.payloadAt(ring.address + 100, 1448);
    f.payload = bytes.subarray(0, 10);
    expect(payloadLengthOf(f)).toBe(10);
    expect(buildPacket(f)).toEqual(buildPacket({ ...plain, payload: bytes.subarray(0, 10) }));
    f.payload = undefined;
    expect(payloadLengthOf(f)).toBe(0);
    expect(f.payload).toBeUndefined();
    expect(buildPacket(f)).toEqual(buildPacket({ ...plain, payload: undefined }));
  });

  it("gives a packet view's payload view again for the same bounds, and a new one for others", () => {
    const p = buildSegmentInArena(plain)!;
    const a = subview(p, 52, 1448);
    expect(subview(p, 52, 1448)).toBe(a);
    expect(a).toEqual(bytes);
    const b = subview(p, 52, 10);
    expect(b).not.toBe(a);
    expect(b).toEqual(bytes.subarray(0, 10));
    releasePacket(p);
  });

  it("releases the ring", () => {
    giveRing(ring);
  });
});
