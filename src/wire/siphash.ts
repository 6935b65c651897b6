/**
 * SipHash-2-4 (Aumasson and Bernstein), the keyed PRF behind RFC 6528 ISNs and RFC 7217 stable interface
 * identifiers. Pure TS on 32-bit halves so it runs in browsers as well as Node; it is called once per
 * connection or address, not per segment. In wire/ because it knows bytes only, and TCP and neighbour
 * discovery both use it.
 */

// A 64-bit lane as [hi, lo] 32-bit halves, kept in a flat state array to avoid allocation per round.
function add(s: Uint32Array, a: number, b: number): void {
  const lo = (s[a + 1] + s[b + 1]) >>> 0;
  const carry = lo < s[a + 1] ? 1 : 0;
  s[a] = (s[a] + s[b] + carry) >>> 0;
  s[a + 1] = lo;
}

function rotl(s: Uint32Array, a: number, n: number): void {
  let hi = s[a];
  let lo = s[a + 1];
  if (n >= 32) {
    const t = hi;
    hi = lo;
    lo = t;
    n -= 32;
  }
  if (n === 0) {
    s[a] = hi;
    s[a + 1] = lo;
    return;
  }
  s[a] = ((hi << n) | (lo >>> (32 - n))) >>> 0;
  s[a + 1] = ((lo << n) | (hi >>> (32 - n))) >>> 0;
}

function xor(s: Uint32Array, a: number, b: number): void {
  s[a] = (s[a] ^ s[b]) >>> 0;
  s[a + 1] = (s[a + 1] ^ s[b + 1]) >>> 0;
}

function swapHalves(s: Uint32Array, a: number): void {
  const t = s[a];
  s[a] = s[a + 1];
  s[a + 1] = t;
}

const V0 = 0;
const V1 = 2;
const V2 = 4;
const V3 = 6;
const M = 8;

function sipRound(s: Uint32Array): void {
  add(s, V0, V1);
  rotl(s, V1, 13);
  xor(s, V1, V0);
  swapHalves(s, V0);
  add(s, V2, V3);
  rotl(s, V3, 16);
  xor(s, V3, V2);
  add(s, V0, V3);
  rotl(s, V3, 21);
  xor(s, V3, V0);
  add(s, V2, V1);
  rotl(s, V1, 17);
  xor(s, V1, V2);
  swapHalves(s, V2);
}

function readLe64(bytes: Uint8Array, at: number, s: Uint32Array, to: number): void {
  s[to + 1] = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  s[to] = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0;
}

// One state, key and tail buffer for every call: the hash runs to completion without calling out, so
// no call can see another's, and a miss in the address book allocates nothing.
const state = new Uint32Array(12);
const keyWords = new Uint32Array(4);
const tail = new Uint8Array(8);

/**
 * SipHash-2-4 of `message[at..at + length]` under a 16-byte `key`, written to `out` as [hi, lo] 32-bit
 * halves of the 64-bit result; allocates nothing. Returns `out`.
 */
export function sipHash24Into(
  key: Uint8Array,
  message: Uint8Array,
  out: Uint32Array,
  at = 0,
  length = message.length - at,
): Uint32Array {
  if (key.length !== 16) throw new RangeError("SipHash key must be 16 bytes");
  const s = state;
  const k = keyWords;
  readLe64(key, 0, k, 0);
  readLe64(key, 8, k, 2);
  // "somepseudorandomlygeneratedbytes"
  s[V0] = 0x736f6d65 ^ k[0];
  s[V0 + 1] = 0x70736575 ^ k[1];
  s[V1] = 0x646f7261 ^ k[2];
  s[V1 + 1] = 0x6e646f6d ^ k[3];
  s[V2] = 0x6c796765 ^ k[0];
  s[V2 + 1] = 0x6e657261 ^ k[1];
  s[V3] = 0x74656462 ^ k[2];
  s[V3 + 1] = 0x79746573 ^ k[3];

  const whole = length - (length % 8);
  for (let i = 0; i < whole; i += 8) {
    readLe64(message, at + i, s, M);
    xor(s, V3, M);
    sipRound(s);
    sipRound(s);
    xor(s, V0, M);
  }
  tail.fill(0);
  for (let i = whole; i < length; i++) tail[i - whole] = message[at + i];
  tail[7] = length & 0xff;
  readLe64(tail, 0, s, M);
  xor(s, V3, M);
  sipRound(s);
  sipRound(s);
  xor(s, V0, M);

  s[V2 + 1] = (s[V2 + 1] ^ 0xff) >>> 0;
  for (let i = 0; i < 4; i++) sipRound(s);
  out[0] = s[V0] ^ s[V1] ^ s[V2] ^ s[V3];
  out[1] = s[V0 + 1] ^ s[V1 + 1] ^ s[V2 + 1] ^ s[V3 + 1];
  return out;
}

const result = new Uint32Array(2);

/** SipHash-2-4 of `message` under a 16-byte `key`; returns the 64-bit result as [hi, lo]. */
export function sipHash24(key: Uint8Array, message: Uint8Array): [number, number] {
  sipHash24Into(key, message, result);
  return [result[0], result[1]];
}
