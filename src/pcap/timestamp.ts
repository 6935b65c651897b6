import { InvalidTimestampError } from "./errors.js";

/** A capture timestamp split the way the formats store it: whole seconds since 1970 and nanoseconds within. */
export interface SplitTime {
  seconds: number;
  nanos: number;
}

const NS_PER_MS = 1_000_000;
const TWO_16 = 0x1_0000;
const TWO_32 = 0x1_0000_0000;

/**
 * Convert a clock reading (fractional milliseconds) to integer seconds and nanoseconds without the float
 * error of `ms * 1e6`: the integer milliseconds are exact, and only the sub-millisecond fraction (exact too,
 * since `ms - floor(ms)` loses nothing) is scaled and rounded to the nearest nanosecond.
 */
export function splitTime(ms: number): SplitTime {
  if (!Number.isFinite(ms)) throw new InvalidTimestampError(ms, "not a finite number");
  if (ms < 0) throw new InvalidTimestampError(ms, "before 1970-01-01, which capture formats cannot hold");
  let wholeMs = Math.floor(ms);
  let fracNs = Math.round((ms - wholeMs) * NS_PER_MS);
  if (fracNs === NS_PER_MS) {
    wholeMs += 1;
    fracNs = 0;
  }
  const seconds = Math.floor(wholeMs / 1000);
  return { seconds, nanos: (wholeMs - seconds * 1000) * NS_PER_MS + fracNs };
}

/**
 * `seconds * 1e9 + nanos` as the high and low 32-bit halves of a 64-bit count (pcapng's timestamp with
 * if_tsresol 9). Done in pieces that each stay below 2^53, so no BigInt on the per-packet path.
 */
export function nanosHiLo(t: SplitTime): { hi: number; lo: number } {
  const secHi = Math.floor(t.seconds / TWO_16);
  const secLo = t.seconds - secHi * TWO_16;
  const upper = secHi * 1e9; // the part of the product that is scaled by 2^16
  const lower = secLo * 1e9 + t.nanos; // < 2^47
  const sum = (upper % TWO_16) * TWO_16 + lower; // < 2^48: exact
  const lo = sum % TWO_32;
  const hi = Math.floor(upper / TWO_16) + (sum - lo) / TWO_32;
  if (hi >= TWO_32) throw new InvalidTimestampError(t.seconds * 1000, "past the 64-bit nanosecond range");
  return { hi, lo };
}
