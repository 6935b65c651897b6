import { execFileSync } from "node:child_process";
import type { ParsedPacket } from "../../src/wire/index.js";
import { ipv4ToString } from "../../src/wire/index.js";

/** The tshark fields a parsed packet is compared on, in column order. */
const FIELDS = [
  "ip.src",
  "ip.dst",
  "ip.len",
  "ip.id",
  "ip.ttl",
  "ip.hdr_len",
  "ip.dsfield",
  "ip.flags.df",
  "ip.checksum",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.seq_raw",
  "tcp.ack_raw",
  "tcp.flags",
  "tcp.window_size_value",
  "tcp.hdr_len",
  "tcp.len",
  "tcp.checksum",
  "tcp.urgent_pointer",
  "tcp.options.mss_val",
  "tcp.options.wscale.shift",
  "tcp.options.sack_perm",
  "tcp.options.timestamp.tsval",
  "tcp.options.timestamp.tsecr",
  "tcp.options.sack_le",
  "tcp.options.sack_re",
  "ip.checksum.status",
  "tcp.checksum.status",
] as const;

export type FieldRow = Record<(typeof FIELDS)[number], string>;

/** Every packet's fields as tshark reports them, with absolute sequence numbers and checksums verified. */
export function tsharkFields(file: string): FieldRow[] {
  const out = execFileSync(
    "tshark",
    [
      "-r",
      file,
      "--disable-protocol",
      "http",
      "-o",
      "tcp.relative_sequence_numbers:FALSE",
      "-o",
      "tcp.analyze_sequence_numbers:FALSE",
      "-o",
      "tcp.check_checksum:TRUE",
      "-o",
      "ip.check_checksum:TRUE",
      "-T",
      "fields",
      "-E",
      "separator=/t",
      "-E",
      "occurrence=a",
      "-E",
      "aggregator=,",
      ...FIELDS.flatMap((f) => ["-e", f]),
    ],
    { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] },
  );
  return out
    .trimEnd()
    .split("\n")
    .map((line) => {
      const cols = line.split("\t");
      return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ?? ""])) as FieldRow;
    });
}

const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;
const hex2 = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/** The same row as our parser sees the packet, in tshark's spelling, for a whole-row comparison. */
export function rowOf(p: ParsedPacket): FieldRow {
  const o = p.tcp.options;
  return {
    "ip.src": ipv4ToString(p.ip.src),
    "ip.dst": ipv4ToString(p.ip.dst),
    "ip.len": String(p.ip.totalLength),
    "ip.id": hex(p.ip.id),
    "ip.ttl": String(p.ip.ttl),
    "ip.hdr_len": String(p.ip.ihl * 4),
    "ip.dsfield": hex2(p.ip.tos),
    "ip.flags.df": p.ip.dontFragment ? "1" : "0",
    "ip.checksum": hex(p.ip.checksum),
    "tcp.srcport": String(p.tcp.srcPort),
    "tcp.dstport": String(p.tcp.dstPort),
    "tcp.seq_raw": String(p.tcp.seq),
    "tcp.ack_raw": String(p.tcp.ack),
    "tcp.flags": hex(p.tcp.flags),
    "tcp.window_size_value": String(p.tcp.window),
    "tcp.hdr_len": String(p.tcp.dataOffset * 4),
    "tcp.len": String(p.payloadLength),
    "tcp.checksum": hex(p.tcp.checksum),
    "tcp.urgent_pointer": String(p.tcp.urgent),
    "tcp.options.mss_val": o.mss === undefined ? "" : String(o.mss),
    "tcp.options.wscale.shift": o.windowScale === undefined ? "" : String(o.windowScale),
    "tcp.options.sack_perm": o.sackPermitted ? "0402" : "",
    "tcp.options.timestamp.tsval": o.timestamps ? String(o.timestamps.tsval) : "",
    "tcp.options.timestamp.tsecr": o.timestamps ? String(o.timestamps.tsecr) : "",
    "tcp.options.sack_le": (o.sackBlocks ?? []).map((b) => b.left).join(","),
    "tcp.options.sack_re": (o.sackBlocks ?? []).map((b) => b.right).join(","),
    "ip.checksum.status": "1",
    "tcp.checksum.status": "1",
  };
}
