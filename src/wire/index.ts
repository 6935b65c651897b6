/**
 * wirestate/wire: IPv4+TCP bytes, no policy. Parsing, validation, checksums and building run in a WASM
 * module (assembly/) that loads synchronously from inlined bytes in Node and browsers.
 *
 * Hot path for the engine: keep one `ParsedRecord` and call `parseInto(bytes, rec)` per packet; it returns
 * null or the rejection reason and allocates nothing. `parsePacket` is the convenient, allocating form.
 */
export { TcpFlags } from "./types.js";
export type {
  SackBlock,
  TcpOptions,
  Ipv4Header,
  TcpHeader,
  ParsedPacket,
  ParseErrorReason,
  ParseResult,
  PacketFields,
} from "./types.js";
export { parsePacket, parseInto } from "./parse.js";
export { ParsedRecord } from "./record.js";
export { OptionBits } from "./layout.js";
export { buildPacket } from "./build.js";
export { internetChecksum, onesComplementSum, pseudoHeaderSum, checksumUpdate } from "./checksum.js";
export { seqLt, seqLe, seqGt, seqGe, seqAdd, seqDiff, seqInWindow } from "./seq.js";
export { parseIpv4, ipv4ToString } from "./ipv4-address.js";
