import type { Prng } from "../../src/link/prng.js";

/** One to four edits of a valid message: the kinds of damage that reach the parser's checks. */
export function mutateDnsMessage(base: Uint8Array, rng: Prng): Uint8Array {
  let m = Uint8Array.from(base);
  const edits = 1 + rng.below(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.below(Math.max(1, m.length));
    switch (rng.below(7)) {
      case 0: // flip a byte
        m[at] ^= 1 + rng.below(255);
        break;
      case 1: // a compression pointer anywhere, to anywhere (backward, forward, itself, past the end)
        if (at + 1 < m.length) {
          const target = rng.below(m.length + 64);
          m[at] = 0xc0 | ((target >> 8) & 0x3f);
          m[at + 1] = target & 0xff;
        }
        break;
      case 2: // truncate
        m = m.slice(0, at);
        break;
      case 3: // a section count from nowhere
        if (m.length >= 12) {
          const field = 4 + 2 * rng.below(4);
          m[field] = rng.below(256);
          m[field + 1] = rng.below(256);
        }
        break;
      case 4: // a label length byte of another type or size (0x40, 0x80, up to 63)
        m[at] = [0x40, 0x80, 0x3f, 0x01, 0x00][rng.below(5)];
        break;
      case 5: {
        // duplicate a stretch (repeats names and pointers)
        const len = rng.below(32);
        const copy = m.slice(at, at + len);
        const grown = new Uint8Array(m.length + copy.length);
        grown.set(m.subarray(0, at));
        grown.set(copy, at);
        grown.set(m.subarray(at), at + copy.length);
        m = grown;
        break;
      }
      case 6: // an rdlength out of proportion
        if (at + 1 < m.length) {
          m[at] = rng.below(256);
          m[at + 1] = rng.below(256);
        }
        break;
    }
  }
  return m;
}
