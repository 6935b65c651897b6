import { describe, expect, it } from "vitest";
import { buildPacket } from "../../src/wire/build.js";
import { parseIpv6 } from "../../src/wire/ipv6-address.js";
import { parseIpv6Into } from "../../src/wire/ipv6-parse.js";
import { Ipv6Record } from "../../src/wire/ipv6-record.js";
import { ParsedRecord } from "../../src/wire/record.js";
import { DatagramRecord } from "../../src/wire/datagram-record.js";
import { parsePacket } from "../../src/wire/parse.js";
import { TcpFlags, type PacketFields } from "../../src/wire/types.js";
import { FREE, LinearView, SCRATCH } from "../../src/wire/wasm.js";
import { HEADROOM } from "../../src/wire/layout.generated.js";

// A payload in linear memory is copied into the packet by the build, in the checksum's pass (assembly/
// checksum.ts copySum); any other is placed by TypedArray.set first. The two must give the same packet.
const fields = (payload: Uint8Array): PacketFields => ({
  src: 0x0a000001,
  dst: 0x0a000002,
  srcPort: 40000,
  dstPort: 5001,
  seq: 0xfffffff0,
  ack: 77,
  flags: TcpFlags.ACK | TcpFlags.PSH,
  window: 65535,
  options: { timestamps: { tsval: 1, tsecr: 2 } },
  payload,
});

/** `length` bytes of linear memory at FREE + `offset`, filled from `seed`, as a LinearView. */
function linearPayload(offset: number, length: number, seed: number): LinearView {
  const view = new LinearView(FREE + offset, length);
  for (let i = 0; i < length; i++) view[i] = (i * 131 + seed) & 0xff;
  return view;
}

describe("building from a payload in linear memory", () => {
  // Every length up to a few vectors (the 128-byte rounds, the 16-byte steps, the 4/2/1-byte tail), at
  // every alignment of the source within 16 bytes, and a full segment.
  const lengths = [...Array.from({ length: 300 }, (_, i) => i), 1448, 1449, 4095];
  it.each([0, 1, 2, 3, 7, 15])("gives the same bytes as a copied payload, source offset %i", (offset) => {
    for (const length of lengths) {
      const payload = linearPayload(offset, length, length);
      const copied = buildPacket(fields(payload.slice()));
      const built = buildPacket(fields(payload));
      expect(built).toEqual(copied);
      const parsed = parsePacket(built);
      expect(parsed.ok && parsed.payload).toEqual(payload.slice());
    }
  });

  it("gives the same bytes over IPv6", () => {
    const ends = { src: parseIpv6("fd00::2"), dst: parseIpv6("fd00::1") };
    const tcp = new ParsedRecord();
    for (const length of [0, 1, 17, 333, 1440]) {
      const payload = linearPayload(3, length, 9);
      const built = buildPacket(fields(payload), ends);
      expect(built).toEqual(buildPacket(fields(payload.slice()), ends));
      expect(parseIpv6Into(built, new Ipv6Record(), tcp, new DatagramRecord())).toBeNull();
      expect(tcp.payloadLength).toBe(length);
    }
  });

  it("copies a payload that overlaps the area it goes to as a TypedArray.set would", () => {
    // The scratch area is where buildPacket puts the payload: a source a few bytes either side overlaps it.
    for (const shift of [-5, 0, 3, 64]) {
      const length = 1000;
      const source = new LinearView(SCRATCH + HEADROOM + shift, length);
      for (let i = 0; i < length; i++) source[i] = (i * 7 + shift) & 0xff;
      const expected = source.slice();
      const built = buildPacket(fields(source));
      const parsed = parsePacket(built);
      expect(parsed.ok && parsed.payload).toEqual(expected);
    }
  });
});
