/**
 * Deterministic pseudo-random bytes from xorshift32 started at `state` (any number; its low 32 bits, and
 * not 0), written into `into` when given. Tests derive `state` from their seed, so a failure names it.
 */
export function xorshiftBytes(length: number, state: number, into = new Uint8Array(length)): Uint8Array {
  let x = state | 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    into[i] = x & 0xff;
  }
  return into;
}
