import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Clock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/capture.js";
import type { Link } from "../../src/link/link.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { haveTool } from "../helpers/tools.js";
import { judgeCapture, LOSS_WARNINGS, tsharkFields } from "../helpers/tshark.js";

/** Where interop tests leave their captures, to be opened in Wireshark after a run (git-ignored). */
export const CAPTURE_DIR = join("test-results", "interop");

/** What a test can check without a pcap reader: each packet's direction, length and first 120 bytes. */
export interface Seen {
  direction: "out" | "in";
  length: number;
  head: Uint8Array;
}

/**
 * A pcapng tap on `link`, plus a list of what passed. `save()` writes
 * `test-results/interop/<name>.pcapng` and returns the path.
 */
export function tap(link: Link, clock: Clock, name: string): { link: CaptureLink; seen: Seen[]; save(): Promise<string> } {
  const seen: Seen[] = [];
  const recorder: Link = {
    get mtu() {
      return link.mtu;
    },
    onReceive: null,
    send(packet) {
      seen.push({ direction: "out", length: packet.length, head: packet.slice(0, 120) });
      link.send(packet);
    },
    close: () => link.close(),
  };
  link.onReceive = (packet) => {
    seen.push({ direction: "in", length: packet.length, head: packet.slice(0, 120) });
    recorder.onReceive?.(packet);
  };
  const sink = new MemorySink({ limitBytes: 256 << 20 });
  const writer = new PcapngWriter(sink, { interfaceName: "tun0-peer" });
  const captured = new CaptureLink(recorder, writer, clock);
  return {
    link: captured,
    seen,
    async save() {
      await writer.close();
      mkdirSync(CAPTURE_DIR, { recursive: true });
      const file = join(CAPTURE_DIR, `${name}.pcapng`);
      writeFileSync(file, sink.bytes());
      return file;
    },
  };
}

/**
 * Flow control, not error: a receiver slower than its sender (or a 64 KiB window without window scaling
 * against a fast kernel) fills the window; Wireshark rates that a warning. Allowed by name where a test's
 * traffic produces it.
 */
export const FLOW_CONTROL_WARNINGS = [
  "tcp.analysis.window_full",
  "tcp.analysis.zero_window",
  "tcp.analysis.zero_window_probe",
  "tcp.analysis.zero_window_probe_ack",
] as const;

/**
 * What loss explains, as the judge's LOSS_WARNINGS, plus the D-SACK a receiver reports when a lost ACK
 * made the sender retransmit data that had arrived (RFC 2883): a duplicate, not an error.
 */
export const LOSS_EXPLAINED = [...LOSS_WARNINGS, "tcp.options.sack.dsack"] as const;

/**
 * design.md's Wireshark judge over an interop capture, when tshark is installed (required under CI).
 * Only TCP/IP findings count: random payloads sometimes look like an application protocol to one of
 * Wireshark's heuristic dissectors (Thrift, say), whose complaints say nothing about TCP.
 *
 * One finding is the kernel's, not ours: about once in 65536 segments Linux sends a TCP checksum of
 * 0xffff where 0x0000 is due (equal in ones' complement, RFC 1624 §3; Wireshark flags it and calls the
 * checksum bad). Given `stackAddress`, that finding is forgiven on packets from any other address, and
 * never on the stack's own.
 */
export function judge(file: string, allow: readonly string[] = [], stackAddress?: string): void {
  if (!haveTool("tshark")) {
    if (process.env.CI === "true") throw new Error("tshark is missing, and CI must judge every capture");
    return;
  }
  let findings = judgeCapture(file, allow).filter((f) => /^(ip|tcp)\.|^_ws\.malformed$|^unexplained$/.test(f.name));
  const ffff = new Set(findings.filter((f) => f.name === "tcp.checksum.ffff").map((f) => f.frame));
  if (stackAddress !== undefined && ffff.size > 0) {
    const source = new Map(tsharkFields(file, ["frame.number", "ip.src"]).map(([n, src]) => [Number(n), src]));
    const kernels = new Set([...ffff].filter((frame) => source.get(frame) !== stackAddress));
    findings = findings.filter((f) => !(kernels.has(f.frame) && (f.name === "tcp.checksum.ffff" || f.name === "tcp.checksum.status")));
  }
  expect(findings.slice(0, 10), `Wireshark's findings in ${file}`).toEqual([]);
}
