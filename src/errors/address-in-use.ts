import { WirestateError } from "./wirestate-error.js";

/**
 * `Stack.listen(port)` throws it for a port already listening and `Stack.udp({ port })` for a bound one;
 * `Stack.connect()` rejects with it for a `localPort` whose 4-tuple is taken, or when no ephemeral port
 * towards that peer is free. TCP and UDP both raise it, so it lives below both.
 */
export class AddressInUseError extends WirestateError {
  static override readonly code = "EADDRINUSE";
}
