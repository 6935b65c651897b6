import type {
  Action,
  EventTime,
  Expr,
  IcmpPacket,
  IpInfo,
  Position,
  Script,
  ScriptEvent,
  Syscall,
  TcpOption,
  TcpPacket,
  UdpPacket,
} from "./ast.js";
import { PacketdrillSyntaxError } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";

const FLAG_LETTERS = /^[FSRP.UEWA]+$/;
const ECN_WORDS = new Set(["ect0", "ect1", "ce", "noecn", "ect01"]);
const ENCAPSULATIONS = new Set(["ipv4", "ipv6", "gre", "GREv0", "mpls", "encap", "psp"]);
const UNSUPPORTED_OPTIONS = new Set(["md5", "FO", "FOEXP", "ECN", "exp"]);

/**
 * Parses a packetdrill script (the grammar of google/packetdrill's parser.y and syntax.md). Every error is
 * a PacketdrillSyntaxError naming the line and column of the token where the grammar broke.
 */
export function parseScript(source: string): Script {
  return new Parser(tokenize(source)).script();
}

class Parser {
  readonly #t: Token[];
  #i = 0;

  constructor(tokens: Token[]) {
    this.#t = tokens;
  }

  script(): Script {
    const options = new Map<string, string>();
    while (this.#peek().kind === "option") this.#option(options);
    const script: Script = { options, events: [] };
    if (this.#peek().kind === "backquoted") {
      const t = this.#next();
      script.init = { at: pos(t), command: t.text };
    }
    while (this.#peek().kind !== "eof") {
      const t = this.#peek();
      if (t.kind === "backquoted" && this.#t[this.#i + 1].kind === "eof" && script.events.length > 0) {
        this.#next();
        script.cleanup = { at: pos(t), command: t.text };
        break;
      }
      script.events.push(this.#event());
    }
    if (script.events.length === 0) {
      const t = this.#peek();
      throw this.#error(t, "a script needs at least one timed event");
    }
    return script;
  }

  #option(options: Map<string, string>): void {
    const name = this.#next().text;
    let value = "";
    if (this.#isPunct("=")) {
      const eq = this.#next();
      // The value runs to the next blank (`--local_ip=fd::1`, `--define=NAME=value`): join adjacent tokens.
      let end = eq.column + 1;
      while (this.#peek().kind !== "eof" && this.#peek().line === eq.line && this.#peek().column === end) {
        const t = this.#next();
        const raw = t.kind === "string" ? `"${t.text}"` : t.kind === "backquoted" ? `\`${t.text}\`` : t.text;
        value += t.kind === "string" && value === "" ? t.text : raw;
        end += raw.length;
      }
      if (value === "") throw this.#error(this.#peek(), `--${name}= needs a value`);
    }
    options.set(name, value);
  }

  #event(): ScriptEvent {
    const start = this.#peek();
    const time = this.#eventTime();
    const action = this.#action();
    const isOutbound = action.type === "packet" && action.packet.direction === ">";
    if (time.kind === "any" && !isOutbound) {
      throw this.#error(start, "event time <star> can only be used with outbound packets");
    }
    if ((time.kind === "absolute-range" || time.kind === "relative-range") && !isOutbound) {
      throw this.#error(start, "event time range can only be used with outbound packets");
    }
    if ((time.kind === "absolute-range" || time.kind === "relative-range") && time.end < time.start) {
      throw this.#error(start, "time range is backwards");
    }
    return { at: pos(start), time, action };
  }

  #eventTime(): EventTime {
    const t = this.#peek();
    if (this.#isPunct("*")) {
      this.#next();
      return { kind: "any" };
    }
    if (this.#isPunct("+")) {
      this.#next();
      const start = this.#time();
      if (this.#isPunct("~")) {
        this.#next();
        this.#expectPunct("+", "a relative range needs `+` on both ends (+a~+b)");
        return { kind: "relative-range", start, end: this.#time() };
      }
      return { kind: "relative", start };
    }
    if (t.kind === "integer" || t.kind === "float") {
      const start = this.#time();
      if (this.#isPunct("~")) {
        this.#next();
        return { kind: "absolute-range", start, end: this.#time() };
      }
      return { kind: "absolute", start };
    }
    throw this.#error(t, `expected an event time (0.100, +0.1, *, a~b), got ${describe(t)}`);
  }

  /** Seconds (integer or float) as microseconds. */
  #time(): number {
    const t = this.#next();
    if (t.kind !== "integer" && t.kind !== "float") throw this.#error(t, `expected a time, got ${describe(t)}`);
    const seconds = Number(t.text);
    if (seconds < 0) throw this.#error(t, "negative time");
    return Math.round(seconds * 1e6);
  }

