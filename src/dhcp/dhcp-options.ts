import { readU32, writeU32 } from "../wire/big-endian.js";

/**
 * DHCP options (RFC 2132) as the client and server use them: the subnet, routers and DNS servers, the lease
 * and its renewal times, the message type and the server's identifier. Unknown options are skipped on
 * input; a known one of the wrong length makes the message malformed.
 */
export interface DhcpOptions {
  /** 1: the subnet mask, as a number. */
  subnetMask?: number;
  /** 3: routers on the client's subnet, in order of preference. */
  routers?: number[];
  /** 6: DNS servers, in order of preference. */
  dns?: number[];
  /** 12: the client's host name. */
  hostname?: string;
  /** 50: the address the client asks for (SELECTING's choice, INIT-REBOOT's previous address). */
  requestedIp?: number;
  /** 51: the lease, seconds (0xffffffff: infinite). */
  leaseTime?: number;
  /** 54: the server's identifier (its address). */
  serverId?: number;
  /** 55: the option codes the client wants. */
  parameterList?: number[];
  /** 56: the reason for a NAK or a DECLINE, in text. */
  message?: string;
  /** 57: the largest DHCP message the client takes. */
  maxMessageSize?: number;
  /** 58, 59: T1 and T2, seconds (RFC 2131 §4.4.5). */
  renewalTime?: number;
  rebindingTime?: number;
  /** 61: the client identifier (type byte and value). */
  clientId?: Uint8Array;
}

/** RFC 2132 option codes. */
export const DhcpOption = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DNS: 6,
  HOSTNAME: 12,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_LIST: 55,
  MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_TIME: 58,
  REBINDING_TIME: 59,
  CLIENT_ID: 61,
  END: 255,
} as const;

/**
 * Collects the options of one field (options, or the overloaded file and sname, RFC 2132 §9.3) into
 * `into`, code -> value; a code seen twice has its values concatenated (RFC 3396). False when an option
 * runs past the end of the field.
 */
export function collectOptions(field: Uint8Array, into: Map<number, Uint8Array>): boolean {
  let i = 0;
  while (i < field.length) {
    const code = field[i++];
    if (code === DhcpOption.PAD) continue;
    if (code === DhcpOption.END) return true;
    if (i >= field.length) return false;
    const length = field[i++];
    if (i + length > field.length) return false;
    const value = field.subarray(i, i + length);
    const before = into.get(code);
    if (before === undefined) into.set(code, value);
    else {
      const joined = new Uint8Array(before.length + length);
      joined.set(before);
      joined.set(value, before.length);
      into.set(code, joined);
    }
    i += length;
  }
  // RFC 2131 §4.1 wants an END; a field that just runs out is accepted, as dnsmasq and ISC dhcpd accept it.
  return true;
}

/** Reads the options we know from their raw values; null when one has a length its format forbids. */
export function decodeOptions(raw: ReadonlyMap<number, Uint8Array>): DhcpOptions | null {
  const o: DhcpOptions = {};
  for (const [code, v] of raw) {
    switch (code) {
      case DhcpOption.SUBNET_MASK:
        if (v.length !== 4) return null;
        o.subnetMask = readU32(v, 0);
        break;
      case DhcpOption.ROUTER:
      case DhcpOption.DNS: {
        if (v.length === 0 || v.length % 4 !== 0) return null;
        const list = Array.from({ length: v.length / 4 }, (_, k) => readU32(v, 4 * k));
        if (code === DhcpOption.ROUTER) o.routers = list;
        else o.dns = list;
        break;
      }
      case DhcpOption.HOSTNAME:
        if (v.length === 0) return null;
        o.hostname = text(v);
        break;
      case DhcpOption.MESSAGE:
        o.message = text(v);
        break;
      case DhcpOption.REQUESTED_IP:
      case DhcpOption.LEASE_TIME:
      case DhcpOption.SERVER_ID:
      case DhcpOption.RENEWAL_TIME:
      case DhcpOption.REBINDING_TIME: {
        if (v.length !== 4) return null;
        const n = readU32(v, 0);
        if (code === DhcpOption.REQUESTED_IP) o.requestedIp = n;
        else if (code === DhcpOption.LEASE_TIME) o.leaseTime = n;
        else if (code === DhcpOption.SERVER_ID) o.serverId = n;
        else if (code === DhcpOption.RENEWAL_TIME) o.renewalTime = n;
        else o.rebindingTime = n;
        break;
      }
      case DhcpOption.PARAMETER_LIST:
        o.parameterList = [...v];
        break;
      case DhcpOption.MAX_MESSAGE_SIZE:
        // RFC 2132 §9.10: at least 576.
        if (v.length !== 2 || ((v[0] << 8) | v[1]) < 576) return null;
        o.maxMessageSize = (v[0] << 8) | v[1];
        break;
      case DhcpOption.CLIENT_ID:
        if (v.length < 2) return null;
        o.clientId = v.slice();
        break;
    }
  }
  return o;
}

