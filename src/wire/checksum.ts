import { wasm, mem8, addressOf, SCRATCH } from "./wasm.js";

// Even, so chained chunks keep every byte in its position within a 16-bit word.
const CHUNK = 65536;

/**
 * The one's complement sum of `bytes` (RFC 1071), folded to 16 bits but not complemented, plus `initial`
 * (a partial sum such as `pseudoHeaderSum(...)` or an earlier result). Bytes already in WASM memory are
 * summed in place; others are copied in chunk by chunk.
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  const address = addressOf(bytes);
  if (address >= 0) return wasm.onesSum(address, bytes.length, initial);
  if (bytes.length <= CHUNK) {
    mem8.set(bytes, SCRATCH);
    return wasm.onesSum(SCRATCH, bytes.length, initial);
  }
  let sum = initial;
  let at = 0;
  do {
    const chunk = bytes.subarray(at, at + CHUNK);
    mem8.set(chunk, SCRATCH);
    sum = wasm.onesSum(SCRATCH, chunk.length, sum);
    at += CHUNK;
  } while (at < bytes.length);
  return sum;
}

/**
 * The Internet checksum (RFC 1071) of `bytes`: the complement of their one's complement sum plus `initial`.
 * Over a header whose checksum field is filled in correctly, the result is 0.
 */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/** The TCP/UDP pseudo-header sum (RFC 9293 §3.1), to pass as `initial`. Addresses are u32 numbers. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return wasm.pseudoHeaderSum(src, dst, protocol, length);
}

/** RFC 1624 incremental update: the checksum after one 16-bit field changed from `oldField` to `newField`. */
export function checksumUpdate(checksum: number, oldField: number, newField: number): number {
  return wasm.checksumUpdate(checksum, oldField, newField);
}