  #action(): Action {
    const t = this.#peek();
    if (t.kind === "backquoted") return { type: "command", command: this.#next().text };
    if (t.kind === "code") return { type: "code", code: this.#next().text };
    if (this.#isPunct("<") || this.#isPunct(">")) return this.#packet();
    if (t.kind === "word" || t.kind === "ellipsis") return { type: "syscall", call: this.#syscall() };
    throw this.#error(
      t,
      `expected a packet, a system call, a command or a %{ }% block after the time, got ${describe(t)}`,
    );
  }

  // ---- packets ----

  #packet(): Action {
    const dirToken = this.#next();
    const direction = dirToken.text as "<" | ">";
    const next = this.#peek();
    if (next.kind === "word" && ENCAPSULATIONS.has(next.text)) {
      this.#skipLine(dirToken.line);
      return { type: "unsupported-packet", reason: `${next.text} encapsulation is not supported` };
    }
    const ip = this.#optIpInfo();
    const proto = this.#peek();
    if (proto.kind === "word" && (proto.text === "udp" || proto.text === "icmp")) {
      this.#next();
      return { type: "packet", packet: proto.text === "udp" ? this.#udp(direction, ip) : this.#icmp(direction, ip) };
    }
    return { type: "packet", packet: this.#tcp(direction, ip) };
  }

  #optIpInfo(): IpInfo {
    const open = this.#peek();
    if (!(this.#isPunct("(") || this.#isPunct("["))) return {};
    // `(` also opens a UDP length; ip info starts with one of its keywords.
    const first = this.#t[this.#i + 1];
    if (first.kind !== "word" || !(ECN_WORDS.has(first.text) || ["tos", "ttl", "flowlabel"].includes(first.text))) {
      return {};
    }
    this.#next();
    const close = open.text === "(" ? ")" : "]";
    const ip: IpInfo = {};
    for (;;) {
      const w = this.#next();
      if (w.kind === "word" && ECN_WORDS.has(w.text)) ip.ecn = w.text;
      else if (w.kind === "word" && w.text === "tos") ip.tos = this.#integer("tos value");
      else if (w.kind === "word" && w.text === "ttl") ip.ttl = this.#integer("ttl value");
      else if (w.kind === "word" && w.text === "flowlabel") ip.flowLabel = this.#integer("flow label");
      else
        throw this.#error(
          w,
          `unknown IP info ${describe(w)} (expected ect0, ect1, ce, noecn, ect01, tos, ttl, flowlabel)`,
        );
      if (this.#isPunct(",")) {
        this.#next();
        continue;
      }
      this.#expectPunct(close, `expected ${close} to end the IP info`);
      return ip;
    }
  }

  #optPorts(): { srcPort?: number; dstPort?: number } {
    const t = this.#peek();
    const gt = this.#t[this.#i + 1];
    if (t.kind === "integer" && gt.kind === "punct" && gt.text === ">") {
      this.#next();
      this.#next();
      return { srcPort: this.#u16(t, "source port"), dstPort: this.#u16(this.#peek(), "destination port", true) };
    }
    return {};
  }

  #tcp(direction: "<" | ">", ip: IpInfo): TcpPacket {
    const ports = this.#optPorts();
    const f = this.#peek();
    let flags: string;
    if (f.kind === "word") {
      this.#next();
      flags = f.text;
      const dot = this.#peek();
      if (dot.kind === "punct" && dot.text === "." && dot.line === f.line && dot.column === f.column + f.text.length) {
        this.#next();
        flags += ".";
      }
      if (!FLAG_LETTERS.test(flags))
        throw this.#error(f, `bad TCP flags ${JSON.stringify(flags)} (letters of FSRP.UEWA)`);
    } else if (this.#isPunct(".") || this.#isPunct("-")) {
      flags = this.#next().text === "-" ? "" : ".";
    } else {
      throw this.#error(f, `expected TCP flags (S, S., ., P., F., R, ...) or udp/icmp, got ${describe(f)}`);
    }
    const seqStart = this.#u32(this.#peek(), "start sequence number", true);
    this.#expectPunct(":", "expected `:` in start:end(length)");
    const endToken = this.#peek();
    const seqEnd = this.#u32(endToken, "end sequence number", true);
    this.#expectPunct("(", "expected `(length)` after start:end");
    const lengthToken = this.#peek();
    const length = this.#u16(lengthToken, "payload length", true);
    this.#expectPunct(")", "expected `)` after the payload length");
    if ((seqEnd - seqStart) >>> 0 !== length) {
      throw this.#error(endToken, `sequence range ${seqStart}:${seqEnd} does not match length ${length}`);
    }
    const packet: TcpPacket = {
      protocol: "tcp",
      direction,
      ip,
      ...ports,
      flags,
      seqStart,
      seqEnd,
      length,
      ack: 0,
      urgent: 0,
      options: [],
    };
    if (this.#isWord("ack")) {
      this.#next();
      packet.ack = this.#u32(this.#peek(), "ack sequence number", true);
    }
    if (this.#isWord("win")) {
      this.#next();
      packet.window = this.#u16(this.#peek(), "TCP window value", true);
    } else if (direction === "<") {
      throw this.#errorAfter("window must be specified for inbound packets");
    }
    if (this.#isWord("urg")) {
      this.#next();
      packet.urgent = this.#u16(this.#peek(), "urg_ptr value", true);
    }
    if (this.#isPunct("<")) {
      const open = this.#next();
      if (this.#peek().kind === "ellipsis") {
        this.#next();
        this.#expectPunct(">", "expected `>` after `<...`");
        if (direction === "<") throw this.#error(open, "<...> for TCP options can only be used with outbound packets");
        packet.options = "any";
      } else {
        packet.options = this.#tcpOptions();
      }
    }
    return packet;
  }

  #tcpOptions(): TcpOption[] {
    const options: TcpOption[] = [];
    for (;;) {
      options.push(this.#tcpOption());
      if (this.#isPunct(",")) {
        this.#next();
        continue;
      }
      this.#expectPunct(">", "expected `,` or `>` in the TCP option list");
      return options;
    }
  }

  #tcpOption(): TcpOption {
    const t = this.#next();
    if (t.kind !== "word") throw this.#error(t, `expected a TCP option, got ${describe(t)}`);
    switch (t.text) {
      case "nop":
        return { kind: "nop" };
      case "eol":
        return { kind: "eol" };
      case "mss":
        return { kind: "mss", value: this.#u16(this.#peek(), "mss value", true) };
      case "wscale": {
        const v = this.#peek();
        const value = this.#integer("wscale value");
        if (value > 255) throw this.#error(v, "wscale value out of range");
        return { kind: "wscale", value };
      }
      case "sackOK":
        return { kind: "sackOK" };
      case "sack": {
        const blocks: Array<[number, number]> = [];
        while (this.#peek().kind === "integer") {
          const left = this.#u32(this.#peek(), "SACK block start", true);
          this.#expectPunct(":", "expected `:` in a SACK block (start:end)");
          blocks.push([left, this.#u32(this.#peek(), "SACK block end", true)]);
        }
        if (blocks.length === 0) throw this.#error(this.#peek(), "sack needs at least one block (start:end)");
        return { kind: "sack", blocks };
      }
      case "TS": {
        this.#expectWord("val", "expected `val` after TS");
        const val = this.#u32(this.#peek(), "TS val", true);
        this.#expectWord("ecr", "expected `ecr` after the TS val");
        return { kind: "TS", val, ecr: this.#u32(this.#peek(), "TS ecr", true) };
      }
      default:
        if (UNSUPPORTED_OPTIONS.has(t.text)) {
          // Their arguments (cookies, keys, counters) run to the next `,` or `>`.
          while (!this.#isPunct(",") && !this.#isPunct(">") && this.#peek().kind !== "eof") this.#next();
          return { kind: "unsupported", name: t.text };
        }
        throw this.#error(t, `unknown TCP option ${JSON.stringify(t.text)}`);
    }
  }

  #udp(direction: "<" | ">", ip: IpInfo): UdpPacket {
    const ports = this.#optPorts();
    this.#expectPunct("(", "expected `(length)` after udp");
    const length = this.#u16(this.#peek(), "UDP payload size", true);
    this.#expectPunct(")", "expected `)` after the UDP length");
    return { protocol: "udp", direction, ip, ...ports, length };
  }

  #icmp(direction: "<" | ">", ip: IpInfo): IcmpPacket {
    const type = this.#next();
    if (type.kind !== "word") throw this.#error(type, `expected an ICMP type, got ${describe(type)}`);
    const packet: IcmpPacket = { protocol: "icmp", direction, ip, icmpType: type.text };
    if (this.#peek().kind === "word" && !this.#isWord("mtu") && !this.#isWord("id"))
      packet.icmpCode = this.#next().text;
    if (this.#isWord("mtu")) {
      this.#next();
      packet.mtu = this.#integer("ICMP mtu");
    }
    if (this.#isWord("id")) {
      this.#next();
      packet.echoId = this.#integer("ICMP echo id");
    }
    if (this.#isPunct("[")) {
      this.#next();
      if (this.#isWord("udp") || this.#isWord("raw")) {
        const protocol = this.#next().text as "udp" | "raw";
        this.#expectPunct("(", `expected \`(length)\` after ${protocol}`);
        const length = this.#integer("echoed length");
        this.#expectPunct(")", "expected `)`");
        packet.echoed = { protocol, length };
      } else {
        const seqStart = this.#u32(this.#peek(), "echoed start sequence", true);
        this.#expectPunct(":", "expected `:` in start:end(length)");
        const seqEnd = this.#u32(this.#peek(), "echoed end sequence", true);
        this.#expectPunct("(", "expected `(length)`");
        const length = this.#integer("echoed length");
        this.#expectPunct(")", "expected `)`");
        packet.echoed = { protocol: "tcp", seqStart, seqEnd, length };
      }
      this.#expectPunct("]", "expected `]` to end the echoed packet");
    }
    return packet;
  }

  // ---- system calls ----

  #syscall(): Syscall {
    let end: number | undefined;
    if (this.#peek().kind === "ellipsis") {
      this.#next();
      end = this.#time();
    }
    const name = this.#next();
    if (name.kind !== "word") throw this.#error(name, `expected a system call name, got ${describe(name)}`);
    this.#expectPunct("(", `expected \`(\` after ${name.text}`);
    const args = this.#isPunct(")") ? [] : this.#expressionList(")");
    this.#expectPunct(")", `expected \`,\` or \`)\` in the arguments of ${name.text}`);
    this.#expectPunct("=", `expected \`= result\` after ${name.text}(...)`);
    const call: Syscall = { name: name.text, args, result: this.#expression() };
    if (end !== undefined) call.end = end;
    // opt_errno: WORD note; opt_note: note. Both on the same line as the call.
    const e = this.#peek();
    const line = this.#t[this.#i - 1].line;
    if (e.kind === "word" && e.line === line) {
      call.errno = this.#next().text;
    }
    if (this.#isPunct("(") && this.#peek().line === line) call.note = this.#note();
    return call;
  }

  #note(): string {
    const open = this.#next();
    const words: string[] = [];
    let depth = 1;
    for (;;) {
      const t = this.#next();
      if (t.kind === "eof") throw this.#error(open, "unterminated ( note )");
      if (t.kind === "punct" && t.text === "(") depth++;
      if (t.kind === "punct" && t.text === ")" && --depth === 0) return words.join(" ");
      words.push(t.text);
    }
  }

  #expressionList(close: string): Expr[] {
    const items = [this.#expression()];
    while (this.#isPunct(",")) {
      this.#next();
      items.push(this.#expression());
    }
    if (!this.#isPunct(close))
      throw this.#error(this.#peek(), `expected \`,\` or \`${close}\`, got ${describe(this.#peek())}`);
    return items;
  }

  #expression(): Expr {
    let left = this.#primary();
    while (this.#isPunct("|")) {
      this.#next();
      left = { kind: "or", left, right: this.#primary() };
    }
    return left;
  }

  #primary(): Expr {
    const t = this.#next();
    switch (t.kind) {
      case "ellipsis":
        return { kind: "ellipsis" };
      case "integer":
      case "hex":
        return { kind: "int", value: Number(t.text) };
      case "string": {
        const more = this.#peek().kind === "ellipsis";
        if (more) this.#next();
        return { kind: "string", value: t.text, more };
      }
      case "word": {
        if (this.#isPunct("=")) {
          this.#next();
          return { kind: "assign", name: t.text, value: this.#expression() };
        }
        if (this.#isPunct("(") && ["htons", "inet_addr", "inet6_addr"].includes(t.text)) {
          this.#next();
          const args = this.#isPunct(")") ? [] : this.#expressionList(")");
          this.#next();
          return { kind: "call", name: t.text, args };
        }
        return { kind: "word", name: t.text };
      }
      case "punct":
        if (t.text === "[") {
          const items = this.#isPunct("]") ? [] : this.#expressionList("]");
          this.#next();
          return { kind: "array", items };
        }
        if (t.text === "{") return this.#struct();
        break;
    }
    throw this.#error(t, `expected an expression, got ${describe(t)}`);
  }

  /** `{ expr, ... }` or `{ name=expr, name(index)=expr, ... }` (sockaddr, pollfd, linger, msghdr, iovec). */
  #struct(): Expr {
    const items: Expr[] = [];
    const fields: Array<{ name: string; index?: Expr; value: Expr }> = [];
    while (!this.#isPunct("}")) {
      const t = this.#peek();
      const after = this.#t[this.#i + 1];
      if (
        t.kind === "word" &&
        after.kind === "punct" &&
        after.text === "(" &&
        !["htons", "inet_addr", "inet6_addr"].includes(t.text)
      ) {
        this.#next();
        this.#next();
        const index = this.#expression();
        this.#expectPunct(")", "expected `)` after the field index");
        this.#expectPunct("=", "expected `=` after the field");
        fields.push({ name: t.text, index, value: this.#expression() });
      } else {
        const e = this.#expression();
        if (e.kind === "assign") fields.push({ name: e.name, value: e.value });
        else items.push(e);
      }
      if (this.#isPunct(",")) this.#next();
      else if (!this.#isPunct("}"))
        throw this.#error(this.#peek(), `expected \`,\` or \`}\`, got ${describe(this.#peek())}`);
    }
    this.#next();
    return { kind: "struct", items, fields };
  }

  // ---- helpers ----

  #integer(what: string): number {
    const t = this.#next();
    if (t.kind !== "integer" && t.kind !== "hex")
      throw this.#error(t, `expected ${what} (an integer), got ${describe(t)}`);
    return Number(t.text);
  }

  #u32(t: Token, what: string, consume = false): number {
    if (consume) this.#next();
    if (t.kind !== "integer" && t.kind !== "hex")
      throw this.#error(t, `expected ${what} (an integer), got ${describe(t)}`);
    const v = Number(t.text);
    if (v < 0 || v > 0xffffffff) throw this.#error(t, `${what} out of range`);
    return v;
  }

  #u16(t: Token, what: string, consume = false): number {
    const v = this.#u32(t, what, consume);
    if (v > 0xffff) throw this.#error(t, `${what} out of range`);
    return v;
  }

  #skipLine(line: number): void {
    while (this.#peek().kind !== "eof" && this.#peek().line === line) this.#next();
  }

  #peek(): Token {
    return this.#t[this.#i];
  }

  #next(): Token {
    const t = this.#t[this.#i];
    if (t.kind !== "eof") this.#i++;
    return t;
  }

  #isPunct(text: string): boolean {
    const t = this.#t[this.#i];
    return t.kind === "punct" && t.text === text;
  }

  #isWord(text: string): boolean {
    const t = this.#t[this.#i];
    return t.kind === "word" && t.text === text;
  }

  #expectPunct(text: string, message: string): void {
    const t = this.#next();
    if (t.kind !== "punct" || t.text !== text) throw this.#error(t, `${message}, got ${describe(t)}`);
  }

  #expectWord(text: string, message: string): void {
    const t = this.#next();
    if (t.kind !== "word" || t.text !== text) throw this.#error(t, `${message}, got ${describe(t)}`);
  }

  /** An error at the next token, or just past the previous one when the next starts another line. */
  #errorAfter(message: string): PacketdrillSyntaxError {
    const next = this.#peek();
    const prev = this.#t[this.#i - 1];
    if (prev === undefined || next.line === prev.line) return this.#error(next, message);
    return new PacketdrillSyntaxError(prev.line, prev.column + prev.text.length, message);
  }

  #error(t: Token, message: string): PacketdrillSyntaxError {
    return new PacketdrillSyntaxError(t.line, t.column, message);
  }
}

function pos(t: Token): Position {
  return { line: t.line, column: t.column };
}

function describe(t: Token): string {
  if (t.kind === "eof") return "the end of the script";
  if (t.kind === "code") return "a %{ }% block";
  if (t.kind === "backquoted") return "a backquoted command";
  return JSON.stringify(t.kind === "string" ? `"${t.text}"` : t.text);
}
