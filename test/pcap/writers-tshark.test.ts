import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { MemorySink, PcapngWriter, PcapWriter, type CaptureWriter, type Direction } from "../../src/pcap/index.js";
import { NodeFileSink } from "../../src/pcap/node.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, capinfos, tsharkFields } from "../helpers/tshark.js";
import { conversation } from "./packets.js";

const dir = mkdtempSync(join(tmpdir(), "wirestate-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Nanosecond instants with digits in every place, as a virtual clock would report them (ms, fractional).
 * The first is a wall-clock second (2025-11-21) so seconds > 2^30 are exercised too; the others are small
 * enough that a double in ms holds every nanosecond digit.
 */
const instantsNs = [
  1_763_700_000_000_000_000n,
  1_000_000_001n,
  1_000_999_999n,
  2_123_456_789n,
  2_123_456_789n, // the same instant twice
  1_500_000_000n, // backwards: recorded as given
  3_000_000_000n,
  3_999_999_999n,
];
const toMs = (ns: bigint) => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
const epoch = (ns: bigint, digits: number) => {
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0").slice(0, digits);
  return `${ns / 1_000_000_000n}.${frac}`;
};

const packets = conversation(300);
const directions: Direction[] = [
  "outbound",
  "inbound",
  "outbound",
  "outbound",
  "inbound",
  "outbound",
  "inbound",
  "outbound",
];
const comments: string[][] = [
  ["SYN-SENT"],
  [],
  ["SYN-SENT -> ESTABLISHED", "cwnd=10"],
  [],
  [],
  ["ESTABLISHED -> FIN-WAIT-1"],
  [],
  ["FIN-WAIT-2 -> TIME-WAIT, ümlaut ✓"],
];

async function writeAll(make: (sink: NodeFileSink | MemorySink) => CaptureWriter, name: string): Promise<string> {
  const path = join(dir, name);
  const fileSink = new NodeFileSink(path);
  const memory = new MemorySink();
  const writers = [make(fileSink), make(memory)];
  for (const writer of writers) {
    packets.forEach((data, i) =>
      writer.writePacket({
        timestampMs: toMs(instantsNs[i]),
        data: data.slice(),
        direction: directions[i],
        comments: comments[i],
      }),
    );
    await writer.close();
  }
  // The file sink and the browser sink hold the same bytes.
  expect(Buffer.from(memory.bytes()).equals(readFileSync(path))).toBe(true);
  return path;
}

describeWith(["tshark", "capinfos"], "capture writers, read back by Wireshark", () => {
  it("pcapng: count, nanosecond timestamps, lengths, direction and comments survive", async () => {
    const file = await writeAll((sink) => new PcapngWriter(sink, { interfaceName: "tap0" }), "conv.pcapng");
    const info = capinfos(file);
    expect(info["File type"]).toBe("pcapng");
    expect(info["File encapsulation"]).toBe("rawip");
    expect(info["Number of packets"]).toBe(String(packets.length));
    expect(info["Strict time order"]).toBe("False"); // the deliberate step back
    const rows = tsharkFields(file, [
      "frame.time_epoch",
      "frame.len",
      "frame.cap_len",
      "frame.packet_flags_direction",
      "frame.comment",
      "frame.interface_name",
      "frame.p2p_dir",
    ]);
    expect(rows.map((r) => r[0])).toEqual(instantsNs.map((ns) => epoch(ns, 9)));
    expect(rows.map((r) => Number(r[1]))).toEqual(packets.map((p) => p.length));
    expect(rows.map((r) => Number(r[2]))).toEqual(packets.map((p) => p.length));
    expect(rows.map((r) => Number(r[3]))).toEqual(directions.map((d) => (d === "inbound" ? 1 : 2)));
    expect(rows.map((r) => r[4])).toEqual(comments.map((c) => c.join("|")));
    expect(rows.every((r) => r[5] === "tap0")).toBe(true);
    // Wireshark also maps the flags onto its point-to-point direction: 0 sent, 1 received.
    expect(rows.map((r) => Number(r[6]))).toEqual(directions.map((d) => (d === "inbound" ? 1 : 0)));
    assertCleanCapture(file);
  });

  it("pcap with the nanosecond magic: nanosecond timestamps, lengths, no comments", async () => {
    const file = await writeAll((sink) => new PcapWriter(sink, { resolution: "ns" }), "conv-ns.pcap");
    const info = capinfos(file);
    expect(info["File type"]).toBe("nsecpcap");
    expect(info["Number of packets"]).toBe(String(packets.length));
    expect(info["Packet size limit"]).toBe("262144");
    const rows = tsharkFields(file, ["frame.time_epoch", "frame.len", "frame.cap_len", "frame.comment"]);
    expect(rows.map((r) => r[0])).toEqual(instantsNs.map((ns) => epoch(ns, 9)));
    expect(rows.map((r) => Number(r[1]))).toEqual(packets.map((p) => p.length));
    expect(rows.map((r) => r[3])).toEqual(packets.map(() => ""));
    assertCleanCapture(file);
  });

  it("pcap with the microsecond magic: timestamps truncated to the microsecond", async () => {
    const file = await writeAll((sink) => new PcapWriter(sink), "conv-us.pcap");
    const info = capinfos(file);
    expect(info["File type"]).toBe("pcap");
    expect(info["Number of packets"]).toBe(String(packets.length));
    const rows = tsharkFields(file, ["frame.time_epoch", "frame.len"]);
    expect(rows.map((r) => r[0])).toEqual(instantsNs.map((ns) => `${epoch(ns, 6)}000`));
    assertCleanCapture(file);
  });

  for (const format of ["pcap", "pcapng"] as const) {
    it(`${format}: snaplen truncation stores the head and keeps the original length`, async () => {
      const file = await writeAll(
        (sink) => (format === "pcap" ? new PcapWriter(sink, { snaplen: 54 }) : new PcapngWriter(sink, { snaplen: 54 })),
        `snap.${format}`,
      );
      if (format === "pcap") expect(capinfos(file)["Packet size limit"]).toBe("54");
      // pcapng keeps the snaplen per interface, where `capinfos -I` shows it.
      else
        expect(execFileSync("capinfos", ["-I", file], { encoding: "utf8" })).toMatch(
          /Capture length = 54\n[\s\S]*Time precision = nanoseconds \(9\)/,
        );
      const rows = tsharkFields(file, ["frame.len", "frame.cap_len", "tcp.srcport", "ip.len"]);
      expect(rows.map((r) => Number(r[0]))).toEqual(packets.map((p) => p.length));
      expect(rows.map((r) => Number(r[1]))).toEqual(packets.map((p) => Math.min(54, p.length)));
      // Headers are within the first 54 bytes, so Wireshark still dissects them.
      expect(rows.map((r) => Number(r[3]))).toEqual(packets.map((p) => p.length));
      expect(rows.every((r) => r[2] === "40000" || r[2] === "80")).toBe(true);
    });
  }
});
