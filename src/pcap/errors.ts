/**
 * Errors raised by capture writers and sinks. They live here rather than with the TCP errors because
 * pcap knows nothing of tcp; `CaptureError` is their common base so callers can catch them together.
 */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A packet or chunk was written to a writer or sink that had already been closed. */
export class CaptureClosedError extends CaptureError {}

/** A packet longer than the snaplen reached a writer created with `truncate: false`. */
export class SnaplenExceededError extends CaptureError {
  constructor(
    readonly length: number,
    readonly snaplen: number,
  ) {
    super(`packet of ${length} bytes exceeds the snaplen of ${snaplen} and truncation is off`);
  }
}

/** A timestamp the format cannot hold: not finite, before 1970 (the epoch of every capture format), or past 2106 in classic pcap. */
export class InvalidTimestampError extends CaptureError {
  constructor(
    readonly timestampMs: number,
    why: string,
  ) {
    super(`cannot record timestamp ${timestampMs} ms: ${why}`);
  }
}

/** An in-memory sink reached the byte limit it was created with; the block that did not fit was not stored. */
export class CaptureLimitError extends CaptureError {
  constructor(readonly limitBytes: number) {
    super(`capture reached its limit of ${limitBytes} bytes`);
  }
}

/** The file under a file sink failed (disk full, I/O error); the sink is unusable afterwards. */
export class CaptureSinkError extends CaptureError {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}
