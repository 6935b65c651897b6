import type { ParseErrorReason } from "./layout.generated.js";
import { REASONS, MAX_PACKET, E_IPV6_PARAMETER_PROBLEM } from "./layout.generated.js";
import { wasm, mem8, record, addressOf, SCRATCH } from "./wasm.js";
import type { DatagramRecord } from "./datagram-record.js";
import type { Ipv6Record } from "./ipv6-record.js";
import type { ParsedRecord } from "./record.js";

const parseAt = wasm.parseIpv6;

/**
 * Parses one IPv6 packet in one WASM call (assembly/ipv6-packet.ts): the header, the extension-header
 * chain, and unless it is a fragment its TCP (into `tcp`, the record the engine reads for IPv4 too),
 * UDP or ICMPv6 header (into `datagram`), checksum verified over the RFC 8200 §8.1 pseudo-header.
 * `v6.parsed` says which record was filled. The records' address fields are left as they were: the
 * addresses are the packet's bytes 8..39. Returns null, or the reason the packet is dropped; for
 * "ipv6-parameter-problem", `v6` holds the code and pointer of the ICMPv6 error RFC 8200 §4 asks for.
 * Allocates nothing; bytes past 65535 are ignored.
 */
export function parseIpv6Into(
  bytes: Uint8Array,
  v6: Ipv6Record,
  tcp: ParsedRecord,
  datagram: DatagramRecord,
): ParseErrorReason | null {
  const length = bytes.length;
  const len = Math.min(length, MAX_PACKET);
  let ptr = addressOf(bytes);
  if (ptr < 0) {
    ptr = SCRATCH;
    mem8.set(len === length ? bytes : bytes.subarray(0, len), SCRATCH);
  }
  const status = parseAt(ptr, len);
  if (status === E_IPV6_PARAMETER_PROBLEM) v6.load(record, "problem");
  if (status !== 0) return REASONS[status] as ParseErrorReason;
  v6.load(record, "ok");
  if (v6.parsed === 6) tcp.load(record);
  else datagram.loadTransport(record);
  return null;
}
