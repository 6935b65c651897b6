import { CaptureClosedError, CaptureLimitError } from "./errors.js";
import type { CaptureSink } from "./sink.js";

/** Options of `MemorySink`. */
export interface MemorySinkOptions {
  /** Refuse (with `CaptureLimitError`) any block that would take the capture past this many bytes. */
  limitBytes?: number;
}

/**
 * Keeps a capture in memory, for browsers (offer it as a download through `blob()`) and for tests.
 * The bytes are readable at any time, before or after `close()`.
 */
export class MemorySink implements CaptureSink {
  readonly #limit: number;
  #chunks: Uint8Array[] = [];
  #length = 0;
  #closed = false;

  constructor(options: MemorySinkOptions = {}) {
    this.#limit = options.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes stored so far. */
  get length(): number {
    return this.#length;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed) throw new CaptureClosedError("write to a closed memory sink");
    if (this.#length + chunk.length > this.#limit) throw new CaptureLimitError(this.#limit);
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** The whole capture as one contiguous array (a copy the caller owns). */
  bytes(): Uint8Array {
    if (this.#chunks.length > 1) {
      // Join once and keep the result, so repeated reads of a growing capture stay cheap.
      const joined = new Uint8Array(this.#length);
      let at = 0;
      for (const chunk of this.#chunks) {
        joined.set(chunk, at);
        at += chunk.length;
      }
      this.#chunks = [joined];
    }
    return this.#chunks.length === 0 ? new Uint8Array(0) : this.#chunks[0].slice();
  }

  /** The capture as a Blob; pass the writer's `mediaType` so a browser download gets the right type. */
  blob(type = "application/octet-stream"): Blob {
    return new Blob(this.#chunks as BlobPart[], { type });
  }
}
