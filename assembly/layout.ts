// The memory layout the WASM module and src/wire share: record slots, option bits, parse status codes and
// region sizes. This file is the only place they are written: assembly/index.ts exports every constant
// here as a WebAssembly global, and scripts/generate-layout.mjs writes src/wire/layout.generated.ts from
// those globals (names and doc comments from this file) in `npm run build:wasm`. Keep it to
// `export const NAME: i32 = ...;` lines; the addresses built from them are in linear-memory.ts.

/** The record: parse results (slots 0..B_BASE-1) and build parameters (B_BASE..RECORD_SLOTS-1), as 32-bit slots. */
export const RECORD_SLOTS: i32 = 160;

/** The largest IPv4 packet (total length is 16 bits). */
export const MAX_PACKET: i32 = 65535;

/** Room before a payload for the headers `buildPacket` writes in front of it (20 IP + up to 60 TCP). */
export const HEADROOM: i32 = 128;

/** Bytes reserved for the packet scratch area: at least HEADROOM + MAX_PACKET, so one maximal packet fits. */
export const SCRATCH_SIZE: i32 = 65536 + 256;

// Field slots: the order of the build parameters (B_X = B_BASE + R_X below). R_STATUS is also the parse
// status slot.
export const R_STATUS: i32 = 0;
export const R_IHL: i32 = 1;
export const R_TOS: i32 = 2;
export const R_TOTAL_LENGTH: i32 = 3;
export const R_ID: i32 = 4;
export const R_FRAG: i32 = 5;
export const R_TTL: i32 = 6;
export const R_PROTOCOL: i32 = 7;
export const R_IP_CHECKSUM: i32 = 8;
export const R_SRC: i32 = 9;
export const R_DST: i32 = 10;
export const R_SRC_PORT: i32 = 11;
export const R_DST_PORT: i32 = 12;
export const R_SEQ: i32 = 13;
export const R_ACK: i32 = 14;
export const R_DATA_OFFSET: i32 = 15;
export const R_FLAGS: i32 = 16;
export const R_WINDOW: i32 = 17;
export const R_TCP_CHECKSUM: i32 = 18;
export const R_URGENT: i32 = 19;
export const R_OPT_MASK: i32 = 20;
export const R_MSS: i32 = 21;
export const R_WSCALE: i32 = 22;
export const R_TSVAL: i32 = 23;
export const R_TSECR: i32 = 24;
export const R_SACK_COUNT: i32 = 25;
export const R_SACK: i32 = 26; // 8 slots: left0, right0, ... left3, right3
export const R_PAYLOAD_OFFSET: i32 = 34;
export const R_PAYLOAD_LENGTH: i32 = 35;

// Parse result slots. The fields narrower than 32 bits share slots, so the parser stores and the TS
// record loads about half as many words per packet (src/wire/record.ts unpacks them). P_PORTS..P_SEGMENT
// and P_IP_FIELDS..P_MISC are two aligned runs of four: the parser writes each with one byte shuffle of
// the header and one 16-byte store (parse.ts), so their order here is the order of those shuffles.
/** 32-bit fields, one slot each: source, destination. */
export const P_SRC: i32 = 1;
export const P_DST: i32 = 2;
/** number of SACK blocks (0..4); the blocks are P_SACK.. */
export const P_SACK_COUNT: i32 = 3;
/** source port << 16 | destination port */
export const P_PORTS: i32 = 4;
/** sequence number */
export const P_SEQ: i32 = 5;
/** acknowledgment number */
export const P_ACK: i32 = 6;
/** window << 16 | TCP header byte 12 (data offset in words << 4, reserved bits) << 8 | flags */
export const P_SEGMENT: i32 = 7;
/** TTL << 24 | TOS << 16 | identification */
export const P_IP_FIELDS: i32 = 8;
/** flags and fragment offset << 16 | total length */
export const P_IP_LENGTH: i32 = 9;
/** IPv4 header checksum << 16 | TCP checksum, as received */
export const P_CHECKSUMS: i32 = 10;
/** urgent pointer << 16 | protocol << 8 | IHL (words) */
export const P_MISC: i32 = 11;
/** TSval, TSecr */
export const P_TSVAL: i32 = 12;
export const P_TSECR: i32 = 13;
/** payload length << 16 | payload offset */
export const P_PAYLOAD: i32 = 14;
/** MSS << 16 | window scale << 8 | option presence bits (OPT_*) */
export const P_OPTIONS: i32 = 15;
/** 8 slots: left0, right0, ... left3, right3 */
export const P_SACK: i32 = 16;

