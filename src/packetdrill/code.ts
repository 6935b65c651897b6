import { PacketdrillCodeError } from "./errors.js";

/**
 * The Python that packetdrill's `%{ }%` blocks hold, as far as the scripts use it to check tcp_info:
 * `assert <expr>[, <message>]` lines (and `print(...)`, ignored), with numbers, names, + - * / // %,
 * comparisons (chained), and/or/not, and parentheses. Evaluated by a small interpreter, never by `eval`.
 * A name it cannot resolve is a PacketdrillCodeError (the script is then unsupported, not failed).
 */
export type Lookup = (name: string) => number | undefined;

/** Runs the block; returns null when every assert holds, else the failing assert's text. */
export function runCode(code: string, outer: Lookup): string | null {
  // Names the block assigns (`TCP_INFINITE_SSTHRESH = 0x7fffffff`) shadow tcp_info's.
  const locals = new Map<string, number>();
  const lookup: Lookup = (name) => locals.get(name) ?? outer(name);
  for (const raw of code.split(/\n|;/)) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "" || /^print\s*\(/.test(line) || line === "pass") continue;
    const assign = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(line);
    if (assign !== null) {
      const parser = new ExprParser(tokenizePython(assign[2]), lookup);
      const value = parser.expression();
      if (!parser.atEnd()) throw new PacketdrillCodeError(`cannot read: ${line}`);
      locals.set(assign[1], num(value));
      continue;
    }
    const m = /^assert\s+(.*)$/.exec(line);
    if (m === null) throw new PacketdrillCodeError(`unsupported Python statement: ${line}`);
    const tokens = tokenizePython(m[1]);
    const parser = new ExprParser(tokens, lookup);
    const value = parser.expression();
    // `assert cond, message`: the message is not evaluated unless the assert fails; it names values only.
    if (!parser.atEnd() && !parser.atComma()) throw new PacketdrillCodeError(`cannot read: ${line}`);
    if (!truthy(value)) return `assert failed: ${m[1].split(",")[0].trim()}${describeNames(m[1], lookup)}`;
  }
  return null;
}

function describeNames(expr: string, lookup: Lookup): string {
  const names = [...new Set(expr.match(/\btcpi_\w+/g) ?? [])];
  const parts = names.map((n) => `${n}=${lookup(n)}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

type Value = number | boolean;

function truthy(v: Value): boolean {
  return typeof v === "boolean" ? v : v !== 0;
}

function num(v: Value): number {
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

function tokenizePython(text: string): string[] {
  const tokens = text.match(
    /\d+\.\d*|\d*\.\d+|0x[0-9a-fA-F]+|\d+|[A-Za-z_]\w*|\/\/|==|!=|<=|>=|[-+*/%<>(),]|"[^"]*"|'[^']*'|\S/g,
  );
  return tokens ?? [];
}

class ExprParser {
  readonly #t: string[];
  readonly #lookup: Lookup;
  #i = 0;

  constructor(tokens: string[], lookup: Lookup) {
    this.#t = tokens;
    this.#lookup = lookup;
  }

  atEnd(): boolean {
    return this.#i >= this.#t.length;
  }

  atComma(): boolean {
    return this.#t[this.#i] === ",";
  }

  expression(): Value {
    let v = this.#and();
    while (this.#t[this.#i] === "or") {
      this.#i++;
      const r = this.#and();
      v = truthy(v) ? v : r;
    }
    return v;
  }

  #and(): Value {
    let v = this.#not();
    while (this.#t[this.#i] === "and") {
      this.#i++;
      const r = this.#not();
      v = truthy(v) ? r : v;
    }
    return v;
  }

  #not(): Value {
    if (this.#t[this.#i] === "not") {
      this.#i++;
      return !truthy(this.#not());
    }
    return this.#comparison();
  }

  #comparison(): Value {
    let left = this.#sum();
    let result: boolean | null = null;
    for (;;) {
      const op = this.#t[this.#i];
      if (!["==", "!=", "<", "<=", ">", ">="].includes(op)) break;
      this.#i++;
      const right = this.#sum();
      const a = num(left);
      const b = num(right);
      const holds =
        op === "=="
          ? a === b
          : op === "!="
            ? a !== b
            : op === "<"
              ? a < b
              : op === "<="
                ? a <= b
                : op === ">"
                  ? a > b
                  : a >= b;
      result = (result ?? true) && holds;
      left = right;
    }
    return result ?? left;
  }

  #sum(): Value {
    let v = this.#product();
    for (;;) {
      const op = this.#t[this.#i];
      if (op !== "+" && op !== "-") return v;
      this.#i++;
      const r = num(this.#product());
      v = op === "+" ? num(v) + r : num(v) - r;
    }
  }

  #product(): Value {
    let v = this.#unary();
    for (;;) {
      const op = this.#t[this.#i];
      if (op !== "*" && op !== "/" && op !== "//" && op !== "%") return v;
      this.#i++;
      const r = num(this.#unary());
      if (op !== "*" && r === 0) throw new PacketdrillCodeError("division by zero");
      const a = num(v);
      v = op === "*" ? a * r : op === "/" ? a / r : op === "//" ? Math.floor(a / r) : a - r * Math.floor(a / r);
    }
  }

  #unary(): Value {
    if (this.#t[this.#i] === "-") {
      this.#i++;
      return -num(this.#unary());
    }
    return this.#atom();
  }

  #atom(): Value {
    const t = this.#t[this.#i++];
    if (t === undefined) throw new PacketdrillCodeError("expression ends early");
    if (t === "(") {
      const v = this.expression();
      if (this.#t[this.#i++] !== ")") throw new PacketdrillCodeError("missing )");
      return v;
    }
    if (/^(\d|\.\d)/.test(t)) return Number(t);
    if (t === "True" || t === "False") return t === "True";
    if (/^[A-Za-z_]/.test(t)) {
      const v = this.#lookup(t);
      if (v === undefined) throw new PacketdrillCodeError(`unknown name ${t}`);
      return v;
    }
    throw new PacketdrillCodeError(`unexpected ${JSON.stringify(t)}`);
  }
}
