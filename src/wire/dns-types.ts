/**
 * The DNS message format of RFC 1035 section 4 as plain data: what `parseDnsMessage` returns and what
 * `buildDnsMessage` takes. No policy here (which answers to trust, caching, retries): that is src/dns/.
 *
 * DNS is not a hot path (one message per name lookup, most answered from a cache), so unlike the IPv4 and
 * TCP formats this one is TypeScript, not WASM: a JS->WASM round trip per message would buy nothing.
 *
 * Names are in presentation form (RFC 1035 section 5.1): labels joined by ".", no trailing dot, the root
 * is ".". A label byte that is "." or "\" or not printable ASCII is written as "\." / "\\" / "\DDD", so a
 * name read off the wire and built again gives the same bytes. Names compare case-insensitively (ASCII
 * only, RFC 4343); `dnsNameKey` gives the form to compare.
 */

/** Resource record types this module decodes (others travel as `raw` rdata) and the query types. */
export const DnsType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
} as const;

/** Record classes (only IN is in use). */
export const DnsClass = { IN: 1 } as const;

/** RFC 1035 section 4.1.1 response codes (4 bits without EDNS). */
export const DnsRcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

/** The header fields of a DNS message (RFC 1035 section 4.1.1), the counts aside. */
export interface DnsHeader {
  /** 16-bit query identifier, echoed by the server. */
  id: number;
  /** True in a response. */
  qr: boolean;
  /** 4 bits; 0 is a standard query. */
  opcode: number;
  /** Authoritative answer. */
  aa: boolean;
  /** Truncated: the answer did not fit and should be asked again over TCP (RFC 7766). */
  tc: boolean;
  /** Recursion desired. */
  rd: boolean;
  /** Recursion available. */
  ra: boolean;
  /** The 3 bits between RA and RCODE (Z, AD, CD since RFC 4035), carried as they are. */
  z: number;
  /** 4 bits, see `DnsRcode`. */
  rcode: number;
}

/** One question: a name, a type and a class. */
export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

/** Rdata decoded for the types a stub resolver reads; every other type keeps its bytes. */
export type DnsRecordData =
  | { kind: "A"; address: string }
  | { kind: "AAAA"; address: string }
  | { kind: "name"; name: string } // CNAME, NS, PTR: one domain name (compressible, RFC 3597 section 4)
  | {
      kind: "SOA";
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      /** The negative-caching TTL (RFC 2308 section 4). */
      minimum: number;
    }
  | { kind: "raw"; bytes: Uint8Array };

/** One resource record (RFC 1035 section 4.1.3). */
export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  /** Unsigned 32 bits as on the wire; RFC 2181 section 8 says a receiver reads values over 2^31-1 as 0. */
  ttl: number;
  data: DnsRecordData;
}

/** A whole DNS message: the header and its four sections. */
export interface DnsMessage extends DnsHeader {
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

/** Why `parseDnsMessage` refused a message, one code per rule. */
export type DnsParseErrorReason =
  | "truncated-header" // fewer than 12 bytes
  | "truncated-name" // a label or pointer runs past the message (or past its rdata)
  | "bad-label-type" // label length byte with top bits 01 or 10 (RFC 6891 retired extended labels)
  | "pointer-out-of-range" // compression pointer at or beyond the end of the message
  | "pointer-not-backward" // pointer to the name's own bytes or later: the only way to loop
  | "name-too-long" // over 255 bytes in wire form (RFC 1035 section 2.3.4)
  | "truncated-question" // type/class missing
  | "truncated-record" // type/class/ttl/rdlength missing
  | "truncated-rdata" // rdlength runs past the message
  | "bad-rdata"; // rdata of a decoded type with the wrong length or a name not ending at rdlength

/** What `parseDnsMessage` returns: the message, or why and where it is malformed. */
export type DnsParseResult =
  | { ok: true; message: DnsMessage }
  | { ok: false; reason: DnsParseErrorReason /** Where in the message the problem is. */; offset: number };

/** Why `buildDnsMessage` refused a message. */
export type DnsBuildErrorReason =
  | "bad-name-text" // an empty label, a dangling or bad escape, a character outside printable ASCII
  | "label-too-long" // over 63 bytes
  | "name-too-long" // over 255 bytes in wire form
  | "bad-field" // a header field, type, class or ttl outside its bit width
  | "bad-address" // A rdata that is not a dotted quad
  | "too-many-entries" // more than 65535 questions or records in a section
  | "message-too-long"; // over 65535 bytes, the most a TCP length prefix can carry

/** What `buildDnsMessage` returns: the bytes, or why not. */
export type DnsBuildResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: DnsBuildErrorReason; detail: string };

/** Length of the fixed header, RFC 1035 section 4.1.1. */
export const DNS_HEADER_LENGTH = 12;
/** The longest name in wire form (length bytes and the root's zero included). */
export const DNS_MAX_NAME = 255;
export const DNS_MAX_LABEL = 63;
