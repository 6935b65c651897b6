/** Argument checks shared by every byte call: a whole stream's and a split half's. */
const utf8 = new TextEncoder();

/** What `read(maxBytes)` accepts. */
export function checkMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) {
    throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  }
}

/** What `write(data)` accepts: bytes, or a string sent as UTF-8. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === "string") return utf8.encode(data);
  if (!(data instanceof Uint8Array)) throw new TypeError("write takes a Uint8Array or a string");
  return data;
}
