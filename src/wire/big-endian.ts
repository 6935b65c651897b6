/**
 * Network byte order (RFC 1700's "big-endian") words in plain byte arrays, for the TS-side parsers and
 * builders that do not go through WASM (DHCP, DNS, ND, addresses). One copy, so every reader agrees on
 * the unsigned result.
 */

/** The big-endian unsigned 32-bit word at `at` (0..2^32-1; the caller checks the bounds). */
export function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** Writes the low 32 bits of `v` big-endian at `at`. */
export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}
