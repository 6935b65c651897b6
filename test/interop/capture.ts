import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Clock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/capture.js";
import type { Link } from "../../src/link/link.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { haveTool } from "../helpers/tools.js";
import { judgeCapture, RST_WARNING } from "../helpers/tshark.js";

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
export function tap(
  link: Link,
  clock: Clock,
  name: string,
): { link: CaptureLink; seen: Seen[]; save(): Promise<string> } {
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
 * The same the other way round: when the kernel's ACKs pause (a busy machine), our tail loss probe (RFC 8985
 * §7) or retransmission timeout resends a segment that had arrived, and the kernel D-SACKs it. Forgiven on
 * the kernel's packets only when the D-SACK names exactly a segment we sent at least twice before it.
 */
const DSACK_WARNING = "tcp.options.sack.dsack";

/**
 * ARCHITECTURE.md's Wireshark judge over an interop capture, when tshark is installed (required under CI).
 * Only the findings of IPv4, IPv6, TCP, UDP, ICMP, ICMPv6 and DNS count: random payloads sometimes look like an application protocol to one of
 * Wireshark's heuristic dissectors (Thrift, say), whose complaints say nothing about TCP. Given
 * `stackAddress`, the kernel's quirks above are told apart from the stack's packets, which get no such
 * allowance beyond a D-SACK answer and a RST to a segment for a flow the engine had already closed.
 */
export function judge(file: string, allow: readonly string[] = [], stackAddress?: string): void {
  if (!haveTool("tshark")) {
    if (process.env.CI === "true") throw new Error("tshark is missing, and CI must judge every capture");
    return;
  }
  let findings = judgeCapture(file, allow).filter((f) =>
    /^(ip|ipv6|tcp|udp|icmp|icmpv6|dns)\.|^_ws\.malformed$|^unexplained$/.test(f.name),
  );
  const forgivable = (name: string) =>
    KERNEL_QUIRKS.includes(name) || STACK_ANSWERS.includes(name) || name === RST_WARNING;
  if (stackAddress !== undefined && findings.some((f) => forgivable(f.name))) {
    const frames = frameFlows(
      file,
      findings.map((f) => f.frame),
    );
    const closed = closedAt(file);
    const ffff = new Set(findings.filter((f) => f.name === "tcp.checksum.ffff").map((f) => f.frame));
    findings = findings.filter((f) => {
      const frame = frames.get(f.frame);
      if (frame?.src === stackAddress) {
        // RFC 9293 §3.10.7.1: a segment for a connection that no longer exists is answered with a RST.
        // Under loss the kernel's late duplicate (its ACK of a FIN we sent again) can arrive after the
        // engine closed: forgiven only when the capture's own comments say the flow had closed by then.
        if (f.name === RST_WARNING) return !((closed.get(frame.flow) ?? Infinity) <= f.frame);
        return !STACK_ANSWERS.includes(f.name);
      }
      if (f.name === DSACK_WARNING && answersOurResend(file, f.frame, stackAddress)) return false;
      // The bad-checksum status that goes with a 0xffff checksum is the same quirk.
      return !(KERNEL_QUIRKS.includes(f.name) || (f.name === "tcp.checksum.status" && ffff.has(f.frame)));
    });
  }
  expect(findings.slice(0, 10), `Wireshark's findings in ${file}`).toEqual([]);
}

function tsharkFields(file: string, filter: string, fields: string[]): string[][] {
  const out = execFileSync("tshark", ["-r", file, "-Y", filter, "-T", "fields", ...fields.flatMap((f) => ["-e", f])], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("\t"));
}

/** "a:p", or "[a]:p" for IPv6, as the engine's trace names an end. */
const end = (address: string, port: string) => (address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`);

/** The IP source of each of `frames`, and its flow named as the engine's trace names it ("a:p>b:q"). */
function frameFlows(file: string, frames: number[]): Map<number, { src: string; flow: string }> {
  const rows = tsharkFields(file, `frame.number in {${[...new Set(frames)].join(",")}}`, [
    "frame.number",
    "ip.src",
    "ipv6.src",
    "tcp.srcport",
    "ip.dst",
    "ipv6.dst",
    "tcp.dstport",
  ]);
  return new Map(
    rows.map(([n, src4, src6, sport, dst4, dst6, dport]) => {
      const src = src4 || src6;
      return [Number(n), { src, flow: `${end(src, sport)}>${end(dst4 || dst6, dport)}` }];
    }),
  );
}

/**
 * Whether the D-SACK in `frame` reports a segment the stack did send twice (RFC 2883: the receiver says
 * "this arrived twice"). A tail loss probe or a retransmission timeout that turns out spurious earns one,
 * which is the kernel being right, and the stack undoes the cwnd cut it made (recovery-undo.ts). A D-SACK
 * of a range sent once stays a finding.
 */
function answersOurResend(file: string, frame: number, stackAddress: string): boolean {
  const dsack = tsharkFields(file, `frame.number == ${frame}`, ["tcp.options.sack_le", "tcp.options.sack_re"])[0];
  if (dsack === undefined) return false;
  const [left, right] = [dsack[0].split(",")[0], dsack[1].split(",")[0]];
  const length = Number(right) - Number(left);
  const family = stackAddress.includes(":") ? "ipv6" : "ip";
  const sends = tsharkFields(file, `${family}.src == ${stackAddress} && tcp.seq == ${left} && tcp.len == ${length}`, [
    "frame.number",
  ]).filter(([n]) => Number(n) < frame);
  return sends.length >= 2;
}

/** The first frame whose comments record a flow's move to CLOSED ("a:p>b:q LAST-ACK -> CLOSED"). */
function closedAt(file: string): Map<string, number> {
  const closed = new Map<string, number>();
  for (const [n, comments] of tsharkFields(file, "frame.comment", ["frame.number", "frame.comment"])) {
    // tshark joins a frame's comments with a bare comma, so the flow is matched by its exact shape.
    const host = String.raw`(?:(?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-f:.]+\])`;
    for (const m of comments.matchAll(new RegExp(`(${host}:\\d+>${host}:\\d+) [A-Z-]+ -> CLOSED`, "g"))) {
      if (!closed.has(m[1])) closed.set(m[1], Number(n));
    }
  }
  return closed;
}