// Build parameter slots (options reuse the parse slot order, shifted by B_BASE).
export const B_BASE: i32 = 64;
export const B_SRC: i32 = B_BASE + R_SRC;
export const B_DST: i32 = B_BASE + R_DST;
export const B_TTL: i32 = B_BASE + R_TTL;
export const B_ID: i32 = B_BASE + R_ID;
export const B_TOS: i32 = B_BASE + R_TOS;
export const B_FRAG: i32 = B_BASE + R_FRAG;
export const B_SRC_PORT: i32 = B_BASE + R_SRC_PORT;
export const B_DST_PORT: i32 = B_BASE + R_DST_PORT;
export const B_SEQ: i32 = B_BASE + R_SEQ;
export const B_ACK: i32 = B_BASE + R_ACK;
export const B_FLAGS: i32 = B_BASE + R_FLAGS;
export const B_WINDOW: i32 = B_BASE + R_WINDOW;
export const B_URGENT: i32 = B_BASE + R_URGENT;
export const B_OPT_MASK: i32 = B_BASE + R_OPT_MASK;
export const B_MSS: i32 = B_BASE + R_MSS;
export const B_WSCALE: i32 = B_BASE + R_WSCALE;
export const B_TSVAL: i32 = B_BASE + R_TSVAL;
export const B_TSECR: i32 = B_BASE + R_TSECR;
export const B_SACK_COUNT: i32 = B_BASE + R_SACK_COUNT;
export const B_SACK: i32 = B_BASE + R_SACK;

// Option presence bits (R_OPT_MASK / B_OPT_MASK).
export const OPT_MSS: i32 = 1;
export const OPT_WINDOW_SCALE: i32 = 2;
export const OPT_SACK_PERMITTED: i32 = 4;
export const OPT_TIMESTAMPS: i32 = 8;
export const OPT_SACK: i32 = 16;

// Parse status codes. src/wire/layout.generated.ts names each E_X as the ParseErrorReason "x" (lower case,
// dashes) with its comment here, in code order, so codes stay dense from 1.
export const OK: i32 = 0; // the packet is valid; the parse slots hold it
export const E_TRUNCATED_IP_HEADER: i32 = 1; // fewer than 20 bytes
export const E_BAD_IP_VERSION: i32 = 2; // version != 4
export const E_BAD_IHL: i32 = 3; // IHL < 5 or header longer than the buffer
export const E_BAD_TOTAL_LENGTH: i32 = 4; // total length < IHL*4 or > buffer length
export const E_BAD_IP_CHECKSUM: i32 = 5; // the IPv4 header checksum does not verify
export const E_FRAGMENT: i32 = 6; // MF set or fragment offset != 0 (no reassembly)
export const E_NOT_TCP: i32 = 7; // protocol != 6
export const E_TRUNCATED_TCP_HEADER: i32 = 8; // fewer than 20 bytes of TCP
export const E_BAD_DATA_OFFSET: i32 = 9; // data offset < 5 or past the segment
export const E_BAD_TCP_CHECKSUM: i32 = 10; // the TCP checksum (with the pseudo-header) does not verify
export const E_BAD_OPTION_LENGTH: i32 = 11; // option length 0 or 1, or running past the header
/** a known option with the wrong fixed length (MSS 4, WS 3, SACK-perm 2, TS 10, SACK 2+8n) */
export const E_BAD_OPTION_VALUE: i32 = 12;
/** fewer than 8 bytes of UDP */
export const E_TRUNCATED_UDP_HEADER: i32 = 13;
/** the UDP length is below 8 or past the IPv4 payload */
export const E_BAD_UDP_LENGTH: i32 = 14;
/** a non-zero UDP checksum (with the pseudo-header) does not verify */
export const E_BAD_UDP_CHECKSUM: i32 = 15;
export const E_TRUNCATED_ICMP: i32 = 16; // fewer than 8 bytes of ICMP
export const E_BAD_ICMP_CHECKSUM: i32 = 17; // the ICMP checksum does not verify
/** an ICMP error's quoted datagram is not an IPv4 header plus 8 bytes */
export const E_BAD_ICMP_QUOTE: i32 = 18;
/** fewer than 40 bytes where the version nibble says IPv6 */
export const E_TRUNCATED_IPV6_HEADER: i32 = 19;
/** the IPv6 payload length runs past the bytes received (jumbograms, RFC 2675, are not taken) */
export const E_BAD_IPV6_PAYLOAD_LENGTH: i32 = 20;
/** an extension header, or an option in one, runs past the IPv6 payload */
export const E_BAD_EXTENSION_HEADER: i32 = 21;
/** RFC 8200 §4: a header rule asks for an ICMPv6 parameter problem (V_PROBLEM says which, and where) */
export const E_IPV6_PARAMETER_PROBLEM: i32 = 22;
/** RFC 8200 §4.2: an unrecognized option whose type's high bits are 01: discarded silently */
export const E_IPV6_UNKNOWN_OPTION: i32 = 23;
/** a zero UDP checksum over IPv6 (RFC 8200 §8.1: the checksum is mandatory) */
export const E_MISSING_UDP_CHECKSUM: i32 = 24;

