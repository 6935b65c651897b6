import { PacketdrillSyntaxError } from "./errors.js";

/**
 * Tokens of packetdrill's lexer (gtests/net/packetdrill/lexer.l): its keywords are plain words here and the
 * parser tells them apart by text, which keeps the keyword list in one place (the parser).
 */
export type TokenKind =
  | "option" // --name
  | "float"
  | "integer"
  | "hex"
  | "word"
  | "string" // "..."
  | "backquoted" // `...`
  | "code" // %{ ... }%
  | "ipv4"
  | "ellipsis"
  | "punct"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** The source text (for strings, backquotes and code: the text between the delimiters). */
  text: string;
  line: number;
  column: number;
}

const WORD = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** Splits a script into tokens, longest match first as flex does; comments and blanks are dropped. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) {
      if (source.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    i = to;
  };
  while (i < source.length) {
    const c = source[i];
    const column = i - lineStart + 1;
    const at = (kind: TokenKind, text: string, end: number) => {
      tokens.push({ kind, text, line, column });
      advance(end);
    };
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      advance(i + 1);
      continue;
    }
    if (source.startsWith("//", i)) {
      const end = source.indexOf("\n", i);
      advance(end < 0 ? source.length : end);
      continue;
    }
    if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new PacketdrillSyntaxError(line, column, "unterminated /* comment");
      advance(end + 2);
      continue;
    }
    if (source.startsWith("%{", i)) {
      const end = source.indexOf("}%", i + 2);
      if (end < 0) throw new PacketdrillSyntaxError(line, column, "unterminated %{ code block (no }%)");
      at("code", source.slice(i + 2, end), end + 2);
      continue;
    }
    if (c === '"' || c === "`") {
      let k = i + 1;
      while (k < source.length && source[k] !== c) k += source[k] === "\\" ? 2 : 1;
      if (k >= source.length) {
        throw new PacketdrillSyntaxError(line, column, `unterminated ${c === '"' ? "string" : "backquoted command"}`);
      }
      at(c === '"' ? "string" : "backquoted", unescapeText(source.slice(i + 1, k)), k + 1);
      continue;
    }
    if (source.startsWith("...", i)) {
      at("ellipsis", "...", i + 3);
      continue;
    }
    if (source.startsWith("--", i) && WORD.test(source[i + 2] ?? "")) {
      let k = i + 2;
      while (k < source.length && WORD.test(source[k])) k++;
      at("option", source.slice(i + 2, k), k);
      continue;
    }
    const number = matchNumber(source, i);
    if (number !== null) {
      at(number.kind, source.slice(i, number.end), number.end);
      continue;
    }
    if (WORD.test(c)) {
      let k = i;
      while (k < source.length && WORD.test(source[k])) k++;
      at("word", source.slice(i, k), k);
      continue;
    }
    at("punct", c, i + 1);
  }
  tokens.push({ kind: "eof", text: "", line, column: i - lineStart + 1 });
  return tokens;
}

/**
 * The longest of lexer.l's number rules that matches at `i` (ipv4 address, float, decimal or hex integer),
 * or null when a word is at least as long (flex prefers the longer match, then the earlier rule).
 */
function matchNumber(s: string, i: number): { kind: TokenKind; end: number } | null {
  const run = (k: number) => {
    while (k < s.length && DIGIT.test(s[k])) k++;
    return k;
  };
  const wordEnd = (() => {
    let k = i;
    while (k < s.length && WORD.test(s[k])) k++;
    return k;
  })();
  const sign = s[i] === "-" ? i + 1 : i;
  let best: { kind: TokenKind; end: number } | null = null;
  const consider = (kind: TokenKind, end: number) => {
    if (end > i && (best === null || end > best.end)) best = { kind, end };
  };
  // ipv4: [0-9]+.[0-9]+.[0-9]+.[0-9]+
  if (sign === i) {
    let k = i;
    let parts = 0;
    for (; parts < 4; parts++) {
      const e = run(k);
      if (e === k) break;
      k = e;
      if (parts < 3) {
        if (s[k] !== ".") break;
        k++;
      }
    }
    if (parts === 4) consider("ipv4", k);
  }
  // float: -?[0-9]*.[0-9]+
  const intEnd = run(sign);
  if (s[intEnd] === "." && DIGIT.test(s[intEnd + 1] ?? "")) consider("float", run(intEnd + 1));
  // hex: 0x[0-9a-fA-F]+ (no sign)
  if (sign === i && s[i] === "0" && s[i + 1] === "x" && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    let k = i + 2;
    while (k < s.length && /[0-9a-fA-F]/.test(s[k])) k++;
    consider("hex", k);
  }
  if (intEnd > sign) consider("integer", intEnd);
  const found = best as { kind: TokenKind; end: number } | null;
  if (found === null) return null;
  // A word as long as or longer than the number ("1ab", "0x1g") is a word, as in flex.
  if (wordEnd > found.end) return null;
  return found;
}

function unescapeText(text: string): string {
  return text.replace(/\\(.)/g, (_m, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
}
