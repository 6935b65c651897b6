// Reference sequence arithmetic (tests only): explicit modulo-2^32 distances instead of 32-bit wrapping.
// a precedes b when the distance from b forward to a is at least 2^31 (the convention of Linux's before()).
const MOD = 2 ** 32;
const HALF = 2 ** 31;

function mod(x: number): number {
  return ((x % MOD) + MOD) % MOD;
}

export function refSeqLt(a: number, b: number): boolean {
  return mod(a - b) >= HALF;
}
export function refSeqLe(a: number, b: number): boolean {
  return a === b || refSeqLt(a, b);
}
export function refSeqGt(a: number, b: number): boolean {
  return !refSeqLe(a, b);
}
export function refSeqGe(a: number, b: number): boolean {
  return !refSeqLt(a, b);
}
export function refSeqAdd(a: number, n: number): number {
  return mod(a + n);
}
export function refSeqDiff(a: number, b: number): number {
  const d = mod(a - b);
  return d >= HALF ? d - MOD : d;
}
export function refSeqInWindow(x: number, start: number, size: number): boolean {
  return mod(x - start) < size;
}
