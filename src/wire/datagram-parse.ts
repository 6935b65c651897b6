import type { ParseErrorReason } from "./layout.generated.js";
import { REASONS, MAX_PACKET } from "./layout.generated.js";
import { wasm, mem8, record, inWasm, SCRATCH } from "./wasm.js";
import { DatagramRecord } from "./datagram-record.js";
import { ipv4HeaderOf } from "./ipv4-header.js";
import type { DatagramResult, IcmpHeader } from "./datagram-types.js";

/** Whether ICMP `type` is an error message, which quotes the datagram that caused it. */
export function isIcmpError(type: number): boolean {
  return (type >= 3 && type <= 5) || type === 11 || type === 12;
}

/** Where `bytes` (at most `len` of them) are in linear memory: in place, or copied into the scratch area. */
function locate(bytes: Uint8Array, len: number): number {
  if (inWasm(bytes)) return bytes.byteOffset;
  mem8.set(len === bytes.length ? bytes : bytes.subarray(0, len), SCRATCH);
  return SCRATCH;
}

/**
 * Parses and validates one IPv4 packet that is not plain TCP, in one WASM call: the IPv4 header and,
 * unless it is a fragment, the ICMP or UDP header after it with its checksum. Returns null and fills `out`
 * (allocating nothing), or the rejection reason (then `out` is unchanged). `out.transport` says which
 * transport header was parsed (0: a fragment, or another protocol; the payload is then the IPv4 payload).
 */
export function parseDatagramInto(bytes: Uint8Array, out: DatagramRecord): ParseErrorReason | null {
  const len = Math.min(bytes.length, MAX_PACKET);
  const status = wasm.parseDatagram(locate(bytes, len), len);
  if (status !== 0) return REASONS[status] as ParseErrorReason;
  out.loadIpv4(record);
  out.loadTransport(record);
  return null;
}

/**
 * Parses the transport bytes of a reassembled datagram (`bytes` is the IPv4 payload) of `protocol` from
 * `src` to `dst` into `out`'s transport fields, checksum verified; the payload offset is from `bytes`.
 * The IPv4 fields of `out` are left as they are. Returns null or the rejection reason.
 */
export function parseTransportInto(
  bytes: Uint8Array,
  protocol: number,
  src: number,
  dst: number,
  out: DatagramRecord,
): ParseErrorReason | null {
  const len = Math.min(bytes.length, MAX_PACKET);
  const status = wasm.parseTransport(locate(bytes, len), len, protocol, src >>> 0, dst >>> 0);
  if (status !== 0) return REASONS[status] as ParseErrorReason;
  out.loadTransport(record);
  return null;
}

const shared = new DatagramRecord();

function icmpOf(r: DatagramRecord): IcmpHeader {
  const icmp: IcmpHeader = { type: r.icmpType, code: r.icmpCode, rest: r.icmpRest, checksum: r.checksum };
  if (isIcmpError(r.icmpType)) {
    icmp.quote = {
      src: r.quotedSrc,
      dst: r.quotedDst,
      protocol: r.quotedProtocol,
      totalLength: r.quotedTotalLength,
      moreFragments: (r.quotedFragment & 0x2000) !== 0,
      fragmentOffset: (r.quotedFragment & 0x1fff) * 8,
      srcPort: r.quotedWord0 >>> 16,
      dstPort: r.quotedWord0 & 0xffff,
      word1: r.quotedWord1,
    };
  }
  return icmp;
}

/**
 * `parseDatagramInto` as a fresh, self-contained object. Never throws on any input. The payload is a
 * view into `bytes` (no copy).
 */
export function parseDatagram(bytes: Uint8Array): DatagramResult {
  const reason = parseDatagramInto(bytes, shared);
  if (reason !== null) return { ok: false, reason };
  const r = shared;
  return {
    ok: true,
    ip: ipv4HeaderOf(r, r.moreFragments, r.fragmentOffset),
    ...(r.transport === 17
      ? { udp: { srcPort: r.srcPort, dstPort: r.dstPort, length: r.udpLength, checksum: r.checksum } }
      : {}),
    ...(r.transport === 1 ? { icmp: icmpOf(r) } : {}),
    payloadOffset: r.payloadOffset,
    payloadLength: r.payloadLength,
    payload: bytes.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength),
  };
}
