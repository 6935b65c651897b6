import { TransportClosedError } from "./errors.js";
import type { ByteStream } from "./transport.js";

/** One direction of an in-memory pair: chunks in order, then null for the end. */
class Pipe {
  private readonly queue: (Uint8Array | null)[] = [];
  private waiting: ((c: Uint8Array | null) => void) | undefined;
  ended = false;

  push(c: Uint8Array | null): void {
    if (this.ended) return;
    if (c === null) this.ended = true;
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w(c);
    } else {
      this.queue.push(c);
    }
  }

  pull(): Promise<Uint8Array | null> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as Uint8Array | null);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

/** Options of `memoryStreamPair`. */
export interface MemoryStreamOptions {
  /** Deliver writes cut into chunks of at most this many bytes (tests of reassembly). Default: whole. */
  chunkSize?: number;
}

/**
 * Two ByteStreams joined back to back in one process: sessions between two parts of one program, and
 * tests of protocols without a network. Writes are copied, so the writer may reuse its buffer.
 */
export function memoryStreamPair(options: MemoryStreamOptions = {}): [ByteStream, ByteStream] {
  const chunk = options.chunkSize ?? Infinity;
  if (!(chunk >= 1)) throw new RangeError(`chunkSize must be at least 1, got ${chunk}`);
  const ab = new Pipe();
  const ba = new Pipe();
  const side = (inbox: Pipe, outbox: Pipe): ByteStream => {
    let aborted = false;
    return {
      read: () => (aborted ? Promise.resolve(null) : inbox.pull()),
      async write(c) {
        if (aborted || outbox.ended) throw new TransportClosedError("write after the stream ended");
        for (let i = 0; i < c.length; i += chunk) outbox.push(c.slice(i, Math.min(c.length, i + chunk)));
      },
      async end() {
        outbox.push(null);
      },
      abort() {
        if (aborted) return;
        aborted = true;
        outbox.push(null);
        inbox.push(null);
      },
    };
  };
  return [side(ba, ab), side(ab, ba)];
}
