import type { IcmpErrorKind } from "./icmp-errors.js";

/** ICMPv6 message types (RFC 4443 §2.1; neighbour discovery's are RFC 4861 §4). */
export const Icmpv6Type = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
} as const;

/** Destination unreachable codes (RFC 4443 §3.1). */
export const Unreachable6Code = {
  NO_ROUTE: 0,
  ADMIN_PROHIBITED: 1,
  BEYOND_SCOPE: 2,
  ADDRESS: 3,
  PORT: 4,
  SOURCE_POLICY: 5,
  REJECT_ROUTE: 6,
} as const;

/** Parameter problem codes (RFC 4443 §3.4). */
export const ParameterProblemCode = {
  ERRONEOUS_FIELD: 0,
  UNRECOGNIZED_NEXT_HEADER: 1,
  UNRECOGNIZED_OPTION: 2,
} as const;

/**
 * The error an ICMPv6 message reports, in the names ICMP's errors use (icmp-errors.ts), or null for a
 * type that is no error. Packet too big is path MTU discovery's "fragmentation-needed" (RFC 8201); an
 * unrecognized next header is the peer's "protocol-unreachable".
 */
export function icmpv6ErrorKind(type: number, code: number): IcmpErrorKind | null {
  switch (type) {
    case Icmpv6Type.PACKET_TOO_BIG:
      return "fragmentation-needed";
    case Icmpv6Type.TIME_EXCEEDED:
      return "time-exceeded";
    case Icmpv6Type.PARAMETER_PROBLEM:
      return code === ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER ? "protocol-unreachable" : "parameter-problem";
    case Icmpv6Type.DEST_UNREACHABLE:
      if (code === Unreachable6Code.NO_ROUTE) return "network-unreachable";
      return code === Unreachable6Code.PORT ? "port-unreachable" : "host-unreachable";
    default:
      return null;
  }
}

/**
 * Hard errors end a connection attempt (RFC 1122 §4.2.3.9, as Linux's icmpv6_err_convert reads RFC
 * 4443): administratively prohibited, port unreachable, source policy, reject route, and an
 * unrecognized next header. No route, beyond scope, address unreachable, time exceeded and the other
 * parameter problems may pass.
 */
export function isHardIcmpv6Error(type: number, code: number): boolean {
  if (type === Icmpv6Type.PARAMETER_PROBLEM) return code === ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER;
  if (type !== Icmpv6Type.DEST_UNREACHABLE) return false;
  return (
    code === Unreachable6Code.ADMIN_PROHIBITED ||
    code === Unreachable6Code.PORT ||
    code === Unreachable6Code.SOURCE_POLICY ||
    code === Unreachable6Code.REJECT_ROUTE
  );
}
