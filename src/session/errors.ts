import { WirestateError } from "../tcp/errors.js";

/** Base of every error the session layer raises. */
export class SessionError extends WirestateError {}

/** The peer speaks another protocol (its fingerprint is not the dual of ours) or is not a session peer. */
export class ProtocolMismatchError extends SessionError {}

/** A frame arrived that the current step does not allow. `expected` and `got` say what, readably. */
export class ProtocolViolation extends SessionError {
  constructor(
    readonly expected: string,
    readonly got: string,
  ) {
    super(`protocol violation: expected ${expected}, got ${got}`);
  }
}

/** A payload the step's codec rejects (truncated, trailing bytes, out-of-range value, bad UTF-8...). */
export class DecodeError extends SessionError {}

/** A value the step's codec cannot encode (a u8 of 300, a bigint for u64 out of range). */
export class EncodeError extends SessionError {}

/** The transport ended, failed, or the peer abandoned the session before the protocol reached End. */
export class PeerClosed extends SessionError {}

/** A channel endpoint was used a second time: each step's handle is consumed by the call that takes it. */
export class ChannelReused extends SessionError {}

/** A frame header announced more bytes than the configured limit; nothing of it was buffered. */
export class FrameTooLarge extends SessionError {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`frame of ${length} bytes refused: the limit is ${limit}`);
  }
}

/** This side gave up on the session (a deadline passed, the handle was disposed unfinished). */
export class SessionAborted extends SessionError {}
