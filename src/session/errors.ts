import { WirestateError } from "../errors/wirestate-error.js";

/**
 * Base of every error a session raises; once one is raised, every later step of that session raises it
 * too. The transport's own failure, when there was one, is the `cause`.
 */
export class SessionError extends WirestateError {
  static override readonly code: string = "WS_SESSION";
}

/**
 * `session()` rejects with it when the peer speaks another protocol (its fingerprint is not the dual of
 * ours) or is not a session peer at all (its first bytes are not a hello).
 */
export class ProtocolMismatchError extends SessionError {
  static override readonly code = "WS_PROTOCOL_MISMATCH";
}

/**
 * `recv()`, `offer()` or `close()` rejects with it when a frame arrived that the current step does not
 * allow. `expected` and `got` say what, readably.
 */
export class ProtocolViolationError extends SessionError {
  static override readonly code = "WS_PROTOCOL_VIOLATION";

  constructor(
    readonly expected: string,
    readonly got: string,
  ) {
    super(`protocol violation: expected ${expected}, got ${got}`);
  }
}

/**
 * A payload the step's codec rejects (truncated, trailing bytes, out-of-range value, bad UTF-8...):
 * `recv()` rejects with it, and `decode()` throws it.
 */
export class DecodeError extends SessionError {
  static override readonly code = "WS_DECODE";
}

/**
 * A value the step's codec cannot encode (a u8 of 300, a bigint for u64 out of range): `send()` and
 * `encode()` throw it.
 */
export class EncodeError extends SessionError {
  static override readonly code = "WS_ENCODE";
}

/**
 * Any step (`recv()`, `offer()`, `close()`, `drained()`, and `send()` or `select()` after it) raises it
 * once the transport ended, failed, or the peer abandoned the session before the protocol reached End.
 */
export class PeerClosedError extends SessionError {
  static override readonly code = "WS_PEER_CLOSED";
}

/**
 * A channel endpoint used a second time (each step's handle is consumed by the call that takes it), or
 * `session()` on a transport that already carries a session.
 */
export class ChannelReusedError extends SessionError {
  static override readonly code = "WS_CHANNEL_REUSED";
}

/**
 * `recv()`, `offer()` or `close()` rejects with it when a frame header announced more bytes than
 * `SessionOptions.maxFrameBytes`; nothing of the frame was buffered.
 */
export class FrameTooLargeError extends SessionError {
  static override readonly code = "WS_FRAME_TOO_LARGE";

  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`frame of ${length} bytes refused: the limit is ${limit}`);
  }
}

/**
 * This side gave up on the session: a step whose `StepOptions.signal` was aborted rejects with it, and so
 * does every later step once the handle was disposed (`[Symbol.asyncDispose]()`) before End.
 */
export class SessionAbortedError extends SessionError {
  static override readonly code = "WS_SESSION_ABORTED";
}

/**
 * A `ByteStream` from `memoryStreamPair()` or `fromNodeDuplex()` refuses a `write()` after its stream
 * ended or was destroyed, and its `read()` rejects when the stream closed before it ended. Not a
 * `SessionError`: a session over such a stream reports `PeerClosedError` with this as the `cause`.
 */
export class TransportClosedError extends WirestateError {
  static override readonly code = "WS_TRANSPORT_CLOSED";
}
