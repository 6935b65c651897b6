import { describe, expect, it } from "vitest";
import {
  CaptureClosedError,
  CaptureLimitError,
  InvalidTimestampError,
  MemorySink,
  PcapngWriter,
  PcapWriter,
  SnaplenExceededError,
} from "../../src/pcap/index.js";
import { conversation } from "./packets.js";

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
// `bare` is an option-less ACK: 40 bytes, so record layouts below are easy to check by hand.
const [, , bare, , response] = conversation(300);

/** Walk pcapng blocks: [type, body] pairs, checking both length fields agree. */
function blocks(bytes: Uint8Array): Array<{ type: number; bytes: Uint8Array }> {
  const out = [];
  for (let at = 0; at < bytes.length; ) {
    const length = view(bytes).getUint32(at + 4, true);
    expect(view(bytes).getUint32(at + length - 4, true)).toBe(length);
    expect(length % 4).toBe(0);
    out.push({ type: view(bytes).getUint32(at, true), bytes: bytes.subarray(at, at + length) });
    at += length;
  }
  return out;
}

describe("PcapWriter", () => {
  it("writes the 24-byte header at once, so an empty capture is a valid file", async () => {
    const sink = new MemorySink();
    await new PcapWriter(sink, { snaplen: 1500 }).close();
    const v = view(sink.bytes());
    expect(sink.length).toBe(24);
    expect([
      v.getUint32(0, true),
      v.getUint16(4, true),
      v.getUint16(6, true),
      v.getUint32(16, true),
      v.getUint32(20, true),
    ]).toEqual([0xa1b2c3d4, 2, 4, 1500, 101]);
  });

  it("uses the nanosecond magic when asked", async () => {
    const sink = new MemorySink();
    new PcapWriter(sink, { resolution: "ns" });
    expect(view(sink.bytes()).getUint32(0, true)).toBe(0xa1b23c4d);
  });

  it("records captured and original length when the snaplen cuts a packet", () => {
    const sink = new MemorySink();
    const writer = new PcapWriter(sink, { snaplen: 60 });
    writer.writePacket({ timestampMs: 1, data: response });
    const record = sink.bytes().subarray(24);
    expect(view(record).getUint32(8, true)).toBe(60);
    expect(view(record).getUint32(12, true)).toBe(response.length);
    expect(record.subarray(16)).toEqual(response.subarray(0, 60));
  });

  it("copies the packet, so the caller may reuse the bytes at once", () => {
    const sink = new MemorySink();
    const writer = new PcapWriter(sink);
    const data = bare.slice();
    writer.writePacket({ timestampMs: 1, data });
    data.fill(0xee);
    expect(sink.bytes().subarray(40)).toEqual(bare);
  });

  it("refuses a bad timestamp without writing anything", () => {
    const sink = new MemorySink();
    const writer = new PcapWriter(sink);
    expect(() => writer.writePacket({ timestampMs: -1, data: bare })).toThrow(InvalidTimestampError);
    expect(() => writer.writePacket({ timestampMs: 2 ** 32 * 1000, data: bare })).toThrow(/past 2106/);
    expect(sink.length).toBe(24);
    expect(writer.packets).toBe(0);
  });
});

