import { WirestateError } from "../errors/wirestate-error.js";
import type { ReadHalfState, WriteHalfState } from "./half-types.js";
import type { StreamState } from "./types.js";
import type { UdpSocketState } from "./udp-types.js";

/** A state of any typestate handle: a whole stream's, one half's after `split()`, or a UDP socket's. */
export type HandleState = StreamState | ReadHalfState | WriteHalfState | UdpSocketState;

/** The typestate families, as `StaleHandleError` names them. */
export type HandleKind = "TcpStream" | "ReadHalf" | "WriteHalf" | "UdpSocket";

/**
 * A handle used after a call replaced it. TypeScript cannot forbid using a variable twice, so this is
 * the run-time half of the typestate: the message says which call consumed the handle and what to use.
 * Any method of a `TcpStream` (`read()`, `write()`, `shutdown()`, `close()`, `readable`...) throws or
 * rejects with it once an earlier call (`shutdown()`, `read()` reaching end-of-stream, `close()`,
 * `abort()`, an adapter taking the bytes) consumed the handle.
 */
export class StaleHandleError extends WirestateError {
  static override readonly code = "WS_STALE_HANDLE";
  /** The state the handle stood for. */
  readonly state: HandleState;
  /** The call that consumed it, e.g. `shutdown()` or `read() reaching end-of-stream`. */
  readonly consumedBy: string;
  /** The state of the handle that replaced it, when one did. */
  readonly replacedBy: HandleState | undefined;

  /**
   * `kind` names the handle's type: a `TcpStream`, a `ReadHalf` or `WriteHalf` of one, or a `UdpSocket`
   * (whose `connect()` and `close()` consume it).
   */
  constructor(
    state: HandleState,
    consumedBy: string,
    replacedBy: HandleState | undefined,
    kind: HandleKind = "TcpStream",
  ) {
    const then =
      replacedBy === undefined
        ? `it no longer controls the ${kind === "UdpSocket" ? "socket" : "connection"}`
        : `use the ${kind}<"${replacedBy}"> it returned`;
    super(`stale ${kind}<"${state}"> handle: it was consumed by ${consumedBy}; ${then}`);
    this.state = state;
    this.consumedBy = consumedBy;
    this.replacedBy = replacedBy;
  }
}

/**
 * `TcpStream.close()` rejects with it when the graceful close did not finish within its timeout
 * (`CloseOptions.timeout`, else `StackOptions.closeTimeout`); the connection was aborted (RST).
 */
export class CloseTimeoutError extends WirestateError {
  static override readonly code = "WS_CLOSE_TIMEOUT";
}

/** `TcpListener.accept()` rejects with it, pending calls included, once the listener has stopped listening. */
export class ListenerClosedError extends WirestateError {
  static override readonly code = "WS_LISTENER_CLOSED";
}

/** `Stack.resolve()`, and `connect()` or `ping()` given a host name, reject with it when the stack has no `dns` servers. */
export class NoResolverError extends WirestateError {
  static override readonly code = "WS_NO_RESOLVER";
}
