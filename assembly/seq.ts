// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): comparisons are on the signed difference.

export function seqLt(a: u32, b: u32): bool {
  return <i32>(a - b) < 0;
}
export function seqLe(a: u32, b: u32): bool {
  return <i32>(a - b) <= 0;
}
export function seqGt(a: u32, b: u32): bool {
  return <i32>(a - b) > 0;
}
export function seqGe(a: u32, b: u32): bool {
  return <i32>(a - b) >= 0;
}
export function seqAdd(a: u32, n: u32): u32 {
  return a + n;
}
/** Signed distance from b to a. */
export function seqDiff(a: u32, b: u32): i32 {
  return <i32>(a - b);
}
/** start <= x < start + size, modulo 2^32; an empty window holds nothing. */
export function seqInWindow(x: u32, start: u32, size: u32): bool {
  return x - start < size;
}