describe("PcapngWriter", () => {
  it("starts with a section header and interface 0 with if_tsresol 9 and its name", () => {
    const sink = new MemorySink();
    new PcapngWriter(sink, { interfaceName: "eth-test", snaplen: 2000 });
    const [shb, idb] = blocks(sink.bytes());
    expect(shb.type).toBe(0x0a0d0d0a);
    expect(view(shb.bytes).getUint32(8, true)).toBe(0x1a2b3c4d);
    expect(idb.type).toBe(1);
    expect(view(idb.bytes).getUint16(8, true)).toBe(101);
    expect(view(idb.bytes).getUint32(12, true)).toBe(2000);
    const options = Buffer.from(idb.bytes.subarray(16)).toString("latin1");
    expect(options).toContain("\x02\x00\x08\x00eth-test"); // if_name, length 8
    expect(options).toContain("\x09\x00\x01\x00\x09"); // if_tsresol = 9
  });

  it("gives each comment its own opt_comment and the direction in epb_flags", () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink);
    writer.writePacket({ timestampMs: 1, data: bare, direction: "outbound", comments: ["a", "bcd"] });
    writer.writePacket({ timestampMs: 2, data: bare, direction: "inbound" });
    writer.writePacket({ timestampMs: 3, data: bare });
    const epbs = blocks(sink.bytes()).filter((b) => b.type === 6);
    const tail = (b: Uint8Array) => Buffer.from(b.subarray(28 + 40)).toString("hex");
    // opt_comment "a" (padded), opt_comment "bcd" (padded), epb_flags 2, opt_endofopt, total length
    expect(tail(epbs[0].bytes)).toBe(
      "0100010061000000" + "0100030062636400" + "0200040002000000" + "00000000" + "64000000",
    );
    expect(tail(epbs[1].bytes)).toBe("0200040001000000" + "00000000" + "54000000");
    expect(tail(epbs[2].bytes)).toBe("48000000"); // no options at all
  });

  it("cuts an over-long comment at a character boundary instead of refusing the packet", () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink);
    writer.writePacket({ timestampMs: 1, data: bare, comments: ["é".repeat(40_000)] });
    const epb = blocks(sink.bytes())[2].bytes;
    const length = view(epb).getUint16(28 + 40 + 2, true);
    expect(length).toBe(65534); // 32767 two-byte characters; 65535 would split one
  });

  it("records packets on a second interface and rejects unknown ones", () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink);
    expect(writer.addInterface("other")).toBe(1);
    writer.writePacket({ timestampMs: 1, data: bare, interfaceId: 1 });
    expect(view(blocks(sink.bytes())[3].bytes).getUint32(8, true)).toBe(1);
    expect(() => writer.writePacket({ timestampMs: 1, data: bare, interfaceId: 2 })).toThrow(RangeError);
  });
});

for (const [name, make] of [
  ["PcapWriter", (sink: MemorySink, truncate = true) => new PcapWriter(sink, { snaplen: 100, truncate })],
  ["PcapngWriter", (sink: MemorySink, truncate = true) => new PcapngWriter(sink, { snaplen: 100, truncate })],
] as const) {
  describe(`${name}: bad use`, () => {
    it("throws CaptureClosedError on a write after close, and close is idempotent", async () => {
      const sink = new MemorySink();
      const writer = make(sink);
      await writer.close();
      await writer.close();
      expect(() => writer.writePacket({ timestampMs: 1, data: bare })).toThrow(CaptureClosedError);
    });

    it("throws SnaplenExceededError for an oversize packet when truncation is off, and stays usable", () => {
      const sink = new MemorySink();
      const writer = make(sink, false);
      const before = sink.length;
      expect(() => writer.writePacket({ timestampMs: 1, data: response })).toThrow(SnaplenExceededError);
      expect(() => writer.writePacket({ timestampMs: 1, data: response })).toThrow(
        `packet of ${response.length} bytes exceeds the snaplen of 100`,
      );
      expect(sink.length).toBe(before);
      writer.writePacket({ timestampMs: 1, data: bare });
      expect(writer.packets).toBe(1);
    });

    it("records a timestamp that goes backwards as given", () => {
      const sink = new MemorySink();
      const writer = make(sink);
      writer.writePacket({ timestampMs: 5000, data: bare });
      writer.writePacket({ timestampMs: 1000, data: bare });
      expect(writer.packets).toBe(2);
    });

    it("a sink at its limit refuses whole blocks, leaving a valid capture", () => {
      const sink = new MemorySink({ limitBytes: 400 });
      const writer = make(sink);
      let written = 0;
      expect(() => {
        for (;;) {
          writer.writePacket({ timestampMs: 1, data: bare });
          written++;
        }
      }).toThrow(CaptureLimitError);
      expect(writer.packets).toBe(written);
      expect(sink.length).toBeLessThanOrEqual(400);
      // What is stored is the header plus exactly the packets accepted: nothing partial.
      const header =
        name === "PcapWriter"
          ? 24
          : blocks(sink.bytes())
              .slice(0, 2)
              .reduce((n, b) => n + b.bytes.length, 0);
      const perPacket = name === "PcapWriter" ? 16 + 40 : 32 + 40;
      expect(sink.length).toBe(header + written * perPacket);
    });
  });
}

describe("MemorySink", () => {
  it("yields the capture as a Blob with the writer's media type", async () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink);
    writer.writePacket({ timestampMs: 1, data: bare });
    await writer.close();
    const blob = sink.blob(writer.mediaType);
    expect(blob.type).toBe("application/x-pcapng");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(sink.bytes());
    expect(() => sink.write(new Uint8Array(1))).toThrow(CaptureClosedError);
  });
});
