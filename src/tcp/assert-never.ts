/**
 * The `default` of a switch that names every case: the compiler rejects the call when a case (a new
 * state, say) is missing. Reaching it at run time means a value the types exclude came in, a bug in the
 * calling code, so it is the built-in TypeError (as for other argument errors; see WirestateError).
 */
export function assertNever(value: never): never {
  throw new TypeError(`unexpected value ${String(value)}`);
}
