import { DNS_MAX_LABEL, DNS_MAX_NAME, type DnsBuildErrorReason, type DnsParseErrorReason } from "./dns-types.js";

/**
 * Domain names on the wire (RFC 1035 sections 3.1 and 4.1.4): length-prefixed labels ending in the root's
 * zero byte, where any suffix may be replaced by a 14-bit pointer to an earlier occurrence.
 */

export type ReadNameResult =
  | {
      ok: true;
      name: string /** Offset just past the name where it is written (after the first pointer). */;
      end: number;
    }
  | { ok: false; reason: DnsParseErrorReason; offset: number };

/**
 * Reads the name at `start`. Its bytes in place must end before `bound` (the end of the rdata holding it,
 * or of the message); labels reached through a pointer may lie anywhere before it in the message.
 *
 * Termination without a hop counter: every pointer must point below the start of the stretch of labels
 * being read (the name's own start, then each earlier target). Those starts strictly decrease, so the
 * walk ends, and a pointer into the name itself or forward, the only way to build a loop, is rejected.
 * Compressors point only to names written before the current one, so no valid message is refused.
 * The 255-byte cap bounds the work per name further.
 */
export function readName(msg: Uint8Array, start: number, bound = msg.length): ReadNameResult {
  const labels: string[] = [];
  let pos = start;
  let stretchStart = start;
  let limit = bound;
  let end = -1;
  let wireLength = 0;
  for (;;) {
    if (pos >= limit) return { ok: false, reason: "truncated-name", offset: pos };
    const len = msg[pos];
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= limit) return { ok: false, reason: "truncated-name", offset: pos };
      const target = ((len & 0x3f) << 8) | msg[pos + 1];
      if (end < 0) end = pos + 2;
      if (target >= msg.length) return { ok: false, reason: "pointer-out-of-range", offset: pos };
      if (target >= stretchStart) return { ok: false, reason: "pointer-not-backward", offset: pos };
      stretchStart = pos = target;
      limit = msg.length;
      continue;
    }
    if (kind !== 0) return { ok: false, reason: "bad-label-type", offset: pos };
    wireLength += len + 1;
    if (wireLength > DNS_MAX_NAME) return { ok: false, reason: "name-too-long", offset: pos };
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { ok: true, name: labels.length === 0 ? "." : labels.join("."), end };
    }
    if (pos + 1 + len > limit) return { ok: false, reason: "truncated-name", offset: pos };
    labels.push(labelText(msg, pos + 1, len));
    pos += 1 + len;
  }
}

/** One label's bytes in presentation form: printable ASCII as is, "." and "\" escaped, others as \DDD. */
function labelText(msg: Uint8Array, from: number, len: number): string {
  let s = "";
  for (let i = from; i < from + len; i++) {
    const b = msg[i];
    if (b === 0x2e || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${String(b).padStart(3, "0")}`;
  }
  return s;
}

export type EncodeNameResult =
  | { ok: true; labels: Uint8Array[] }
  | { ok: false; reason: DnsBuildErrorReason; detail: string };

/** Presentation form to label bytes (no root label), the inverse of what `readName` produces. */
export function encodeName(text: string): EncodeNameResult {
  const fail = (reason: DnsBuildErrorReason, why: string): EncodeNameResult => ({
    ok: false,
    reason,
    detail: `${why}: ${JSON.stringify(text)}`,
  });
  if (text === "." || text === "") return { ok: true, labels: [] };
  const labels: Uint8Array[] = [];
  let current: number[] = [];
  let wireLength = 1;
  const close = (): string | null => {
    if (current.length === 0) return "empty label";
    if (current.length > DNS_MAX_LABEL) return "label over 63 bytes";
    labels.push(Uint8Array.from(current));
    wireLength += current.length + 1;
    current = [];
    return null;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      const bad = close();
      if (bad !== null) return fail(bad === "empty label" ? "bad-name-text" : "label-too-long", bad);
      // A trailing dot names the root explicitly: "example.com." is "example.com".
      if (i === text.length - 1) break;
      continue;
    }
    if (c <= 0x20 || c >= 0x7f) return fail("bad-name-text", "character outside printable ASCII");
    if (c !== 0x5c) {
      current.push(c);
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if (Number.isNaN(next)) return fail("bad-name-text", "dangling escape");
    if (next >= 0x30 && next <= 0x39) {
      const digits = text.slice(i + 1, i + 4);
      if (!/^\d{3}$/.test(digits) || Number(digits) > 255) return fail("bad-name-text", "bad \\DDD escape");
      current.push(Number(digits));
      i += 3;
    } else {
      current.push(next);
      i += 1;
    }
  }
  if (current.length > 0) {
    const bad = close();
    if (bad !== null) return fail("label-too-long", bad);
  }
  if (wireLength > DNS_MAX_NAME) return fail("name-too-long", "name over 255 bytes in wire form");
  return { ok: true, labels };
}

/**
 * The form in which two names are equal exactly when DNS says they are: ASCII case folded (RFC 4343),
 * escapes normalised, no trailing dot. Text that is no valid name keys as itself, lowercased.
 */
export function dnsNameKey(name: string): string {
  const encoded = encodeName(name);
  if (!encoded.ok) return name.toLowerCase();
  if (encoded.labels.length === 0) return ".";
  return encoded.labels
    .map((label) =>
      labelText(
        label.map((b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b)),
        0,
        label.length,
      ),
    )
    .join(".");
}
