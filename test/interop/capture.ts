import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/capture.js";
import type { Link } from "../../src/link/link.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";

/** Where interop tests leave their captures, to be opened in Wireshark after a run (git-ignored). */
export const CAPTURE_DIR = join("test-results", "interop");

/** What a test can check without a pcap reader: each packet's direction, length and first 60 bytes. */
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
      seen.push({ direction: "out", length: packet.length, head: packet.slice(0, 60) });
      link.send(packet);
    },
    close: () => link.close(),
  };
  link.onReceive = (packet) => {
    seen.push({ direction: "in", length: packet.length, head: packet.slice(0, 60) });
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
