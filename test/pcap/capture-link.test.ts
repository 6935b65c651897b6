import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { CaptureLink } from "../../src/link/capture.js";
import type { Link } from "../../src/link/link.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import {
  CaptureClosedError,
  type CaptureWriter,
  MemorySink,
  type PacketRecord,
  PcapngWriter,
  PcapWriter,
} from "../../src/pcap/index.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, tsharkFields } from "../helpers/tshark.js";
import { conversation } from "./packets.js";

/** A link that keeps what is sent and lets the test deliver packets; it scribbles over sent bytes, as an impairment may. */
class TestLink implements Link {
  readonly mtu = 1400;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  sent: Uint8Array[] = [];
  closed = false;
  send(packet: Uint8Array): void {
    this.sent.push(packet.slice());
    packet.fill(0xcc);
  }
  deliver(packet: Uint8Array): void {
    this.onReceive?.(packet);
  }
  close(): void {
    this.closed = true;
  }
}

/** A writer that keeps copies of what it is given, for asserting what the tap passes it. */
class RecordingWriter implements CaptureWriter {
  readonly mediaType = "test";
  records: PacketRecord[] = [];
  constructor(readonly supportsComments: boolean) {}
  writePacket(packet: PacketRecord): boolean {
    this.records.push({ ...packet, data: packet.data.slice(), comments: [...(packet.comments ?? [])] });
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

const [syn, synAck, ack, request] = conversation();

describe("CaptureLink", () => {
  it("records each direction with the clock's time and passes packets on untouched", () => {
    const clock = new VirtualClock(1000);
    const inner = new TestLink();
    const writer = new RecordingWriter(true);
    const tap = new CaptureLink(inner, writer, clock);
    const received: Uint8Array[] = [];
    tap.onReceive = (p) => {
      received.push(p.slice());
      p.fill(0xdd); // the receiver owns the bytes now
    };
    tap.send(syn.slice());
    clock.advance(1.5);
    inner.deliver(synAck.slice());
    expect(inner.sent).toEqual([syn]);
    expect(received).toEqual([synAck]);
    expect(writer.records.map((r) => [r.timestampMs, r.direction, r.data])).toEqual([
      [1000, "outbound", syn],
      [1001.5, "inbound", synAck],
    ]);
    expect(tap.mtu).toBe(1400);
    tap.close();
    expect(inner.closed).toBe(true);
  });

  it("attaches annotations to the next packet recorded, in either direction, once", () => {
    const clock = new VirtualClock();
    const inner = new TestLink();
    const writer = new RecordingWriter(true);
    const tap = new CaptureLink(inner, writer, clock);
    tap.annotate("SYN-SENT");
    tap.send(syn.slice());
    tap.annotate("SYN-SENT -> ESTABLISHED");
    tap.annotate("cwnd=10");
    inner.deliver(synAck.slice()); // no receiver yet: recorded, then dropped
    tap.send(ack.slice());
    expect(writer.records.map((r) => r.comments)).toEqual([["SYN-SENT"], ["SYN-SENT -> ESTABLISHED", "cwnd=10"], []]);
  });

  it("passes the inner link's burst ends through; without them, each packet is a burst", () => {
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock, delay: 1 });
    const tap = new CaptureLink(b, new RecordingWriter(true), clock);
    const seen: string[] = [];
    tap.onReceive = () => seen.push("packet");
    tap.onBurstEnd = () => seen.push("end");
    a.send(syn.slice());
    a.send(ack.slice());
    clock.advance(1);
    expect(seen).toEqual(["packet", "packet", "end"]);

    const plain = new TestLink();
    const single = new CaptureLink(plain, new RecordingWriter(true), clock);
    const seenPlain: string[] = [];
    single.onReceive = () => seenPlain.push("packet");
    single.onBurstEnd = () => seenPlain.push("end");
    plain.deliver(syn.slice());
    plain.deliver(ack.slice());
    expect(seenPlain).toEqual(["packet", "end", "packet", "end"]);
  });

  it("keeps a bounded number of pending annotations, dropping the oldest", () => {
    const writer = new RecordingWriter(true);
    const tap = new CaptureLink(new TestLink(), writer, new VirtualClock(), { maxPendingComments: 3 });
    for (let i = 0; i < 10; i++) tap.annotate(`timer ${i}`);
    tap.send(syn.slice());
    expect(writer.records[0].comments).toEqual(["timer 7", "timer 8", "timer 9"]);
    expect(tap.droppedComments).toBe(7);
  });

  it("ignores annotations when the format has no comments (classic pcap)", () => {
    const writer = new RecordingWriter(false);
    const tap = new CaptureLink(new TestLink(), writer, new VirtualClock());
    tap.annotate("lost on pcap");
    tap.send(syn.slice());
    expect(writer.records[0].comments).toEqual([]);
  });

  it("never lets a failing capture stop the traffic", async () => {
    const inner = new TestLink();
    const sink = new MemorySink();
    const writer = new PcapWriter(sink);
    const errors: unknown[] = [];
    const tap = new CaptureLink(inner, writer, new VirtualClock(), { onError: (e) => errors.push(e) });
    const received: Uint8Array[] = [];
    tap.onReceive = (p) => received.push(p);
    await writer.close();
    tap.send(syn.slice());
    inner.deliver(synAck.slice());
    expect(inner.sent).toEqual([syn]);
    expect(received).toEqual([synAck]);
    expect(tap.captureErrors).toBe(2);
    expect(errors.every((e) => e instanceof CaptureClosedError)).toBe(true);
  });
});

const dir = mkdtempSync(join(tmpdir(), "wirestate-tap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWith(["tshark"], "CaptureLink on a memory link, read by Wireshark", () => {
  it("shows both directions, the virtual clock's times and the annotations", async () => {
    const clock = new VirtualClock(1_763_700_000_000);
    const [a, b] = memoryLinkPair({ clock, delay: 2 });
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink, { interfaceName: "a" });
    const tap = new CaptureLink(a, writer, clock);
    b.onReceive = () => {};
    tap.onReceive = () => {};
    tap.annotate("connect()");
    tap.send(syn.slice());
    clock.advance(2);
    b.send(synAck.slice());
    clock.advance(2);
    tap.annotate("SYN-SENT -> ESTABLISHED");
    tap.send(ack.slice());
    tap.send(request.slice());
    clock.advance(2);
    await writer.close();
    const file = join(dir, "tap.pcapng");
    writeFileSync(file, sink.bytes());
    const rows = tsharkFields(file, [
      "frame.time_epoch",
      "frame.packet_flags_direction",
      "frame.comment",
      "tcp.flags.str",
    ]);
    expect(rows.map((r) => [r[0], Number(r[1]), r[2]])).toEqual([
      ["1763700000.000000000", 2, "connect()"],
      ["1763700000.004000000", 1, ""],
      ["1763700000.004000000", 2, "SYN-SENT -> ESTABLISHED"],
      ["1763700000.004000000", 2, ""],
    ]);
    assertCleanCapture(file);
  });
});
