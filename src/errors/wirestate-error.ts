/**
 * The base of every error wirestate raises, so a caller can tell them from its own with one `instanceof`.
 * It lives in a folder of its own below every layer: link, pcap, clock and session know nothing of TCP, yet
 * their errors belong to the same family.
 *
 * `code` is the stable name of the failure, for code that switches on it (class names can change or be
 * minified, codes do not). The scheme:
 * - where Node's `net` reports the same situation with an errno code, that code (`ECONNREFUSED`,
 *   `ECONNRESET`, `ETIMEDOUT`, `ECONNABORTED`, `EADDRINUSE`), so code written for `net.Socket` works;
 * - otherwise `WS_` and the class name without `Error`, in upper snake case, as it was when the class was
 *   introduced (`StaleHandleError` is `WS_STALE_HANDLE`); a later rename of the class keeps the old code.
 * Each class has its own code (test/api/error-family.test.ts checks it). Node gives `ETIMEDOUT` for three
 * of ours; it belongs to the connect timeout, the situation `net` users meet it in, and the user and
 * keep-alive timeouts have `WS_` codes of their own.
 *
 * Argument errors (a port of 70000, a probability of 2, a value of the wrong type) stay the built-in
 * `RangeError` and `TypeError`, as in Node's own APIs: they are bugs in the calling code, not conditions it
 * handles.
 *
 * A subclass declares its code as `static override readonly code`; the constructor copies it onto the
 * instance, so `err.code` is an own property as on Node's errors.
 */
export abstract class WirestateError extends Error {
  /** The code of the class; every subclass defines its own, and the base, never raised itself, has none. */
  static readonly code: string;
  /** The stable code of this error (see the class comment for the scheme). */
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as unknown as typeof WirestateError).code;
  }
}
