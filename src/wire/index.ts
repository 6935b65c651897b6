/**
 * wirestate-tcp/wire: IPv4+TCP bytes, no policy. Parsing, validation, checksums and building run in a WASM
 * module (assembly/) that loads synchronously from inlined bytes in Node and browsers.
 *
 * Memory: the module never allocates, so its views never detach. `parseInto`/`parsePacket` copy the
 * caller's bytes into a WASM scratch area once (not at all when the bytes are already a view of WASM
 * memory), run one WASM call that parses, validates and verifies both checksums, and read back a compact
 * record. The payload they report is a view into the caller's own bytes, never into the reused scratch
 * area, so it stays valid as long as the caller's bytes do. `buildPacket` builds in WASM memory, headers
 * written in front of the payload, and copies the packet out once into the array the link will own.
 *
 * Everything else IPv4 carries (ICMP, UDP, other protocols, fragments) has its own WASM entry and record
 * (`parseDatagramInto`, `DatagramRecord`), so the TCP path pays nothing for it.
 *
 * Hot path for the engine: keep one `ParsedRecord` and call `parseInto(bytes, rec)` per packet; it returns
 * null or the rejection reason and allocates nothing. `parsePacket` is the convenient, allocating form.
 * `buildPacketInto` writes into a caller's buffer (e.g. a slab) instead of a fresh ArrayBuffer.
 */
export { TcpFlags } from "./types.js";
export type {
  SackBlock,
  TcpOptions,
  Ipv4Header,
  TcpRepr,
  TcpHeader,
  ParsedPacket,
  ParseErrorReason,
  ParseResult,
  PacketFields,
} from "./types.js";
export { parsePacket, parseInto } from "./parse.js";
export { ParsedRecord } from "./record.js";
export { OptionBits } from "./layout.generated.js";
export { buildPacket, buildPacketInto, maxPacketLength } from "./build.js";
// The packet arena in-process links carry packets in: its bound (a process-wide maximum) and what passed it.
export { arenaCounters, setArenaMaxSlots, type ArenaCounters } from "./packet-arena.js";
export { ringArenaCounters, type RingArenaCounters } from "./ring-arena.js";
export { internetChecksum, onesComplementSum, pseudoHeaderSum, checksumUpdate } from "./checksum.js";
export { seqLt, seqLe, seqGt, seqGe, seqAdd, seqDiff, seqInWindow } from "./seq.js";
export { parseIpv4, ipv4ToString } from "./ipv4-address.js";
export { parseIpv6, ipv6ToString, isIpv6, parseIpv6Prefix, type Ipv6Address } from "./ipv6-address.js";
// IPv6 (RFC 8200) and ICMPv6 (RFC 4443): one WASM call per packet into the TCP or datagram record.
export { parseIpv6Into } from "./ipv6-parse.js";
export { Ipv6Record } from "./ipv6-record.js";
export type { Ipv6Ends } from "./ipv6-slots.js";
export { Icmpv6Type, Unreachable6Code, ParameterProblemCode, icmpv6ErrorKind, isHardIcmpv6Error } from "./icmpv6.js";
export { IPV6_KEY_BASE, isIpv6Key, ipHeaderLength } from "./address-key.js";
export { IpProtocol, IcmpType, UnreachableCode } from "./datagram-types.js";
export type {
  UdpRepr,
  UdpHeader,
  IcmpRepr,
  IcmpHeader,
  IcmpQuote,
  ParsedDatagram,
  DatagramResult,
  Ipv4Fields,
  UdpPacketFields,
  IcmpPacketFields,
} from "./datagram-types.js";
export { parseDatagram, parseDatagramInto, parseTransportInto, isIcmpError } from "./datagram-parse.js";
export { DatagramRecord } from "./datagram-record.js";
export {
  buildUdpPacket,
  buildIcmpPacket,
  buildIpv4Header,
  buildUdp6Packet,
  buildIcmp6Packet,
  buildIpv6FragmentHeaders,
} from "./datagram-build.js";
export { icmpErrorKind, isHardIcmpError, type IcmpErrorKind } from "./icmp-errors.js";
// DNS messages (RFC 1035 section 4): TypeScript, not WASM, since a lookup is no hot path.
export { parseDnsMessage, parseDnsHeader } from "./dns-parse.js";
export { buildDnsMessage, dnsQuery, type DnsBuildOptions, type DnsQueryOptions } from "./dns-build.js";
export { readName, encodeName, dnsNameKey } from "./dns-name.js";
export { DnsType, DnsClass, DnsRcode, DNS_HEADER_LENGTH } from "./dns-types.js";
export type {
  DnsHeader,
  DnsQuestion,
  DnsRecord,
  DnsRecordData,
  DnsMessage,
  DnsParseErrorReason,
  DnsParseResult,
  DnsBuildErrorReason,
  DnsBuildResult,
} from "./dns-types.js";
// Ethernet II and ARP (RFC 826), parsed and built by the wire core; MAC addresses as 48-bit numbers.
export {
  EtherType,
  ArpOperation,
  parseEthernetInto,
  parseArpInto,
  buildEthernetFrame,
  newEthernetFrame,
  ethernetFrameAround,
  writeEthernetHeader,
  buildArpFrame,
  newEthernetRepr,
  newArpRepr,
  type EthernetRepr,
  type ArpRepr,
} from "./ethernet.js";
export {
  BROADCAST_MAC,
  parseMac,
  macToString,
  randomLocalMac,
  isGroupMac,
  isMac,
  type MacAddress,
} from "./mac-address.js";
export type { LinkParseErrorReason } from "./layout.generated.js";
// IPv6 neighbour discovery bodies (RFC 4861 §4) and the multicast groups and MACs they use.
export {
  INFINITE_LIFETIME,
  NDP_DROP_REASONS,
  parseNdpMessage,
  buildNdpMessage,
  type NdpMessage,
  type NdpDropReason,
  type NdpIpFields,
  type NdpOutgoing,
  type RouterSolicitation,
  type RouterAdvertisement,
  type NeighborSolicitation,
  type NeighborAdvertisement,
  type Redirect,
  type PrefixInformation,
} from "./ndp-message.js";
export {
  IPV6_UNSPECIFIED,
  IPV6_ALL_NODES,
  IPV6_ALL_ROUTERS,
  isIpv6Unspecified,
  isIpv6Multicast,
  isIpv6LinkLocal,
  solicitedNodeAddress,
  isSolicitedNodeAddress,
  ipv6MulticastMac,
} from "./ipv6-multicast.js";
