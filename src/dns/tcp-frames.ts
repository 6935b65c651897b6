/**
 * DNS over TCP framing (RFC 1035 section 4.2.2, RFC 7766 section 8): each message is preceded by its
 * length as two bytes, big-endian.
 */

/** The message with its length prefix, ready for one write. Messages over 65535 bytes cannot be framed. */
export function frameMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff)
    throw new RangeError(`a DNS message over TCP is at most 65535 bytes, got ${message.length}`);
  const framed = new Uint8Array(message.length + 2);
  framed[0] = message.length >> 8;
  framed[1] = message.length & 0xff;
  framed.set(message, 2);
  return framed;
}

/**
 * Collects stream chunks and hands out whole messages. Memory is bounded by the 64 KiB a prefix can
 * announce, plus one chunk.
 */
export class FrameReader {
  #pending = new Uint8Array(0);

  /** Adds a chunk; returns the messages it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.#pending.length + chunk.length);
    joined.set(this.#pending);
    joined.set(chunk, this.#pending.length);
    const out: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 2) {
      const length = (joined[at] << 8) | joined[at + 1];
      if (joined.length - at - 2 < length) break;
      out.push(joined.slice(at + 2, at + 2 + length));
      at += 2 + length;
    }
    this.#pending = joined.slice(at);
    return out;
  }

  /** Bytes of a message begun but not finished (nonzero when a stream ends mid-message). */
  get buffered(): number {
    return this.#pending.length;
  }
}
