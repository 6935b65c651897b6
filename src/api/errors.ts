import { WirestateError } from "../errors/wirestate-error.js";
import type { ReadHalfState, WriteHalfState } from "./half-types.js";
import type { StreamState } from "./types.js";

/** A state of any typestate handle: a whole stream's, or one half's after `split()`. */
export type HandleState = StreamState | ReadHalfState | WriteHalfState;

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

  /** `kind`: which typestate family the handle is of (`TcpStream`, `ReadHalf`, `WriteHalf`). */
  constructor(state: HandleState, consumedBy: string, replacedBy: HandleState | undefined, kind = "TcpStream") {
    const then =
      replacedBy === undefined
        ? "it no longer controls the connection"
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

/**
 * `Stack.connect()` rejects with it when the address is neither the stack's own (the loopback path) nor
 * reachable through a link: a stack made without `link` is loopback-only. Node's code for the situation.
 */
export class HostUnreachableError extends WirestateError {
  static override readonly code = "EHOSTUNREACH";
}
