import { describe, expect, it } from "vitest";
import { buildPacket, buildPacketInArena, buildSegmentInArena } from "../../src/wire/build.js";
import { MAX_ARENA_PAYLOAD, freeSlots, releasePacket } from "../../src/wire/packet-arena.js";
import { parsePacket } from "../../src/wire/parse.js";
import { TcpFlags, type PacketFields } from "../../src/wire/types.js";
import { addressOf, inWasm, LinearView, mem8 } from "../../src/wire/wasm.js";

const fields = (payload: Uint8Array): PacketFields => ({
  src: 0x0a000001,
  dst: 0x0a000002,
  srcPort: 1234,
  dstPort: 80,
  seq: 7,
  ack: 9,
  flags: TcpFlags.ACK,
  window: 100,
  options: { timestamps: { tsval: 5, tsecr: 6 } },
  payload,
});

describe("packet arena", () => {
  it.each([1448, 65483])(
    "builds the same bytes as buildPacket for a %i-byte payload, in linear memory, and gives the slot back once",
    (size) => {
      const payload = new Uint8Array(size).map((_, i) => i * 7);
      const before = freeSlots();
      const p = buildPacketInArena(fields(payload))!;
      expect(inWasm(p)).toBe(true);
      const during = freeSlots();
      expect(during.small + during.large).toBe(before.small + before.large - 1);
      // A LinearView knows where it starts; its subarray is a plain view of the same bytes.
      expect(p).toBeInstanceOf(LinearView);
      expect((p as LinearView).address).toBe(p.byteOffset);
      expect(addressOf(p)).toBe(p.byteOffset);
      expect(p.subarray(0)).toEqual(buildPacket(fields(payload)));
      const parsed = parsePacket(p);
      expect(parsed.ok && parsed.payload).toEqual(payload);
      releasePacket(p);
      releasePacket(p); // a second release must not free the slot twice
      expect(freeSlots()).toEqual(before);
    },
  );

  it("locates views of linear memory by address, and nothing else", () => {
    const view = new LinearView(4096, 100);
    expect(view.byteOffset).toBe(4096);
    expect(addressOf(view)).toBe(4096);
    expect(addressOf(mem8.subarray(5000, 5100))).toBe(5000);
    expect(addressOf(new Uint8Array(100))).toBe(-1);
    const part = view.subarray(10, 20);
    expect(part).not.toBeInstanceOf(LinearView);
    expect(addressOf(part)).toBe(4106);
  });

  it("declines payloads too large for a slot, and hands out no slot when all are taken", () => {
    expect(buildPacketInArena(fields(new Uint8Array(MAX_ARENA_PAYLOAD + 1)))).toBeNull();
    const held: Uint8Array[] = [];
    for (
      let p = buildPacketInArena(fields(new Uint8Array(1)));
      p !== null;
      p = buildPacketInArena(fields(new Uint8Array(1)))
    )
      held.push(p);
    expect(freeSlots().small).toBe(0);
    expect(new Set(held.map((p) => p.byteOffset)).size).toBe(held.length);
    for (const p of held) releasePacket(p);
    expect(freeSlots().small).toBe(held.length);
  });

  it.each([0, 1, 1447, 1448])(
    "builds the stack's own %i-byte segment, unvalidated, as buildPacket does with every option",
    (size) => {
      const payload = new Uint8Array(size).map((_, i) => i * 13 + 5);
      const f: PacketFields = {
        ...fields(payload),
        ttl: 3,
        id: 0xbeef,
        tos: 0x02,
        dontFragment: false,
        flags: TcpFlags.ACK | TcpFlags.PSH,
        urgent: 0x1234,
        options: {
          mss: 1460,
          windowScale: 7,
          sackPermitted: true,
          sackBlocks: [
            { left: 100, right: 200 },
            { left: 0xfffffff0, right: 5 },
          ],
        },
      };
      const p = buildSegmentInArena(f)!;
      expect(p.subarray(0)).toEqual(buildPacket(f));
      releasePacket(p);
    },
  );

  it("hands the next packet of a slot the same view when it has the same bounds, with the new bytes", () => {
    const first = buildSegmentInArena({ ...fields(new Uint8Array(1448).fill(1)), seq: 100 })!;
    releasePacket(first);
    const second = buildSegmentInArena({ ...fields(new Uint8Array(1448).fill(2)), seq: 200 })!;
    expect(second).toBe(first);
    const parsed = parsePacket(second);
    expect(parsed.ok && parsed.tcp.seq).toBe(200);
    expect(parsed.ok && parsed.payload.every((b) => b === 2)).toBe(true);
    // Held, the slot is not reused: the next packet has a slot and a view of its own.
    const third = buildSegmentInArena(fields(new Uint8Array(1448)))!;
    expect(third).not.toBe(second);
    releasePacket(third);
    releasePacket(second);
    // Other bounds (a bare ACK in the same slot): a view of those bounds.
    const ack = buildSegmentInArena(fields(new Uint8Array(0)))!;
    expect(ack).not.toBe(first);
    expect(ack.length).toBe(52);
    releasePacket(ack);
  });

  it("takes the stack's own fields as they are, and still refuses what the layout cannot hold", () => {
    const before = freeSlots();
    // Not validated: a window beyond 16 bits is cut to the field (the engine never makes one).
    const p = buildSegmentInArena({ ...fields(new Uint8Array(4)), window: 0x10064 })!;
    const parsed = parsePacket(p);
    expect(parsed.ok && parsed.tcp.window).toBe(100);
    releasePacket(p);
    const fiveBlocks = Array.from({ length: 5 }, (_, i) => ({ left: i, right: i + 1 }));
    expect(() => buildSegmentInArena({ ...fields(new Uint8Array(4)), options: { sackBlocks: fiveBlocks } })).toThrow(
      RangeError,
    );
    expect(() => buildSegmentInArena(fields(new Uint8Array(65535 - 40)))).toThrow(RangeError);
    expect(freeSlots()).toEqual(before);
  });

  it("returns the slot when a field is out of range, or the packet would exceed 65535 bytes", () => {
    const before = freeSlots();
    expect(() => buildPacketInArena({ ...fields(new Uint8Array(4)), window: 70000 })).toThrow(RangeError);
    expect(() => buildPacketInArena(fields(new Uint8Array(65535 - 40)))).toThrow(RangeError);
    expect(freeSlots()).toEqual(before);
  });
});