// Datagram parse slots: what parseDatagram and parseTransport (datagram.ts: IPv4 with ICMP, UDP or any
// other protocol, fragments included) write. Apart from the TCP parser's slots, so each parser's record
// can change alone.
export const D_IHL: i32 = 36;
export const D_TOS: i32 = 37;
export const D_TOTAL_LENGTH: i32 = 38;
export const D_ID: i32 = 39;
/** flags and fragment offset, the 16 bits as received */
export const D_FRAG: i32 = 40;
export const D_TTL: i32 = 41;
export const D_PROTOCOL: i32 = 42;
export const D_IP_CHECKSUM: i32 = 43;
export const D_SRC: i32 = 44;
export const D_DST: i32 = 45;
/** the transport header parsed: 1 (ICMP), 17 (UDP), or 0 (a fragment, or another protocol) */
export const D_TRANSPORT: i32 = 46;
/** where the transport payload starts, from the bytes parsed (ICMP: after its 8-byte header) */
export const D_PAYLOAD_OFFSET: i32 = 47;
export const D_PAYLOAD_LENGTH: i32 = 48;
export const D_SRC_PORT: i32 = 49;
export const D_DST_PORT: i32 = 50;
export const D_UDP_LENGTH: i32 = 51;
/** the UDP or ICMP checksum field as received */
export const D_CHECKSUM: i32 = 52;
export const D_ICMP_TYPE: i32 = 53;
export const D_ICMP_CODE: i32 = 54;
/** ICMP bytes 4..7: echo identifier << 16 | sequence, next-hop MTU, parameter problem pointer << 24 */
export const D_ICMP_REST: i32 = 55;
/** ICMP errors: the quoted IPv4 header's flags and fragment offset */
export const D_Q_FRAG: i32 = 56;
export const D_Q_PROTOCOL: i32 = 57;
export const D_Q_SRC: i32 = 58;
export const D_Q_DST: i32 = 59;
export const D_Q_TOTAL_LENGTH: i32 = 60;
/** the quoted transport header's bytes 0..3 (TCP and UDP: source port << 16 | destination port) */
export const D_Q_WORD0: i32 = 61;
/** the quoted transport header's bytes 4..7 (TCP: the sequence number) */
export const D_Q_WORD1: i32 = 62;

// Build parameters of buildUdp and buildIcmp beyond the shared IPv4 and port slots.
export const B_ICMP_TYPE: i32 = B_BASE + 40;
export const B_ICMP_CODE: i32 = B_BASE + 41;
export const B_ICMP_REST: i32 = B_BASE + 42;

// Ethernet II and ARP (ethernet.ts, arp.ts): parse results and build parameters share these slots (a
// frame is parsed or built, never both at once). Above every slot the IPv4 parsers and builders use, so
// the layers' records can change apart. A MAC address is two slots: bytes 0..1 (HI) and 2..5 (LO).
export const L_DST_HI: i32 = 108;
export const L_DST_LO: i32 = 109;
export const L_SRC_HI: i32 = 110;
export const L_SRC_LO: i32 = 111;
/** the EtherType (the outer TPID for a VLAN-tagged frame) */
export const L_ETHERTYPE: i32 = 112;
/** a VLAN-tagged frame's tag control information (priority, DEI, VLAN id) */
export const L_VLAN_TCI: i32 = 113;
export const A_OPERATION: i32 = 114;
export const A_SHA_HI: i32 = 115;
export const A_SHA_LO: i32 = 116;
export const A_SPA: i32 = 117;
export const A_THA_HI: i32 = 118;
export const A_THA_LO: i32 = 119;
export const A_TPA: i32 = 120;

