import { encodeName } from "./dns-name.js";
import { parseIpv4 } from "./ipv4-address.js";
import { parseIpv6 } from "./ipv6-address.js";
import {
  DnsClass,
  DnsType,
  type DnsBuildErrorReason,
  type DnsBuildResult,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
} from "./dns-types.js";

/** Largest message: what a TCP length prefix can carry (RFC 7766 section 8). */
const MAX_MESSAGE = 0xffff;
/** Compression pointers have 14 bits of offset. */
const MAX_POINTER = 0x3fff;

/** Options of `buildDnsMessage`. */
export interface DnsBuildOptions {
  /** Replace repeated name suffixes by pointers (RFC 1035 section 4.1.4). Default true. */
  compress?: boolean;
}

/** Options of `dnsQuery`. */
export interface DnsQueryOptions {
  /** Recursion desired (default true). */
  rd?: boolean;
  /**
   * Add an EDNS(0) OPT record (RFC 6891 section 6) advertising this UDP payload size; the OPT's CLASS
   * field carries it. Absent: a plain RFC 1035 query, answers capped at 512 bytes over UDP.
   */
  udpPayload?: number;
}

/** A standard query (opcode 0) for one question of class IN. */
export function dnsQuery(id: number, name: string, type: number, options: DnsQueryOptions = {}): DnsMessage {
  return {
    id,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: options.rd ?? true,
    ra: false,
    z: 0,
    rcode: 0,
    questions: [{ name, type, class: DnsClass.IN }],
    answers: [],
    authorities: [],
    additionals:
      options.udpPayload === undefined
        ? []
        : [
            {
              name: ".",
              type: DnsType.OPT,
              class: options.udpPayload,
              ttl: 0,
              data: { kind: "raw", bytes: new Uint8Array(0) },
            },
          ],
  };
}

/**
 * Builds the message's bytes; the section counts come from the arrays. Returns a typed failure for a
 * field outside its width, a name that cannot be encoded or a message over 65535 bytes.
 */
export function buildDnsMessage(message: DnsMessage, options: DnsBuildOptions = {}): DnsBuildResult {
  const writer = new MessageWriter(options.compress ?? true);
  const bytes = writer.message(message);
  const failure = writer.failure;
  return failure === null ? { ok: true, bytes } : { ok: false, ...failure };
}

/**
 * Writes a message front to back. The first failure sticks: later writes do nothing and the caller reads
 * `failure` at the end, so no check needs to unwind (and nothing throws).
 */
class MessageWriter {
  #buf = new Uint8Array(512);
  #len = 0;
  /** Name suffix, byte for byte, -> the offset where it was written. */
  readonly #suffixes: Map<string, number> | null;
  failure: { reason: DnsBuildErrorReason; detail: string } | null = null;

  constructor(compress: boolean) {
    this.#suffixes = compress ? new Map() : null;
  }

  message(m: DnsMessage): Uint8Array {
    this.#u16(this.#bits(m.id, 16, "id"));
    let flags = this.#bits(m.opcode, 4, "opcode") << 11;
    flags |= (this.#bits(m.z, 3, "z") << 4) | this.#bits(m.rcode, 4, "rcode");
    if (m.qr) flags |= 0x8000;
    if (m.aa) flags |= 0x0400;
    if (m.tc) flags |= 0x0200;
    if (m.rd) flags |= 0x0100;
    if (m.ra) flags |= 0x0080;
    this.#u16(flags);
    for (const section of [m.questions, m.answers, m.authorities, m.additionals]) {
      if (section.length > 0xffff) this.#fail("too-many-entries", `${section.length} entries in a section`);
      this.#u16(section.length);
    }
    for (const q of m.questions) if (this.failure === null) this.#question(q);
    for (const section of [m.answers, m.authorities, m.additionals])
      for (const r of section) if (this.failure === null) this.#record(r);
    return this.#buf.slice(0, this.#len);
  }

  #fail(reason: DnsBuildErrorReason, detail: string): void {
    this.failure ??= { reason, detail };
  }

