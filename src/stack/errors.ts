import { WirestateError } from "../errors/wirestate-error.js";

/** `Stack.listen()` and `Stack.connect()` (and `IpStack`'s) throw it once the stack has been closed. */
export class StackClosedError extends WirestateError {
  static override readonly code = "WS_STACK_CLOSED";
}
