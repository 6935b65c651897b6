/**
 * Capture writers (classic pcap and pcapng) and the in-memory sink. Works in browsers and Node; the Node
 * file sink lives in `wirestate/pcap/node` so browser bundles never see node:fs.
 */
export { PcapWriter, LINKTYPE_RAW, type PcapWriterOptions } from "./pcap-writer.js";
export { PcapngWriter, type PcapngWriterOptions } from "./pcapng-writer.js";
export { MemorySink, type MemorySinkOptions } from "./memory-sink.js";
export type { CaptureSink } from "./sink.js";
export { DEFAULT_SNAPLEN, type CaptureWriter, type Direction, type PacketRecord, type WriterOptions } from "./writer.js";
export {
  CaptureError,
  CaptureClosedError,
  CaptureLimitError,
  CaptureSinkError,
  InvalidTimestampError,
  SnaplenExceededError,
} from "./errors.js";
