// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). Plain TS on purpose: a JS->WASM call costs more
// than `(a - b) | 0`, and no WASM code compares sequence numbers, so the module has no copy of these;
// tests check them against the reference.

/** a < b in sequence space (modulo 2^32). */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
/** a <= b in sequence space (modulo 2^32). */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
/** a > b in sequence space (modulo 2^32). */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
/** a >= b in sequence space (modulo 2^32). */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}
/** a + n modulo 2^32, as an unsigned number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
/** The signed distance from b to a (positive when a is after b). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
/** start <= x < start + size, modulo 2^32 (RFC 9293 §3.4 acceptability); size 0 holds nothing. */
export function seqInWindow(x: number, start: number, size: number): boolean {
  return (x - start) >>> 0 < size;
}
