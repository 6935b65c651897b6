import { describe, expect, it } from "vitest";
import { buildPacket, buildPacketInArena, MAX_ARENA_PAYLOAD } from "../../src/wire/build.js";
import { freeSlots, releasePacket } from "../../src/wire/packet-arena.js";
import { parsePacket } from "../../src/wire/parse.js";
import { TcpFlags, type PacketFields } from "../../src/wire/types.js";
import { inWasm } from "../../src/wire/wasm.js";

const fields = (payload: Uint8Array): PacketFields => ({
  src: 0x0a000001, dst: 0x0a000002, srcPort: 1234, dstPort: 80, seq: 7, ack: 9, flags: TcpFlags.ACK, window: 100,
  options: { timestamps: { tsval: 5, tsecr: 6 } }, payload,
});

describe("packet arena", () => {
  it("builds the same bytes as buildPacket, in linear memory, and gives the slot back once", () => {
    const payload = new Uint8Array(1448).map((_, i) => i * 7);
    const before = freeSlots();
    const p = buildPacketInArena(fields(payload))!;
    expect(inWasm(p)).toBe(true);
    expect(freeSlots()).toBe(before - 1);
    expect(p).toEqual(buildPacket(fields(payload)));
    const parsed = parsePacket(p);
    expect(parsed.ok && parsed.payload).toEqual(payload);
    releasePacket(p);
    releasePacket(p); // a second release must not free the slot twice
    expect(freeSlots()).toBe(before);
  });

  it("declines payloads too large for a slot, and hands out no slot when all are taken", () => {
    expect(buildPacketInArena(fields(new Uint8Array(MAX_ARENA_PAYLOAD + 1)))).toBeNull();
    const held: Uint8Array[] = [];
    for (let p = buildPacketInArena(fields(new Uint8Array(1))); p !== null; p = buildPacketInArena(fields(new Uint8Array(1)))) held.push(p);
    expect(freeSlots()).toBe(0);
    expect(new Set(held.map((p) => p.byteOffset)).size).toBe(held.length);
    for (const p of held) releasePacket(p);
    expect(freeSlots()).toBe(held.length);
  });

  it("returns the slot when a field is out of range", () => {
    const before = freeSlots();
    expect(() => buildPacketInArena({ ...fields(new Uint8Array(4)), window: 70000 })).toThrow(RangeError);
    expect(freeSlots()).toBe(before);
  });
});
