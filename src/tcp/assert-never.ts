import { WirestateError } from "./errors.js";

/**
 * The `default` of a switch that names every case: the compiler rejects the call when a case (a new
 * state, say) is missing, and it throws should a value the types exclude ever arrive.
 */
export function assertNever(value: never): never {
  throw new WirestateError(`unexpected value ${String(value)}`);
}
