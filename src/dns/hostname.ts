import { InvalidHostnameError } from "./errors.js";

// ASCII classes only: a case-insensitive flag or lowercasing first would let "\u212A" (Kelvin) pass as "k".
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const ALL_NUMERIC = /^[0-9]+$/;

/**
 * The name as the resolver asks for it (lowercase, no trailing dot) when it is a host name by RFC 1123
 * section 2.1: labels of letters, digits and hyphens, 1 to 63 long, not beginning or ending with a
 * hyphen (a leading digit is allowed since RFC 1123), at most 253 characters. A last label of digits only
 * is refused (RFC 3696 section 2): "1.2.3.999" is a mistyped address, not a name. Throws
 * `InvalidHostnameError` otherwise.
 */
export function checkHostname(name: string): string {
  const bad = (why: string) => new InvalidHostnameError(name, `not a host name (${why}): ${JSON.stringify(name)}`);
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  if (trimmed.length === 0) throw bad("empty");
  if (trimmed.length > 253) throw bad("over 253 characters");
  const labels = trimmed.split(".");
  for (const label of labels) {
    if (label.length === 0) throw bad("empty label");
    if (label.length > 63) throw bad("label over 63 characters");
    if (!LABEL.test(label)) throw bad(`label ${JSON.stringify(label)} is not letters, digits and inner hyphens`);
  }
  if (ALL_NUMERIC.test(labels[labels.length - 1])) throw bad("the top-level label is all digits");
  return trimmed.toLowerCase();
}