  /** `v` when it is an integer of `bits` bits; otherwise a failure (and 0, which is never written). */
  #bits(v: number, bits: number, what: string): number {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** bits) return v;
    this.#fail("bad-field", `${what} ${v} is not a ${bits}-bit value`);
    return 0;
  }

  #question(q: DnsQuestion): void {
    this.#name(q.name);
    this.#u16(this.#bits(q.type, 16, "type"));
    this.#u16(this.#bits(q.class, 16, "class"));
  }

  #record(r: DnsRecord): void {
    this.#name(r.name);
    this.#u16(this.#bits(r.type, 16, "type"));
    this.#u16(this.#bits(r.class, 16, "class"));
    this.#u32(this.#bits(r.ttl, 32, "ttl"));
    const lengthAt = this.#len;
    this.#u16(0);
    const d = r.data;
    switch (d.kind) {
      case "A":
        this.#address(d.address);
        break;
      case "AAAA":
        this.#address6(d.address);
        break;
      case "name":
        this.#name(d.name);
        break;
      case "SOA":
        this.#name(d.mname);
        this.#name(d.rname);
        for (const [v, what] of [
          [d.serial, "serial"],
          [d.refresh, "refresh"],
          [d.retry, "retry"],
          [d.expire, "expire"],
          [d.minimum, "minimum"],
        ] as const)
          this.#u32(this.#bits(v, 32, what));
        break;
      case "raw":
        this.#bytes(d.bytes);
        break;
    }
    if (this.failure !== null) return;
    // At most 65535 - 12 - 11: the message's own cap bounds it.
    const rdlength = this.#len - lengthAt - 2;
    this.#buf[lengthAt] = rdlength >> 8;
    this.#buf[lengthAt + 1] = rdlength & 0xff;
  }

  #name(text: string): void {
    const encoded = encodeName(text);
    if (!encoded.ok) {
      this.#fail(encoded.reason, encoded.detail);
      return;
    }
    const labels = encoded.labels;
    for (let i = 0; i < labels.length; i++) {
      const key = this.#suffixes === null ? "" : suffixKey(labels, i);
      const earlier = this.#suffixes?.get(key);
      if (earlier !== undefined) {
        this.#u16(0xc000 | earlier);
        return;
      }
      if (this.#suffixes !== null && this.#len <= MAX_POINTER) this.#suffixes.set(key, this.#len);
      this.#byte(labels[i].length);
      this.#bytes(labels[i]);
    }
    this.#byte(0);
  }

  #address(text: string): void {
    let n: number;
    try {
      n = parseIpv4(text);
    } catch {
      this.#fail("bad-address", `A rdata ${JSON.stringify(text)} is not a dotted quad`);
      return;
    }
    this.#u32(n >>> 0);
  }

  /** An AAAA record's 16 bytes (RFC 3596 §2.2). */
  #address6(text: string): void {
    let bytes: Uint8Array;
    try {
      bytes = parseIpv6(text);
    } catch {
      this.#fail("bad-address", `AAAA rdata ${JSON.stringify(text)} is not an IPv6 address`);
      return;
    }
    this.#bytes(bytes);
  }

  /** Room for `n` more bytes, or false (and a failure) past the 65535-byte cap. */
  #reserve(n: number): boolean {
    if (this.failure !== null) return false;
    if (this.#len + n > MAX_MESSAGE) {
      this.#fail("message-too-long", "message over 65535 bytes");
      return false;
    }
    if (this.#len + n <= this.#buf.length) return true;
    const bigger = new Uint8Array(Math.min(MAX_MESSAGE, Math.max(this.#buf.length * 2, this.#len + n)));
    bigger.set(this.#buf.subarray(0, this.#len));
    this.#buf = bigger;
    return true;
  }

  #byte(v: number): void {
    if (this.#reserve(1)) this.#buf[this.#len++] = v;
  }

  #u16(v: number): void {
    if (!this.#reserve(2)) return;
    this.#buf[this.#len++] = v >>> 8;
    this.#buf[this.#len++] = v & 0xff;
  }

  #u32(v: number): void {
    this.#u16(v >>> 16);
    this.#u16(v & 0xffff);
  }

  #bytes(b: Uint8Array): void {
    if (!this.#reserve(b.length)) return;
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }
}

/**
 * Labels from `i` on, byte for byte. Case-sensitive on purpose: pointing "Example.COM" at "example.com"
 * would lose the case a sender wrote, which RFC 4343 section 4 asks to preserve.
 */
function suffixKey(labels: Uint8Array[], i: number): string {
  let key = "";
  for (let j = i; j < labels.length; j++) key += String.fromCharCode(labels[j].length, ...labels[j]);
  return key;
}
