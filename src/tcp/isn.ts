import { sipHash24 } from "../wire/siphash.js";

/**
 * RFC 6528 initial sequence numbers: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * with M a 4-microsecond timer and F SipHash-2-4 under a per-stack random key. Off-path attackers cannot
 * predict a connection's ISN, and successive incarnations of one 4-tuple still move forward with time.
 */
export class IsnGenerator {
  readonly #key: Uint8Array;
  readonly #tuple = new Uint8Array(12);
  readonly #tuple6 = new Uint8Array(36);
  readonly #view6 = new DataView(this.#tuple6.buffer);
  readonly #view = new DataView(this.#tuple.buffer);

  constructor(key?: Uint8Array) {
    if (key !== undefined) {
      if (key.length !== 16) throw new RangeError("isnKey must be 16 bytes");
      this.#key = key.slice();
    } else {
      const fresh = new Uint8Array(16);
      crypto.getRandomValues(fresh);
      this.#key = fresh;
    }
  }

  /** `nowMs` is the stack clock's time; M advances once per 4 microseconds of it. */
  next(localAddress: number, localPort: number, remoteAddress: number, remotePort: number, nowMs: number): number {
    const v = this.#view;
    v.setUint32(0, localAddress);
    v.setUint16(4, localPort);
    v.setUint32(6, remoteAddress);
    v.setUint16(10, remotePort);
    const [, lo] = sipHash24(this.#key, this.#tuple);
    const m = Math.floor(nowMs * 250) % 0x1_0000_0000;
    return (m + lo) >>> 0;
  }

  /** `next` over an IPv6 4-tuple: the addresses' 16 bytes each (RFC 6528 §3's F over the whole tuple). */
  next6(
    localAddress: Uint8Array,
    localPort: number,
    remoteAddress: Uint8Array,
    remotePort: number,
    nowMs: number,
  ): number {
    const t = this.#tuple6;
    t.set(localAddress, 0);
    this.#view6.setUint16(16, localPort);
    t.set(remoteAddress, 18);
    this.#view6.setUint16(34, remotePort);
    const [, lo] = sipHash24(this.#key, t);
    const m = Math.floor(nowMs * 250) % 0x1_0000_0000;
    return (m + lo) >>> 0;
  }
}
