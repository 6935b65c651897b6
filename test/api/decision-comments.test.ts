import { describe, expect, it } from "vitest";
import { Stack } from "../../src/api/stack.js";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import type { CaptureWriter, PacketRecord } from "../../src/pcap/writer.js";
import { buildPacket, parseIpv4, parsePacket } from "../../src/wire/index.js";
import { TcpFlags } from "../../src/wire/types.js";

/** Keeps each packet's flags and comments. */
class Recorder implements CaptureWriter {
  readonly supportsComments = true;
  readonly mediaType = "test";
  readonly records: Array<{ flags: number; direction?: string; comments: readonly string[] }> = [];
  writePacket(p: PacketRecord): boolean {
    const r = parsePacket(p.data);
    this.records.push({ flags: r.ok ? r.tcp.flags : -1, direction: p.direction, comments: [...(p.comments ?? [])] });
    return true;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  get packets(): number {
    return this.records.length;
  }
}

function rig(options: { memoryLimit?: number } = {}) {
  const link: Link = { mtu: 1500, send() {}, onReceive: null, close() {} };
  const writer = new Recorder();
  const stack = new Stack({ address: "10.0.0.2", link, clock: new VirtualClock(0), capture: writer, ...options });
  const syn = (port: number) =>
    link.onReceive!(
      buildPacket({
        src: parseIpv4("10.0.0.1"),
        dst: parseIpv4("10.0.0.2"),
        srcPort: port,
        dstPort: 80,
        seq: port,
        flags: TcpFlags.SYN,
        window: 1000,
      }),
    );
  return { stack, writer, syn };
}

describe("hostile-network decisions become capture comments (issue 13)", () => {
  it("a SYN past a full SYN queue: its SYN-ACK says it is a cookie", () => {
    const r = rig();
    r.stack.listen(80, { synBacklog: 1 });
    r.syn(1000);
    r.syn(1001);
    const synAcks = r.writer.records.filter((p) => p.flags === (TcpFlags.SYN | TcpFlags.ACK));
    expect(synAcks.length).toBe(2);
    expect(synAcks[1].comments).toEqual(["10.0.0.2:80 SYN queue full: cookie sent"]);
    expect(r.stack.counters.synCookiesSent).toBe(1);
  });

  it("memory pressure: the refusal and the window 0 are written into the capture", () => {
    const r = rig({ memoryLimit: 2048 + 2 * 4096 });
    r.stack.listen(80);
    r.syn(1000);
    r.syn(1001);
    const comments = r.writer.records.flatMap((p) => p.comments);
    expect(comments).toContain("10.0.0.2:80 memory pressure: cookie sent");
    expect(comments.some((c) => c.startsWith("memory pressure: window 0, new connections refused"))).toBe(true);
    expect(r.stack.counters.drops["memory-limit"]).toBe(1);
  });
});
