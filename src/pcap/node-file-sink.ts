import * as nodeFs from "node:fs";
import { CaptureClosedError, CaptureSinkError } from "./errors.js";
import type { CaptureSink } from "./sink.js";

/** The few file calls the sink makes; tests substitute a slow disk. */
export interface FileOps {
  /** Write `buffers` at `position`, then call `done`. */
  writev(
    fd: number,
    buffers: Uint8Array[],
    position: number,
    done: (error: Error | null, written: number) => void,
  ): void;
  /** Write `buffers` at `position` now; returns the bytes written. */
  writevSync(fd: number, buffers: Uint8Array[], position: number): number;
  /** Close the file, then call `done`. */
  close(fd: number, done: (error: Error | null) => void): void;
}

export interface NodeFileSinkOptions {
  /** `write()` returns false while more than this many bytes wait for the disk (default 1 MiB). */
  highWaterMark?: number;
  /**
   * Hard bound on bytes waiting for the disk (default 8 MiB). A producer that ignores `write()`'s false
   * and keeps writing past it gets its writes done synchronously: the packet path slows to disk speed
   * instead of memory growing without bound, and no packet is lost.
   */
  maxBufferedBytes?: number;
  /** Substitute file operations (tests); default node:fs. */
  fileOps?: FileOps;
}

const nodeFileOps: FileOps = {
  writev: (fd, buffers, position, done) =>
    nodeFs.writev(fd, buffers, position, (error, written) => done(error, written)),
  writevSync: (fd, buffers, position) => nodeFs.writevSync(fd, buffers, position),
  close: (fd, done) => nodeFs.close(fd, (error) => done(error ?? null)),
};

/**
 * Streams a capture to a file. Writes are asynchronous and batched (one writev per turn of the disk), at
 * explicit file offsets, so a synchronous overflow write can never reorder bytes with one in flight.
 * Node only: browser code imports `MemorySink` instead.
 */
export class NodeFileSink implements CaptureSink {
  readonly path: string;
  readonly #ops: FileOps;
  readonly #fd: number;
  readonly #highWaterMark: number;
  readonly #maxBuffered: number;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #inFlightBytes = 0;
  #position = 0; // file offset of the first queued byte
  #error: CaptureSinkError | null = null;
  #closing: Promise<void> | null = null;
  #waiters: Array<() => void> = [];
  #peak = 0;

  constructor(path: string, options: NodeFileSinkOptions = {}) {
    this.path = path;
    this.#ops = options.fileOps ?? nodeFileOps;
    this.#highWaterMark = options.highWaterMark ?? 1 << 20;
    this.#maxBuffered = Math.max(options.maxBufferedBytes ?? 8 << 20, this.#highWaterMark);
    try {
      // "w", not "a": every write names its offset, and append mode would ignore it.
      this.#fd = nodeFs.openSync(path, "w");
    } catch (error) {
      throw new CaptureSinkError(`cannot open capture file ${path}: ${String(error)}`, error);
    }
  }

  /** Bytes accepted but not yet on disk (queued plus in flight). */
  get bufferedBytes(): number {
    return this.#queuedBytes + this.#inFlightBytes;
  }

  /** The largest `bufferedBytes` seen: evidence that memory stayed bounded. */
  get peakBufferedBytes(): number {
    return this.#peak;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#error !== null) throw this.#error;
    if (this.#closing !== null) throw new CaptureClosedError(`write to closed capture file ${this.path}`);
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes > this.#maxBuffered) {
      this.#writeQueueSync();
      if (this.#error !== null) throw this.#error;
    }
    this.#peak = Math.max(this.#peak, this.bufferedBytes);
    if (this.#inFlightBytes === 0) this.#startWrite();
    return this.bufferedBytes <= this.#highWaterMark;
  }

  drained(): Promise<void> {
    if (this.bufferedBytes <= this.#highWaterMark || this.#error !== null) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): Promise<void> {
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  async #finish(): Promise<void> {
    while (this.#error === null && this.bufferedBytes > 0) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    await new Promise<void>((resolve, reject) =>
      this.#ops.close(this.#fd, (error) => {
        if (error !== null && this.#error === null) this.#fail(error);
        if (this.#error !== null) reject(this.#error);
        else resolve();
      }),
    );
  }

  #startWrite(): void {
    if (this.#queuedBytes === 0 || this.#error !== null) return;
    const buffers = this.#queue;
    const length = this.#queuedBytes;
    const position = this.#position;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#position += length;
    this.#inFlightBytes = length;
    this.#ops.writev(this.#fd, buffers, position, (error, written) => {
      this.#inFlightBytes = 0;
      if (error !== null) this.#fail(error);
      else if (written < length) this.#requeue(dropPrefix(buffers, written), length - written, position + written);
      this.#startWrite();
      this.#wake();
    });
  }

  /** A short write's remainder goes back to the head of the queue, which starts right after it on disk. */
  #requeue(rest: Uint8Array[], length: number, position: number): void {
    this.#queue = rest.concat(this.#queue);
    this.#queuedBytes += length;
    this.#position = position;
  }

  /** The overflow path: put the whole queue on disk now, at its own offset, looping over short writes. */
  #writeQueueSync(): void {
    let rest = this.#queue;
    let position = this.#position;
    this.#position += this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    try {
      while (rest.length > 0) {
        const written = this.#ops.writevSync(this.#fd, rest, position);
        position += written;
        rest = dropPrefix(rest, written);
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#error ??= new CaptureSinkError(`writing capture file ${this.path} failed: ${String(error)}`, error);
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#wake();
  }

  #wake(): void {
    if (this.bufferedBytes > this.#highWaterMark && this.#error === null) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

function dropPrefix(buffers: Uint8Array[], count: number): Uint8Array[] {
  let index = 0;
  while (index < buffers.length && count >= buffers[index].length) count -= buffers[index++].length;
  const rest = buffers.slice(index);
  if (count > 0 && rest.length > 0) rest[0] = rest[0].subarray(count);
  return rest;
}
