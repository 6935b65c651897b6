import { WirestateError } from "../tcp/errors.js";
import type { StreamState } from "./types.js";

/**
 * A handle used after a call replaced it. TypeScript cannot forbid using a variable twice, so this is
 * the run-time half of the typestate: the message says which call consumed the handle and what to use.
 */
export class StaleHandleError extends WirestateError {
  /** The state the handle stood for. */
  readonly state: StreamState;
  /** The call that consumed it, e.g. `shutdown()` or `read() reaching end-of-stream`. */
  readonly consumedBy: string;
  /** The state of the handle that replaced it, when one did. */
  readonly replacedBy: StreamState | undefined;

  constructor(state: StreamState, consumedBy: string, replacedBy: StreamState | undefined) {
    const then =
      replacedBy === undefined
        ? "it no longer controls the connection"
        : `use the TcpStream<"${replacedBy}"> it returned`;
    super(`stale TcpStream<"${state}"> handle: it was consumed by ${consumedBy}; ${then}`);
    this.state = state;
    this.consumedBy = consumedBy;
    this.replacedBy = replacedBy;
  }
}

/** A graceful close did not finish within its timeout; the connection was aborted (RST). */
export class CloseTimeoutError extends WirestateError {}

/** `accept()` on a listener that has stopped listening. */
export class ListenerClosedError extends WirestateError {}

/** An operation on a stack after `close()`. */
export class StackClosedError extends WirestateError {}
