import { sipHash24 } from "../wire/siphash.js";

/**
 * RFC 4987 §3.6 SYN cookies, after the Linux scheme (net/ipv4/syncookies.c): when a listener's SYN queue is
 * full, the SYN-ACK's sequence number carries, under a keyed hash of the 4-tuple, a coarse time counter and
 * the index of the peer's MSS in a small table, and the stack keeps nothing. The ACK that completes the
 * handshake gives the cookie back (SEG.ACK - 1) and the connection is made from it.
 *
 *   cookie = H1(tuple) + peerISN + (count << 24) + ((H2(tuple, count) + mssIndex) mod 2^24)
 *
 * A forger must hit 4 values of 2^24 per guess; a cookie older than MAX_AGE periods decodes to nothing.
 * Window scale, SACK-permitted and ECN do not fit: with timestamps agreed they ride in the low 6 bits of
 * our SYN-ACK's TSval, which the peer echoes in every TSecr (`encodeTsOptions`).
 */

/** MSS values a cookie can carry (Linux's msstab): the peer's MSS is rounded down to one of them. */
export const COOKIE_MSS: readonly number[] = [536, 1300, 1440, 1460];

/** The time counter's period; Linux counts minutes. */
export const COOKIE_PERIOD_MS = 64_000;
/** A cookie is accepted in the period it was made and the next one (Linux's MAX_SYNCOOKIE_AGE = 2). */
const MAX_AGE = 2;
/** The longest a cookie can stay valid. */
export const COOKIE_LIFETIME_MS = MAX_AGE * COOKIE_PERIOD_MS;
const COOKIE_BITS = 24;
const COOKIE_MASK = (1 << COOKIE_BITS) - 1;

/** The TSval's option bits: 4 bits of window scale (15: none), SACK-permitted, ECN. */
const TS_OPT_BITS = 6;
const TS_OPT_MASK = (1 << TS_OPT_BITS) - 1;
const WSCALE_NONE = 0xf;
const TS_SACK = 1 << 4;
const TS_ECN = 1 << 5;

/** The options a cookie's timestamp carried. */
export interface TsCookieOptions {
  /** The peer's window-scale shift, or null when its SYN offered none. */
  windowScale: number | null;
  sack: boolean;
  ecn: boolean;
}

/** The largest table MSS the peer can take (the first entry when it asked for less than all of them). */
export function mssIndexFor(peerMss: number): number {
  let i = COOKIE_MSS.length - 1;
  while (i > 0 && COOKIE_MSS[i] > peerMss) i--;
  return i;
}

/** The keyed hashes over one 4-tuple, and the cookie arithmetic. */
export class SynCookies {
  readonly #key: Uint8Array;
  readonly #message = new Uint8Array(17);
  readonly #view = new DataView(this.#message.buffer);

  /** `secret`: the stack's 16-byte ISN secret, when a test fixes one (the cookie key is derived from it); else random. */
  constructor(secret?: Uint8Array) {
    const key = new Uint8Array(16);
    if (secret === undefined) crypto.getRandomValues(key);
    else {
      // Two SipHash outputs under the secret, so cookies and ISNs never share a key.
      const label = new TextEncoder().encode("wirestate syn cookie");
      const v = new DataView(key.buffer);
      [...sipHash24(secret, label), ...sipHash24(secret, label.subarray(1))].forEach((w, i) => v.setUint32(4 * i, w));
    }
    this.#key = key;
  }

  /** The cookie (our ISS) for a SYN from `src:srcPort` with sequence number `peerIsn`, to `dst:dstPort`. */
  encode(
    src: number,
    srcPort: number,
    dst: number,
    dstPort: number,
    peerIsn: number,
    nowMs: number,
    mssIndex: number,
  ): number {
    const count = counter(nowMs);
    const h1 = this.#hash(src, srcPort, dst, dstPort, 0, 1);
    const h2 = this.#hash(src, srcPort, dst, dstPort, count, 2);
    return (h1 + peerIsn + ((count << COOKIE_BITS) >>> 0) + ((h2 + mssIndex) & COOKIE_MASK)) >>> 0;
  }

  /**
   * The MSS index a cookie carries, or -1 when it is not one of ours for this tuple and peer ISN, or has
   * expired. `peerIsn` is the peer's SYN's sequence number (SEG.SEQ - 1 of its ACK).
   */
  decode(
    src: number,
    srcPort: number,
    dst: number,
    dstPort: number,
    peerIsn: number,
    cookie: number,
    nowMs: number,
  ): number {
    const count = counter(nowMs);
    const h1 = this.#hash(src, srcPort, dst, dstPort, 0, 1);
    const c = (cookie - h1 - peerIsn) >>> 0;
    const age = (count - (c >>> COOKIE_BITS)) & 0xff;
    if (age >= MAX_AGE) return -1;
    const h2 = this.#hash(src, srcPort, dst, dstPort, (count - age) & 0xff, 2);
    const index = (c - h2) & COOKIE_MASK;
    return index < COOKIE_MSS.length ? index : -1;
  }

  #hash(src: number, srcPort: number, dst: number, dstPort: number, count: number, domain: number): number {
    const v = this.#view;
    v.setUint32(0, src);
    v.setUint16(4, srcPort);
    v.setUint32(6, dst);
    v.setUint16(10, dstPort);
    v.setUint32(12, count);
    v.setUint8(16, domain);
    return sipHash24(this.#key, this.#message)[1];
  }
}

function counter(nowMs: number): number {
  return Math.floor(nowMs / COOKIE_PERIOD_MS) & 0xff;
}

/**
 * Linux's cookie_init_timestamp: our SYN-ACK's TSval, `tsNow` (the connection's timestamp clock) with its
 * low 6 bits replaced by the options, and moved back one step if that put it in the future, so the clock
 * the connection then runs never goes backwards from what the peer saw.
 */
export function encodeTsOptions(tsNow: number, o: TsCookieOptions): number {
  const bits = (o.windowScale ?? WSCALE_NONE) | (o.sack ? TS_SACK : 0) | (o.ecn ? TS_ECN : 0);
  let ts = ((tsNow & ~TS_OPT_MASK) | bits) >>> 0;
  if (((ts - tsNow) | 0) > 0) ts = (ts - (1 << TS_OPT_BITS)) >>> 0;
  return ts;
}

/**
 * The options in an echoed TSval (the ACK's TSecr), or null when they cannot be ours: an echo from the
 * future or older than a cookie lives, by the connection's timestamp clock `tsNow`. (Four bits hold at most
 * 15, "none", so every shift decoded is at most 14.)
 */
export function decodeTsOptions(tsecr: number, tsNow: number): TsCookieOptions | null {
  const age = (tsNow - tsecr) | 0;
  if (age < 0 || age > COOKIE_LIFETIME_MS) return null;
  const bits = tsecr & TS_OPT_MASK;
  const ws = bits & 0xf;
  return { windowScale: ws === WSCALE_NONE ? null : ws, sack: (bits & TS_SACK) !== 0, ecn: (bits & TS_ECN) !== 0 };
}