/** The options as bytes, each `code length value`, in a fixed order; no END (the message adds it). */
export function encodeOptions(o: DhcpOptions): Uint8Array[] {
  const out: Uint8Array[] = [];
  const words = (code: number, values: readonly number[]) => {
    const b = new Uint8Array(2 + 4 * values.length);
    b[0] = code;
    b[1] = 4 * values.length;
    values.forEach((v, k) => writeU32(b, 2 + 4 * k, v));
    out.push(b);
  };
  const bytes = (code: number, value: Uint8Array) => {
    // One option holds 255 bytes at most; more would be split (RFC 3396), which nothing here needs.
    if (value.length > 255) throw new RangeError(`DHCP option ${code} is longer than 255 bytes`);
    const b = new Uint8Array(2 + value.length);
    b[0] = code;
    b[1] = value.length;
    b.set(value, 2);
    out.push(b);
  };
  if (o.serverId !== undefined) words(DhcpOption.SERVER_ID, [o.serverId]);
  if (o.requestedIp !== undefined) words(DhcpOption.REQUESTED_IP, [o.requestedIp]);
  if (o.leaseTime !== undefined) words(DhcpOption.LEASE_TIME, [o.leaseTime]);
  if (o.renewalTime !== undefined) words(DhcpOption.RENEWAL_TIME, [o.renewalTime]);
  if (o.rebindingTime !== undefined) words(DhcpOption.REBINDING_TIME, [o.rebindingTime]);
  if (o.subnetMask !== undefined) words(DhcpOption.SUBNET_MASK, [o.subnetMask]);
  if (o.routers !== undefined && o.routers.length > 0) words(DhcpOption.ROUTER, o.routers);
  if (o.dns !== undefined && o.dns.length > 0) words(DhcpOption.DNS, o.dns);
  if (o.clientId !== undefined) bytes(DhcpOption.CLIENT_ID, o.clientId);
  if (o.hostname !== undefined) bytes(DhcpOption.HOSTNAME, new TextEncoder().encode(o.hostname));
  if (o.maxMessageSize !== undefined) {
    bytes(DhcpOption.MAX_MESSAGE_SIZE, Uint8Array.of(o.maxMessageSize >> 8, o.maxMessageSize & 0xff));
  }
  if (o.parameterList !== undefined) bytes(DhcpOption.PARAMETER_LIST, Uint8Array.from(o.parameterList));
  if (o.message !== undefined) bytes(DhcpOption.MESSAGE, new TextEncoder().encode(o.message));
  return out;
}

/** Text options are NVT ASCII (RFC 2132 §2); anything else is read as UTF-8 without failing. */
function text(v: Uint8Array): string {
  // A trailing NUL is common (RFC 2132 §3.14 forbids it; Windows clients send it).
  const end = v[v.length - 1] === 0 ? v.length - 1 : v.length;
  return new TextDecoder().decode(v.subarray(0, end));
}
