import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Wireshark as the judge of captures (ARCHITECTURE.md, "Test methods"). Tests call these inside a
 * `describeWith(["tshark"], ...)` block. Each takes a capture file's path or the capture's bytes (e.g.
 * `MemorySink.bytes()`), so a test can judge what a `Stack` captured without touching the disk itself:
 *
 *   const sink = new MemorySink();
 *   const stack = new Stack({ ..., capture: new PcapngWriter(sink) });
 *   ... traffic ...
 *   assertCleanCapture(sink.bytes(), [...LOSS_WARNINGS]);   // deliberate loss: allow its warnings by name
 */

/** A capture to read: a file path, or the bytes of a pcap/pcapng file. */
export type Capture = string | Uint8Array;

function withFile<T>(capture: Capture, read: (path: string) => T): T {
  if (typeof capture === "string") return read(capture);
  const dir = mkdtempSync(join(tmpdir(), "wirestate-tshark-"));
  try {
    const path = join(dir, "capture");
    writeFileSync(path, capture);
    return read(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ARCHITECTURE.md's filter: bad checksums, malformed packets, and any expert info of warning or worse. */
export const JUDGE_FILTER =
  "tcp.checksum.status==0 || ip.checksum.status==0 || udp.checksum.status==0 || icmp.checksum.status==0 || " +
  "icmpv6.checksum.status==0 || " +
  '_ws.malformed || _ws.expert.severity >= "warning"';

/**
 * Judge TCP/IP only: HTTP dissection and TCP reassembly flag even the kernel's lossy traffic, and the
 * heuristic dissectors registered on TCP read random payload bytes as some protocol (Thrift, say) and
 * flag "trailing stray characters" in it. Those protocols, as the installed tshark lists them (it names the
 * protocol, not the heuristic's short name, in tshark 4.0), are disabled outright.
 */
let judgePreferences: string[] | undefined;
function judgePrefs(): string[] {
  judgePreferences ??= [
    ...tshark(["-G", "heuristic-decodes"])
      .split("\n")
      .map((line) => line.split("\t"))
      .filter(([parent, name]) => parent === "tcp" && name)
      .concat([["tcp", "http"]])
      .flatMap(([, name]) => ["--disable-protocol", name]),
    "-o",
    "tcp.desegment_tcp_streams:FALSE",
    "-o",
    "tcp.check_checksum:TRUE",
    "-o",
    "ip.check_checksum:TRUE",
    "-o",
    "udp.check_checksum:TRUE",
  ];
  return judgePreferences;
}

/** Expert infos that deliberate loss, reordering or a deliberate reset produce; allow them by name. */
export const LOSS_WARNINGS = [
  "tcp.analysis.retransmission",
  "tcp.analysis.fast_retransmission",
  "tcp.analysis.spurious_retransmission",
  "tcp.analysis.out_of_order",
  "tcp.analysis.lost_segment",
  "tcp.analysis.ack_lost_segment",
  "tcp.analysis.duplicate_ack",
  // A retransmission the receiver already had is reported back as a D-SACK block (RFC 2883).
  "tcp.options.sack.dsack",
  // A lost segment pins the receiver's window at the hole; the sender fills the rest of it while the
  // retransmission is outstanding (flow control doing its job because of the loss).
  "tcp.analysis.window_full",
] as const;
export const RST_WARNING = "tcp.connection.rst";

const WARNING = 0x600000; // _ws.expert.severity of "Warning"; Error is 0x800000

export interface JudgeFinding {
  frame: number;
  /** The expert info's field name ("tcp.analysis.retransmission", "_ws.malformed", "tcp.checksum_bad.expert"). */
  name: string;
  /** Wireshark's own words for it. */
  message: string;
}

function tshark(args: string[]): string {
  return execFileSync("tshark", args, { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Run the judge filter over the capture and return every finding whose name is not in `allow`. A frame that the
 * filter flags but in which no finding can be named is reported as "unexplained", so a gap in this parser
 * can never turn a dirty capture clean.
 */
export function judgeCapture(capture: Capture, allow: readonly string[] = []): JudgeFinding[] {
  const pdml = withFile(capture, (file) => tshark(["-r", file, ...judgePrefs(), "-Y", JUDGE_FILTER, "-T", "pdml"]));
  const findings: JudgeFinding[] = [];
  for (const packet of pdml.split("<packet>").slice(1)) {
    const frame = Number(/<field name="num" [^>]*show="(\d+)"/.exec(packet)?.[1] ?? -1);
    // A TCP checksum of 0xffff where 0x0000 is due is -0, the same sum (RFC 1624 §3), and valid; Linux
    // writes it whenever it completes a checksum that comes out 0 (skb_checksum_help's CSUM_MANGLED_0), as
    // for TCP it sends down a TAP device, about one segment in 65,536. Forgiven on inbound frames (pcapng's
    // direction: the peer's); one of ours is still named, though our build cannot give 0xffff.
    const peerZero =
      packet.includes('name="tcp.checksum.ffff"') &&
      /<field name="frame\.packet_flags_direction"[^>]*show="0x0*1"/.test(packet);
    const named: JudgeFinding[] = [];
    const expert =
      /<field name="_ws\.expert" showname="([^"]*)"[^>]*>\s*<field name="([^"]+)"[\s\S]*?<field name="_ws\.expert\.severity"[^>]*show="(\d+)"/g;
    for (const m of packet.matchAll(expert)) {
      if (Number(m[3]) >= WARNING) named.push({ frame, name: m[2], message: unescapeXml(m[1]) });
    }
    if (packet.includes('name="_ws.malformed"'))
      named.push({ frame, name: "_ws.malformed", message: "malformed packet" });
    for (const proto of ["ip", "tcp", "udp", "icmp"]) {
      if (new RegExp(`name="${proto}\\.checksum\\.status"[^>]*show="0"`).test(packet)) {
        named.push({ frame, name: `${proto}.checksum.status`, message: `bad ${proto} checksum` });
      }
    }
    if (named.length === 0)
      named.push({ frame, name: "unexplained", message: "flagged by the judge filter for no reason found" });
    findings.push(...named.filter((f) => !allow.includes(f.name) && !(peerZero && f.name.startsWith("tcp.checksum"))));
  }
  return findings;
}

/** Throw a readable list of what Wireshark objects to in the capture, unless every finding is allowed. */
export function assertCleanCapture(capture: Capture, allow: readonly string[] = []): void {
  const findings = judgeCapture(capture, allow);
  if (findings.length === 0) return;
  const lines = findings.slice(0, 20).map((f) => `  frame ${f.frame}: ${f.name} (${f.message})`);
  if (findings.length > 20) lines.push(`  ... and ${findings.length - 20} more`);
  const what = typeof capture === "string" ? capture : `the ${capture.length}-byte capture`;
  throw new Error(`Wireshark judges ${what} unclean:\n${lines.join("\n")}`);
}

/**
 * One row per packet, one string per requested field (tshark's `-T fields`). Fields with several values
 * (e.g. `frame.comment` on a packet with two comments) come back joined by `occurrenceSeparator`.
 */
export function tsharkFields(capture: Capture, fields: readonly string[], occurrenceSeparator = "|"): string[][] {
  const out = withFile(capture, (file) =>
    tshark([
      "-r",
      file,
      "-T",
      "fields",
      "-E",
      "separator=/t",
      "-E",
      "occurrence=a",
      "-E",
      `aggregator=${occurrenceSeparator}`,
      ...fields.flatMap((f) => ["-e", f]),
    ]),
  );
  return out
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split("\t"));
}

/**
 * capinfos's machine-readable summary: column title ("Number of packets", "Start time" in epoch seconds,
 * "Packet size limit", "File type", "Strict time order", ...) -> value.
 */
export function capinfos(capture: Capture): Record<string, string> {
  const args = ["-T", "-M", "-R", "-t", "-E", "-c", "-d", "-s", "-l", "-S", "-a", "-e", "-o"];
  const out = withFile(capture, (file) =>
    execFileSync("capinfos", [...args, file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
  );
  const [header, row] = out.trimEnd().split("\n");
  const titles = header.split("\t");
  const values = row.split("\t");
  return Object.fromEntries(titles.map((t, i) => [t, values[i]]));
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
