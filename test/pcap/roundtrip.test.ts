import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemorySink, PcapngWriter, PcapWriter, type Direction } from "../../src/pcap/index.js";
import { readPcap } from "../helpers/pcap-reader.js";

/** An independent reader of pcapng, just enough to check every field (classic pcap: the shared test reader). */
interface ReadPacket {
  nanos: bigint;
  captured: Uint8Array;
  originalLength: number;
  direction?: Direction;
  comments: string[];
}

function readPcapng(bytes: Uint8Array): ReadPacket[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ReadPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    const type = v.getUint32(at, true);
    const length = v.getUint32(at + 4, true);
    expect(v.getUint32(at + length - 4, true)).toBe(length);
    if (type === 6) {
      const capLen = v.getUint32(at + 20, true);
      const packet: ReadPacket = {
        nanos: (BigInt(v.getUint32(at + 12, true)) << 32n) | BigInt(v.getUint32(at + 16, true)),
        captured: bytes.slice(at + 28, at + 28 + capLen),
        originalLength: v.getUint32(at + 24, true),
        comments: [],
      };
      let o = at + 28 + ((capLen + 3) & ~3);
      while (o < at + length - 4) {
        const code = v.getUint16(o, true);
        const len = v.getUint16(o + 2, true);
        if (code === 0) break;
        const value = bytes.subarray(o + 4, o + 4 + len);
        if (code === 1) packet.comments.push(new TextDecoder("utf-8", { fatal: true }).decode(value));
        if (code === 2) packet.direction = value[0] === 1 ? "inbound" : value[0] === 2 ? "outbound" : undefined;
        o += 4 + ((len + 3) & ~3);
      }
      out.push(packet);
    }
    at += length;
  }
  expect(at).toBe(bytes.length);
  return out;
}

const packetArb = fc.record({
  ns: fc.bigInt({ min: 0n, max: 4_000_000_000n * 1_000_000_000n }),
  data: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  direction: fc.option(fc.constantFrom<Direction>("inbound", "outbound"), { nil: undefined }),
  comments: fc.array(fc.string({ unit: "binary", maxLength: 40 }), { maxLength: 3 }),
});

/** The writer's own conversion, checked separately in timestamp.test.ts; here a ms value it can represent. */
const toMs = (ns: bigint) => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;

describe("writers round-trip through an independent reader", () => {
  it("pcapng keeps every field of arbitrary packets", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(packetArb, { maxLength: 20 }),
        fc.integer({ min: 1, max: 400 }),
        async (packets, snaplen) => {
          const sink = new MemorySink();
          const writer = new PcapngWriter(sink, { snaplen });
          for (const p of packets)
            writer.writePacket({ timestampMs: toMs(p.ns), data: p.data, direction: p.direction, comments: p.comments });
          await writer.close();
          const read = readPcapng(sink.bytes());
          expect(read.length).toBe(packets.length);
          read.forEach((r, i) => {
            const p = packets[i];
            expect(r.captured).toEqual(p.data.subarray(0, snaplen));
            expect(r.originalLength).toBe(p.data.length);
            expect(r.direction).toBe(p.direction);
            expect(r.comments).toEqual(p.comments.map((c) => new TextDecoder().decode(new TextEncoder().encode(c))));
            // Beyond about 2^53 ns a double in ms no longer holds every nanosecond; within 1 us is what it can do.
            const err = r.nanos - p.ns;
            expect(err >= -1000n && err <= 1000n).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("classic pcap keeps data, lengths and time (to its resolution)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(packetArb, { maxLength: 20 }),
        fc.constantFrom<"us" | "ns">("us", "ns"),
        async (packets, resolution) => {
          const sink = new MemorySink();
          const writer = new PcapWriter(sink, { resolution, snaplen: 128 });
          for (const p of packets)
            writer.writePacket({ timestampMs: toMs(p.ns), data: p.data, direction: p.direction, comments: p.comments });
          await writer.close();
          const file = readPcap(sink.bytes());
          expect([file.linkType, file.snapLength]).toEqual([101, 128]);
          expect(file.records.length).toBe(packets.length);
          file.records.forEach((r, i) => {
            expect(r.data).toEqual(packets[i].data.subarray(0, 128));
            expect(r.originalLength).toBe(packets[i].data.length);
            const err = r.timeNs - packets[i].ns;
            expect(err >= (resolution === "us" ? -2000n : -1000n) && err <= 1000n).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
