/**
 * Where a capture writer's bytes go. A writer hands over each block (file header, packet record) as one
 * chunk, so a sink either stores a whole block or rejects it: a capture never holds half a packet.
 */
export interface CaptureSink {
  /**
   * Store `chunk` (ownership passes to the sink). Returns false when the sink holds more unwritten bytes
   * than it likes; a producer that can wait should await `drained()` before writing more. A producer that
   * cannot wait (a link's packet path) may keep writing: the sink still bounds its memory.
   */
  write(chunk: Uint8Array): boolean;
  /** Resolves once the unwritten backlog is below the sink's high-water mark. */
  drained(): Promise<void>;
  /** Write out everything and release the underlying resource. Idempotent. */
  close(): Promise<void>;
}
