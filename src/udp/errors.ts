import { WirestateError } from "../errors/wirestate-error.js";

/** `send()` throws it for a datagram larger than the stack can send (65507 bytes, the IPv4 limit). */
export class DatagramTooLargeError extends WirestateError {
  static override readonly code = "EMSGSIZE";
}

/** `send()` throws it for the broadcast address on a socket not opened with `broadcast: true` (SO_BROADCAST). */
export class BroadcastNotEnabledError extends WirestateError {
  static override readonly code = "EACCES";
}

/** `Stack.udp({ address })` throws it for an address that is not the stack's own. */
export class AddressNotAvailableError extends WirestateError {
  static override readonly code = "EADDRNOTAVAIL";
}

/** A call on a UDP socket that has been closed: by `close()` on another handle, or with its stack. */
export class SocketClosedError extends WirestateError {
  static override readonly code = "WS_SOCKET_CLOSED";
}
