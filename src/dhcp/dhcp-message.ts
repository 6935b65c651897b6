import { readU32, writeU32 } from "../wire/big-endian.js";
import type { MacAddress } from "../wire/mac-address.js";
import { DhcpOption, collectOptions, decodeOptions, encodeOptions, type DhcpOptions } from "./dhcp-options.js";

/** Option 53's values (RFC 2132 §9.6). */
export const DhcpMessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export type DhcpMessageType = (typeof DhcpMessageType)[keyof typeof DhcpMessageType];

/** The UDP ports of DHCP (RFC 2131 §4.1). */
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

/** One DHCP message: the BOOTP header's fields (RFC 2131 §2, figure 1) and the options we read. */
export interface DhcpMessage {
  /** 1 BOOTREQUEST (client to server), 2 BOOTREPLY. */
  op: 1 | 2;
  type: DhcpMessageType;
  /** The transaction id the client chose; replies repeat it. */
  xid: number;
  /** Seconds since the client began acquiring or renewing. */
  secs: number;
  /** The BROADCAST flag: the client cannot take unicast before it has an address. */
  broadcast: boolean;
  /** The client's address when it has one (BOUND, RENEWING, REBINDING), else 0. */
  ciaddr: number;
  /** "Your" address: the one the server offers or assigns. */
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  /** The client's hardware address (Ethernet: htype 1, hlen 6). */
  chaddr: MacAddress;
  options: DhcpOptions;
}

/** Why a datagram on a DHCP port was not a DHCP message we take; counted per reason. */
export type DhcpParseError =
  | "dhcp-truncated" // shorter than the 240 bytes of header and magic cookie
  | "dhcp-bad-op" // op neither 1 nor 2
  | "dhcp-not-ethernet" // htype/hlen other than Ethernet's 1/6
  | "dhcp-no-cookie" // not 99.130.83.99 after the header: BOOTP, or garbage
  | "dhcp-bad-options" // an option runs past its field, or a known one has a bad length
  | "dhcp-no-type" // no message type (53): plain BOOTP
  | "dhcp-bad-type"; // a message type outside 1..8

/** Every parse error, for counters keyed by them. */
export const DHCP_PARSE_ERRORS: readonly DhcpParseError[] = [
  "dhcp-truncated",
  "dhcp-bad-op",
  "dhcp-not-ethernet",
  "dhcp-no-cookie",
  "dhcp-bad-options",
  "dhcp-no-type",
  "dhcp-bad-type",
];

/** A drop counter per reason: every parse error, and `more` of the caller's own. */
export function zeroCounts<K extends string>(more: readonly Exclude<K, DhcpParseError>[]): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const k of [...DHCP_PARSE_ERRORS, ...more] as K[]) counts[k] = 0;
  return counts;
}

const MAGIC_COOKIE = 0x63825363;
const OPTIONS_AT = 240;
const SNAME_AT = 44;
const FILE_AT = 108;
/** RFC 1542 §3.4: some relays drop BOOTP messages shorter than 300 bytes; we pad to it. */
const MIN_LENGTH = 300;
const TWO_32 = 0x1_0000_0000;

/** Parses a UDP payload as a DHCP message: the message, or why it is not one. Never throws. */
export function parseDhcp(b: Uint8Array): DhcpMessage | DhcpParseError {
  if (b.length < OPTIONS_AT) return "dhcp-truncated";
  const op = b[0];
  if (op !== 1 && op !== 2) return "dhcp-bad-op";
  if (b[1] !== 1 || b[2] !== 6) return "dhcp-not-ethernet";
  if (readU32(b, 236) !== MAGIC_COOKIE) return "dhcp-no-cookie";
  const raw = new Map<number, Uint8Array>();
  if (!collectOptions(b.subarray(OPTIONS_AT), raw)) return "dhcp-bad-options";
  // RFC 2132 §9.3: option 52 says the file and/or sname fields hold more options (file first).
  const overload = raw.get(DhcpOption.OVERLOAD);
  if (overload !== undefined) {
    if (overload.length !== 1 || overload[0] < 1 || overload[0] > 3) return "dhcp-bad-options";
    if (overload[0] & 1 && !collectOptions(b.subarray(FILE_AT, FILE_AT + 128), raw)) return "dhcp-bad-options";
    if (overload[0] & 2 && !collectOptions(b.subarray(SNAME_AT, SNAME_AT + 64), raw)) return "dhcp-bad-options";
  }
  const options = decodeOptions(raw);
  if (options === null) return "dhcp-bad-options";
  const type = raw.get(DhcpOption.MESSAGE_TYPE);
  if (type === undefined) return "dhcp-no-type";
  if (type.length !== 1 || type[0] < 1 || type[0] > 8) return "dhcp-bad-type";
  return {
    op,
    type: type[0] as DhcpMessageType,
    xid: readU32(b, 4),
    secs: (b[8] << 8) | b[9],
    broadcast: (b[10] & 0x80) !== 0,
    ciaddr: readU32(b, 12),
    yiaddr: readU32(b, 16),
    siaddr: readU32(b, 20),
    giaddr: readU32(b, 24),
    chaddr: ((b[28] << 8) | b[29]) * TWO_32 + readU32(b, 30),
    options,
  };
}

/** The message as a UDP payload: header, magic cookie, type first, the options, END, padded to 300 bytes. */
export function buildDhcp(m: DhcpMessage): Uint8Array {
  const options = encodeOptions(m.options);
  const optionBytes = options.reduce((n, o) => n + o.length, 0);
  const b = new Uint8Array(Math.max(MIN_LENGTH, OPTIONS_AT + 3 + optionBytes + 1));
  b[0] = m.op;
  b[1] = 1; // htype: Ethernet (RFC 1700)
  b[2] = 6; // hlen
  writeU32(b, 4, m.xid);
  b[8] = m.secs >> 8;
  b[9] = m.secs;
  if (m.broadcast) b[10] = 0x80;
  writeU32(b, 12, m.ciaddr);
  writeU32(b, 16, m.yiaddr);
  writeU32(b, 20, m.siaddr);
  writeU32(b, 24, m.giaddr);
  const high = Math.floor(m.chaddr / TWO_32);
  b[28] = high >> 8;
  b[29] = high;
  writeU32(b, 30, m.chaddr % TWO_32);
  writeU32(b, 236, MAGIC_COOKIE);
  let at = OPTIONS_AT;
  b[at++] = DhcpOption.MESSAGE_TYPE;
  b[at++] = 1;
  b[at++] = m.type;
  for (const o of options) {
    b.set(o, at);
    at += o.length;
  }
  b[at] = DhcpOption.END;
  return b;
}

/** The prefix length of a subnet mask, or -1 when its ones are not contiguous. */
export function maskToPrefix(mask: number): number {
  const m = mask >>> 0;
  const inverted = ~m >>> 0;
  // Contiguous ones: the complement is 2^k - 1.
  if ((inverted & (inverted + 1)) !== 0) return -1;
  let prefix = 0;
  for (let bit = 31; bit >= 0 && (m >>> bit) & 1; bit--) prefix++;
  return prefix;
}
