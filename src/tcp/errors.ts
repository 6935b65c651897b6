import { WirestateError } from "../errors/wirestate-error.js";
import type { CloseReason } from "./types.js";
import { HostUnreachableError, NetworkUnreachableError, ProtocolUnreachableError } from "../errors/unreachable.js";

export { AddressInUseError } from "../errors/address-in-use.js";

/** `Stack.connect()` rejects with it when the peer answers the SYN with a RST: nothing listens there. */
export class ConnectionRefusedError extends WirestateError {
  static override readonly code = "ECONNREFUSED";
}

/** `Stack.connect()` rejects with it when no SYN-ACK came within `ConnectOptions.connectTimeout`. */
export class ConnectTimeoutError extends WirestateError {
  static override readonly code = "ETIMEDOUT";
}

/** A pending or later `read()`, `write()`, `close()` or `shutdown()` of a stream whose peer sent a RST. */
export class ConnectionResetError extends WirestateError {
  static override readonly code = "ECONNRESET";
}

/**
 * A pending or later call on a stream whose sent data stayed unacknowledged past
 * `ConnectOptions.userTimeout` (RFC 9293's USER TIMEOUT); the connection is gone.
 */
export class UserTimeoutError extends WirestateError {
  static override readonly code = "WS_USER_TIMEOUT";
}

/**
 * A pending or later call on an idle stream whose peer left every keep-alive probe unanswered
 * (`ConnectOptions.keepAlive`, RFC 1122 section 4.2.3.6); the connection is gone.
 */
export class KeepAliveTimeoutError extends WirestateError {
  static override readonly code = "WS_KEEPALIVE_TIMEOUT";
}

/**
 * `Stack.connect()` throws it when the stack's memory budget (`memoryLimit`) has no room for another
 * connection; the attempt is also counted under the drop reason "memory-limit".
 */
export class MemoryLimitError extends WirestateError {
  static override readonly code = "WS_MEMORY_LIMIT";
}

/** A pending or later call on a stream that this side ended: `abort()`, or the stack closed under it. */
export class ConnectionAbortedError extends WirestateError {
  static override readonly code = "ECONNABORTED";
}

/** The error a user sees for a connection that ended for `reason`. */
export function errorForReason(reason: CloseReason, what: string): WirestateError {
  switch (reason) {
    case "refused":
      return new ConnectionRefusedError(`connection refused: ${what}`);
    case "connect-timeout":
      return new ConnectTimeoutError(`connect timed out: ${what}`);
    case "reset":
      return new ConnectionResetError(`connection reset by peer: ${what}`);
    case "user-timeout":
      return new UserTimeoutError(`data unacknowledged past the user timeout: ${what}`);
    case "keepalive-timeout":
      return new KeepAliveTimeoutError(`keep-alive probes unanswered: ${what}`);
    case "aborted":
      return new ConnectionAbortedError(`connection aborted locally: ${what}`);
    case "network-unreachable":
      return new NetworkUnreachableError(`network unreachable (ICMP): ${what}`);
    case "host-unreachable":
      return new HostUnreachableError(`host unreachable (ICMP): ${what}`);
    case "protocol-unreachable":
      return new ProtocolUnreachableError(`protocol unreachable (ICMP): ${what}`);
  }
}
