import { readU32 } from "./big-endian.js";
import { ipv4ToString } from "./ipv4-address.js";
import { ipv6ToString } from "./ipv6-address.js";
import { readName } from "./dns-name.js";
import {
  DNS_HEADER_LENGTH,
  DnsType,
  type DnsHeader,
  type DnsParseErrorReason,
  type DnsParseResult,
  type DnsQuestion,
  type DnsRecord,
  type DnsRecordData,
} from "./dns-types.js";

/**
 * Parses a whole DNS message (RFC 1035 section 4.1). Every malformed input gives `{ ok: false, reason,
 * offset }`; nothing throws. Work is linear in the message: each question or record consumes at least 5
 * or 11 bytes and each name at most 255, so the section counts in the header cannot make it loop. Bytes
 * after the last record are ignored, as most resolvers do.
 */
export function parseDnsMessage(msg: Uint8Array): DnsParseResult {
  const header = parseDnsHeader(msg);
  if (header === null) return { ok: false, reason: "truncated-header", offset: 0 };
  const counts = [4, 6, 8, 10].map((at) => (msg[at] << 8) | msg[at + 1]);
  const cursor = { pos: DNS_HEADER_LENGTH };
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const q = readQuestion(msg, cursor);
    if ("reason" in q) return { ok: false, ...q };
    questions.push(q);
  }
  const sections: DnsRecord[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const r = readRecord(msg, cursor);
      if ("reason" in r) return { ok: false, ...r };
      sections[s].push(r);
    }
  }
  const [answers, authorities, additionals] = sections;
  return { ok: true, message: { ...header, questions, answers, authorities, additionals } };
}

/**
 * The 12-byte header alone, or null when the message is shorter. A resolver reads it when the rest does
 * not parse: a truncated (TC) answer may be cut anywhere, and the ID says whose answer it is.
 */
export function parseDnsHeader(msg: Uint8Array): DnsHeader | null {
  if (msg.length < DNS_HEADER_LENGTH) return null;
  const flags = (msg[2] << 8) | msg[3];
  return {
    id: (msg[0] << 8) | msg[1],
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >>> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    z: (flags >>> 4) & 0x7,
    rcode: flags & 0xf,
  };
}

interface Failure {
  reason: DnsParseErrorReason;
  offset: number;
}

function readQuestion(msg: Uint8Array, cursor: { pos: number }): DnsQuestion | Failure {
  const name = readName(msg, cursor.pos);
  if (!name.ok) return name;
  const at = name.end;
  if (at + 4 > msg.length) return { reason: "truncated-question", offset: at };
  cursor.pos = at + 4;
  return { name: name.name, type: u16(msg, at), class: u16(msg, at + 2) };
}

function readRecord(msg: Uint8Array, cursor: { pos: number }): DnsRecord | Failure {
  const name = readName(msg, cursor.pos);
  if (!name.ok) return name;
  const at = name.end;
  if (at + 10 > msg.length) return { reason: "truncated-record", offset: at };
  const type = u16(msg, at);
  const rdlength = u16(msg, at + 8);
  const rdata = at + 10;
  if (rdata + rdlength > msg.length) return { reason: "truncated-rdata", offset: at + 8 };
  const data = readRdata(msg, type, rdata, rdata + rdlength);
  if ("reason" in data) return data;
  cursor.pos = rdata + rdlength;
  return { name: name.name, type, class: u16(msg, at + 2), ttl: readU32(msg, at + 4), data };
}

/** Rdata of `type` in msg[from, to). Names inside may point anywhere earlier in the message. */
function readRdata(msg: Uint8Array, type: number, from: number, to: number): DnsRecordData | Failure {
  const bad: Failure = { reason: "bad-rdata", offset: from };
  switch (type) {
    case DnsType.A:
      return to - from === 4 ? { kind: "A", address: ipv4ToString(readU32(msg, from)) } : bad;
    case DnsType.AAAA: // RFC 3596 §2.2: 16 bytes, shown in RFC 5952 form
      return to - from === 16 ? { kind: "AAAA", address: ipv6ToString(msg.slice(from, to)) } : bad;
    case DnsType.CNAME:
    case DnsType.NS:
    case DnsType.PTR: {
      const name = readName(msg, from, to);
      if (!name.ok) return name;
      return name.end === to ? { kind: "name", name: name.name } : bad;
    }
    case DnsType.SOA: {
      const mname = readName(msg, from, to);
      if (!mname.ok) return mname;
      const rname = readName(msg, mname.end, to);
      if (!rname.ok) return rname;
      const at = rname.end;
      if (at + 20 !== to) return bad;
      return {
        kind: "SOA",
        mname: mname.name,
        rname: rname.name,
        serial: readU32(msg, at),
        refresh: readU32(msg, at + 4),
        retry: readU32(msg, at + 8),
        expire: readU32(msg, at + 12),
        minimum: readU32(msg, at + 16),
      };
    }
    default:
      // A view, not a copy: the message's bytes are the caller's and live as long as the result does.
      return { kind: "raw", bytes: msg.subarray(from, to) };
  }
}

function u16(msg: Uint8Array, at: number): number {
  return (msg[at] << 8) | msg[at + 1];
}