/** The Ethernet II header: destination, source, EtherType. */
export const ETHERNET_HEADER: i32 = 14;
/** An ARP packet for IPv4 over Ethernet (RFC 826): 8 fixed bytes, two MACs and two IPv4 addresses. */
export const ARP_LENGTH: i32 = 28;

// Ethernet and ARP parse status codes: the LINK_E_X of this group is the LinkParseErrorReason "x", dense
// from 1 like the E_ codes and apart from them.
export const LINK_E_TRUNCATED_FRAME: i32 = 1; // fewer than 14 bytes
/** the type/length field is below 0x0600: an IEEE 802.3 length (an LLC frame), not an EtherType */
export const LINK_E_NOT_ETHERNET_II: i32 = 2;
/** an 802.1Q or 802.1ad tag (TPID 0x8100, 0x88a8, 0x9100): this host is on no VLAN */
export const LINK_E_VLAN_TAGGED: i32 = 3;
/** the source address has the group bit set: no station sends from a multicast address */
export const LINK_E_MULTICAST_SOURCE: i32 = 4;
export const LINK_E_TRUNCATED_ARP: i32 = 5; // fewer than 28 bytes after the Ethernet header
/** hardware type not Ethernet (1) with 6-byte addresses, or protocol type not IPv4 (0x0800) with 4 */
export const LINK_E_BAD_ARP_FORMAT: i32 = 6;
export const LINK_E_BAD_ARP_OPERATION: i32 = 7; // neither request (1) nor reply (2)

// IPv6 (ipv6.ts, tcp6.ts, icmpv6.ts): what parseIpv6 writes beyond the TCP parser's P_ slots (TCP over
// IPv6) and the datagram parser's D_ slots (UDP and ICMPv6 over IPv6). The addresses are not copied:
// they sit at fixed offsets of the packet (8 and 24), where the TS side reads them.
/** traffic class << 20 | flow label */
export const V_CLASS_FLOW: i32 = 128;
export const V_HOP_LIMIT: i32 = 129;
/** 40 + the payload length: the bytes of the packet that are IPv6 (the rest is link padding) */
export const V_TOTAL_LENGTH: i32 = 130;
/** the upper-layer protocol at the end of the extension-header chain (a fragment's: after its header) */
export const V_UPPER: i32 = 131;
/** where the upper-layer header (a fragment's data) starts, from the packet's start */
export const V_UPPER_OFFSET: i32 = 132;
/** the offset of the Next Header field that named V_UPPER (RFC 8200 §4: a code-1 problem points there) */
export const V_UPPER_POINTER: i32 = 133;
/** where the fragment header starts, 0 without one (an atomic fragment, RFC 6946, reports none) */
export const V_FRAGMENT_AT: i32 = 134;
/** the fragment header's offset (bytes) | M (bit 0) */
export const V_FRAGMENT: i32 = 135;
export const V_FRAGMENT_ID: i32 = 136;
/** E_IPV6_PARAMETER_PROBLEM: ICMPv6 code << 24 | the pointer; bit 23: only when the destination is not multicast */
export const V_PROBLEM: i32 = 137;
/** what parseIpv6 parsed after the IPv6 headers: 6 (TCP, P_ slots), 17 or 58 (D_ slots), 0 (neither) */
export const V_PARSED: i32 = 138;
/** ICMPv6 errors: where the quoted packet's upper-layer header starts, from the quote's start */
export const V_Q_UPPER_OFFSET: i32 = 139;

// IPv6 build parameters: the two addresses as 16 raw bytes each (network order, copied as they are),
// traffic class << 20 | flow label, hop limit.
export const BV_SRC: i32 = 144;
export const BV_DST: i32 = 148;
export const BV_CLASS_FLOW: i32 = 152;
export const BV_HOP_LIMIT: i32 = 153;
/** Fragment header build: identification, offset (bytes) | M, and the next header it names. */
export const BV_FRAGMENT_ID: i32 = 154;
export const BV_FRAGMENT: i32 = 155;

/** The fixed IPv6 header (RFC 8200 §3). */
export const IPV6_HEADER: i32 = 40;
