import { WirestateError } from "../errors/wirestate-error.js";

/**
 * The common base of the errors capture writers and sinks raise, so callers can catch them together. They
 * live here rather than with the TCP errors because pcap knows nothing of tcp.
 */
export class CaptureError extends WirestateError {
  static override readonly code: string = "WS_CAPTURE";
}

/**
 * `write()` on a writer (`PcapWriter`, `PcapngWriter`, whose `addInterface()` too) or a sink (`MemorySink`,
 * `NodeFileSink`) after its `close()`.
 */
export class CaptureClosedError extends CaptureError {
  static override readonly code = "WS_CAPTURE_CLOSED";
}

/** `write()` of a packet longer than the snaplen on a writer created with `truncate: false`. */
export class SnaplenExceededError extends CaptureError {
  static override readonly code = "WS_SNAPLEN_EXCEEDED";

  constructor(
    readonly length: number,
    readonly snaplen: number,
  ) {
    super(`packet of ${length} bytes exceeds the snaplen of ${snaplen} and truncation is off`);
  }
}

/**
 * A writer's `write()` of a packet whose timestamp the format cannot hold: not finite, before 1970 (the
 * epoch of every capture format), or past 2106 in classic pcap.
 */
export class InvalidTimestampError extends CaptureError {
  static override readonly code = "WS_INVALID_TIMESTAMP";

  constructor(
    readonly timestampMs: number,
    why: string,
  ) {
    super(`cannot record timestamp ${timestampMs} ms: ${why}`);
  }
}

/**
 * A `MemorySink` reached the `limitBytes` it was created with: its `write()` (so the writer's) throws, and
 * the block that did not fit was not stored.
 */
export class CaptureLimitError extends CaptureError {
  static override readonly code = "WS_CAPTURE_LIMIT";

  constructor(readonly limitBytes: number) {
    super(`capture reached its limit of ${limitBytes} bytes`);
  }
}

/**
 * The file under a `NodeFileSink` failed: `new NodeFileSink()` throws it when the file cannot be opened,
 * and a later `write()` or `close()` once a write failed (disk full, I/O error); the sink is unusable
 * afterwards. The system error is the `cause`.
 */
export class CaptureSinkError extends CaptureError {
  static override readonly code = "WS_CAPTURE_SINK";

  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}
