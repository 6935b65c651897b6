import { closeSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CaptureClosedError, CaptureSinkError, MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { NodeFileSink, type FileOps } from "../../src/pcap/node.js";
import { dataSegment } from "./packets.js";

const dir = mkdtempSync(join(tmpdir(), "wirestate-sink-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const nextPath = () => join(dir, `f${files++}.pcapng`);

/** A disk that takes `delayMs` per write and may write only part of what it is given. */
class SlowDisk implements FileOps {
  data = new Uint8Array(1 << 20);
  size = 0;
  asyncWrites = 0;
  syncWrites = 0;
  /** Writes answered with an error (counted as the answer is given). */
  failures = 0;
  constructor(
    readonly delayMs: number,
    readonly maxPerWrite = Number.POSITIVE_INFINITY,
    readonly failAfter = Number.POSITIVE_INFINITY,
  ) {}
  #store(buffers: Uint8Array[], position: number): number {
    let budget = this.maxPerWrite;
    let at = position;
    for (const b of buffers) {
      const n = Math.min(b.length, budget);
      while (at + n > this.data.length) {
        const bigger = new Uint8Array(this.data.length * 2);
        bigger.set(this.data);
        this.data = bigger;
      }
      this.data.set(b.subarray(0, n), at);
      at += n;
      budget -= n;
      if (budget === 0) break;
    }
    this.size = Math.max(this.size, at);
    return at - position;
  }
  writev(_fd: number, buffers: Uint8Array[], position: number, done: (e: Error | null, n: number) => void): void {
    this.asyncWrites++;
    const fail = this.asyncWrites > this.failAfter;
    setTimeout(() => {
      if (!fail) return done(null, this.#store(buffers, position));
      this.failures++;
      done(new Error("ENOSPC: no space left on device"), 0);
    }, this.delayMs);
  }
  writevSync(_fd: number, buffers: Uint8Array[], position: number): number {
    this.syncWrites++;
    return this.#store(buffers, position);
  }
  close(fd: number, done: (e: Error | null) => void): void {
    closeSync(fd);
    setTimeout(() => done(null), this.delayMs);
  }
  contents(): Uint8Array {
    return this.data.subarray(0, this.size);
  }
}

const payload = new Uint8Array(1400).map((_, i) => (i * 7) & 0xff);
const packet = (i: number) => dataSegment(i, payload);

/** Write `count` packets to a pcapng writer over `sink`, and the same to a reference memory sink. */
async function produce(sink: NodeFileSink, count: number, honourBackpressure: boolean): Promise<Uint8Array> {
  const reference = new MemorySink();
  const writer = new PcapngWriter(sink);
  const expected = new PcapngWriter(reference);
  for (let i = 0; i < count; i++) {
    const more = writer.writePacket({ timestampMs: i, data: packet(i), direction: "outbound" });
    expected.writePacket({ timestampMs: i, data: packet(i), direction: "outbound" });
    if (!more && honourBackpressure) await writer.drained();
  }
  await writer.close();
  return reference.bytes();
}

describe("NodeFileSink", () => {
  it("streams to a real file and close() flushes everything", async () => {
    const path = nextPath();
    const sink = new NodeFileSink(path);
    const expected = await produce(sink, 2000, false);
    expect(sink.bufferedBytes).toBe(0);
    expect(Buffer.from(expected).equals(readFileSync(path))).toBe(true);
    expect(expected.length).toBeGreaterThan(2000 * 1440);
  });

  it("keeps memory bounded on a slow disk when the producer never waits, without losing a byte", async () => {
    const disk = new SlowDisk(5);
    const sink = new NodeFileSink(nextPath(), { fileOps: disk, highWaterMark: 64 << 10, maxBufferedBytes: 256 << 10 });
    const expected = await produce(sink, 20_000, false); // ~29 MB, all in one synchronous burst
    expect(expected.length).toBeGreaterThan(28e6);
    expect(sink.peakBufferedBytes).toBeLessThanOrEqual(2 * (256 << 10) + 2000);
    expect(disk.syncWrites).toBeGreaterThan(0); // the overflow path is what bounded it
    expect(Buffer.from(disk.contents()).equals(Buffer.from(expected))).toBe(true);
  });

  it("a producer that awaits drained() stays under the high-water mark and never forces a synchronous write", async () => {
    const disk = new SlowDisk(1);
    const sink = new NodeFileSink(nextPath(), { fileOps: disk, highWaterMark: 64 << 10, maxBufferedBytes: 256 << 10 });
    const expected = await produce(sink, 3000, true);
    expect(sink.peakBufferedBytes).toBeLessThanOrEqual((64 << 10) + 1500);
    expect(disk.syncWrites).toBe(0);
    expect(Buffer.from(disk.contents()).equals(Buffer.from(expected))).toBe(true);
  });

  it("finishes a short write before anything after it", async () => {
    const disk = new SlowDisk(0, 1000);
    const sink = new NodeFileSink(nextPath(), { fileOps: disk });
    const expected = await produce(sink, 300, false);
    expect(disk.asyncWrites).toBeGreaterThan(300);
    expect(Buffer.from(disk.contents()).equals(Buffer.from(expected))).toBe(true);
  });

  it("surfaces a disk error as CaptureSinkError on the next write and on close", async () => {
    const disk = new SlowDisk(0, Number.POSITIVE_INFINITY, 1);
    const sink = new NodeFileSink(nextPath(), { fileOps: disk });
    const writer = new PcapngWriter(sink);
    // The section header went out in write #1; these queue behind it and go in write #2, which fails.
    writer.writePacket({ timestampMs: 0, data: packet(0) });
    writer.writePacket({ timestampMs: 1, data: packet(1) });
    // Wait for the disk's answer, not a fixed time: a loaded machine runs the timer late.
    await vi.waitFor(() => expect(disk.failures).toBe(1));
    expect(() => writer.writePacket({ timestampMs: 2, data: packet(2) })).toThrow(CaptureSinkError);
    expect(() => writer.writePacket({ timestampMs: 2, data: packet(2) })).toThrow(/ENOSPC/);
    await expect(sink.close()).rejects.toBeInstanceOf(CaptureSinkError);
  });

  it("fails to open with a typed error that keeps the cause", () => {
    const missing = join(dir, "no-such-dir", "x.pcapng");
    expect(() => new NodeFileSink(missing)).toThrow(CaptureSinkError);
    expect(() => new NodeFileSink(missing)).toThrow(/cannot open capture file .*ENOENT/);
  });

  it("throws CaptureClosedError on a write after close", async () => {
    const sink = new NodeFileSink(nextPath());
    await sink.close();
    await sink.close();
    expect(() => sink.write(new Uint8Array(4))).toThrow(CaptureClosedError);
  });
});
