import { IcmpType, UnreachableCode } from "./datagram-types.js";

/**
 * What an ICMP error message says went wrong (RFC 792, RFC 1122 §3.2.2, RFC 1812 §5.2.7.1), one name per
 * group of codes a transport tells apart. What to do about it is the transport's policy.
 */
export type IcmpErrorKind =
  | "network-unreachable" // unreachable codes 0, 6, 9, 11
  | "host-unreachable" // codes 1, 7, 8, 10, 12, 13, 14, 15
  | "protocol-unreachable" // code 2
  | "port-unreachable" // code 3
  | "fragmentation-needed" // code 4 (RFC 1191: the next-hop MTU is in the header)
  | "source-route-failed" // code 5
  | "time-exceeded" // type 11
  | "parameter-problem"; // type 12

/**
 * The error an ICMP message of `type` and `code` reports, or null for the types that are not errors a
 * transport acts on (echo, and the deprecated source quench (RFC 6633) and host-ignored redirect).
 */
export function icmpErrorKind(type: number, code: number): IcmpErrorKind | null {
  if (type === IcmpType.TIME_EXCEEDED) return "time-exceeded";
  if (type === IcmpType.PARAMETER_PROBLEM) return "parameter-problem";
  if (type !== IcmpType.DEST_UNREACHABLE) return null;
  switch (code) {
    case UnreachableCode.PROTOCOL:
      return "protocol-unreachable";
    case UnreachableCode.PORT:
      return "port-unreachable";
    case UnreachableCode.FRAGMENTATION_NEEDED:
      return "fragmentation-needed";
    case UnreachableCode.SOURCE_ROUTE_FAILED:
      return "source-route-failed";
    case UnreachableCode.NET:
    case UnreachableCode.NET_UNKNOWN:
    case UnreachableCode.NET_PROHIBITED:
    case UnreachableCode.NET_TOS:
      return "network-unreachable";
    default:
      // Host, host unknown, isolated, prohibited, TOS, administratively filtered, precedence (and codes
      // defined later): the host cannot be reached, as Linux's icmp_err_convert reads them.
      return "host-unreachable";
  }
}

/**
 * RFC 1122 §4.2.3.9 and §3.2.2.1: whether the error is hard (the destination will not be reached this
 * way: protocol and port unreachable, and the codes 6-10 and 13-15 that say a host or network is unknown
 * or prohibited) or soft (net and host unreachable 0/1, source route failed, the TOS codes, time
 * exceeded, parameter problem, all of which may be transient). Fragmentation needed is neither: it is
 * path MTU discovery's (RFC 1191).
 */
export function isHardIcmpError(type: number, code: number): boolean {
  if (type !== IcmpType.DEST_UNREACHABLE) return false;
  switch (code) {
    case UnreachableCode.NET:
    case UnreachableCode.HOST:
    case UnreachableCode.FRAGMENTATION_NEEDED:
    case UnreachableCode.SOURCE_ROUTE_FAILED:
    case UnreachableCode.NET_TOS:
    case UnreachableCode.HOST_TOS:
      return false;
    default:
      return true;
  }
}
