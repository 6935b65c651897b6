import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Clock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/capture.js";
import type { Link } from "../../src/link/link.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { haveTool } from "../helpers/tools.js";
import { judgeCapture } from "../helpers/tshark.js";

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
 * What the Linux kernel does on a clean tunnel that is not an error: a tail loss probe (RFC 8985) when
 * our ACKs pause for a few milliseconds (a busy event loop) retransmits a segment that had arrived, and
 * about once in 65536 segments its TCP checksum is 0xffff where 0x0000 is due (equal in ones'
 * complement, RFC 1624 §3; Wireshark calls it bad). Forgiven on the kernel's packets only.
 */
const KERNEL_QUIRKS = ["tcp.analysis.retransmission", "tcp.analysis.spurious_retransmission", "tcp.checksum.ffff"];

/** Our correct answer to such a probe: a D-SACK reporting the duplicate (RFC 2883). Forgiven on ours. */
const STACK_ANSWERS = ["tcp.options.sack.dsack"];

/**
 * design.md's Wireshark judge over an interop capture, when tshark is installed (required under CI).
 * Only TCP/IP findings count: random payloads sometimes look like an application protocol to one of
 * Wireshark's heuristic dissectors (Thrift, say), whose complaints say nothing about TCP. Given
 * `stackAddress`, the kernel's quirks above are told apart from the stack's packets, which get no such
 * allowance.
 */
export function judge(file: string, allow: readonly string[] = [], stackAddress?: string): void {
  if (!haveTool("tshark")) {
    if (process.env.CI === "true") throw new Error("tshark is missing, and CI must judge every capture");
    return;
  }
  let findings = judgeCapture(file, allow).filter((f) => /^(ip|tcp)\.|^_ws\.malformed$|^unexplained$/.test(f.name));
  if (stackAddress !== undefined && findings.some((f) => KERNEL_QUIRKS.includes(f.name) || STACK_ANSWERS.includes(f.name))) {
    const source = sources(file, findings.map((f) => f.frame));
    const ffff = new Set(findings.filter((f) => f.name === "tcp.checksum.ffff").map((f) => f.frame));
    findings = findings.filter((f) => {
      const ours = source.get(f.frame) === stackAddress;
      if (ours) return !STACK_ANSWERS.includes(f.name);
      // The bad-checksum status that goes with a 0xffff checksum is the same quirk.
      return !(KERNEL_QUIRKS.includes(f.name) || (f.name === "tcp.checksum.status" && ffff.has(f.frame)));
    });
  }
  expect(findings.slice(0, 10), `Wireshark's findings in ${file}`).toEqual([]);
}

/** The IPv4 source of each of `frames` (one tshark pass over just those frames). */
function sources(file: string, frames: number[]): Map<number, string> {
  const out = execFileSync("tshark", ["-r", file, "-Y", `frame.number in {${[...new Set(frames)].join(",")}}`, "-T", "fields", "-e", "frame.number", "-e", "ip.src"], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Map(out.split("\n").filter((l) => l.length > 0).map((l) => l.split("\t")).map(([n, src]) => [Number(n), src]));
}
