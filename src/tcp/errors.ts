import type { CloseReason } from "./types.js";

/** Base class of every error wirestate raises, so callers can tell them from their own. */
export class WirestateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConnectionRefusedError extends WirestateError {}
export class ConnectTimeoutError extends WirestateError {}
export class ConnectionResetError extends WirestateError {}
export class UserTimeoutError extends WirestateError {}
export class ConnectionAbortedError extends WirestateError {}
export class AddressInUseError extends WirestateError {}

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
      return new UserTimeoutError(`keep-alive probes unanswered: ${what}`);
    case "aborted":
      return new ConnectionAbortedError(`connection aborted locally: ${what}`);
  }
}
