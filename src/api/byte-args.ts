/** Argument checks shared by every byte call: a whole stream's and a split half's. */
import type { WriteOptions } from "./types.js";

const utf8 = new TextEncoder();

/** What `read(maxBytes)` accepts. */
export function checkMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) {
    throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  }
}

/**
 * What a read into the caller's memory accepts (`readInto(buffer)`, the Duplex's `onread`): a Uint8Array
 * with room for a byte, as an empty one could never be filled. `what` names the argument in the error.
 */
export function checkReadBuffer(buffer: unknown, what: string): asserts buffer is Uint8Array {
  if (!(buffer instanceof Uint8Array) || buffer.length === 0) {
    const got = buffer instanceof Uint8Array ? "an empty Uint8Array" : buffer === null ? "null" : typeof buffer;
    throw new TypeError(`${what} must be a non-empty Uint8Array, got ${got}`);
  }
}

/** Whether `write(data, options)` takes its bytes over: when asked, and always for a string's own UTF-8 bytes. */
export function takesOver(data: Uint8Array | string, options: WriteOptions | undefined): boolean {
  return typeof data === "string" || options?.noCopy === true;
}

/** What `write(data)` accepts: bytes, or a string sent as UTF-8. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === "string") return utf8.encode(data);
  if (!(data instanceof Uint8Array)) throw new TypeError("write takes a Uint8Array or a string");
  return data;
}
