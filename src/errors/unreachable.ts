import { WirestateError } from "./wirestate-error.js";

// The destination-unreachable family (ICMP, RFC 792), shared by TCP and UDP, which are siblings: a
// connecting TCP stream rejects with these, a connected UDP socket's next call throws them.

/** The destination host cannot be reached: an ICMP host unreachable (or a soft error seen until a timeout). */
export class HostUnreachableError extends WirestateError {
  static override readonly code = "EHOSTUNREACH";
}

/** The destination network cannot be reached: an ICMP network unreachable. */
export class NetworkUnreachableError extends WirestateError {
  static override readonly code = "ENETUNREACH";
}

/** The destination host does not speak the protocol: an ICMP protocol unreachable. */
export class ProtocolUnreachableError extends WirestateError {
  static override readonly code = "WS_PROTOCOL_UNREACHABLE";
}

/** Nothing listens on the UDP port a connected socket sends to: an ICMP port unreachable came back. */
export class PortUnreachableError extends WirestateError {
  static override readonly code = "WS_PORT_UNREACHABLE";
}
