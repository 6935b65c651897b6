/**
 * Capture writers (classic pcap and pcapng) and the in-memory sink. Works in browsers and Node; the Node
 * file sink lives in `wirestate-tcp/pcap/node` so browser bundles never see node:fs.
 *
 * ```ts
 * // Node: stream to a file (bounded memory on a slow disk; close() flushes everything)
 * const writer = new PcapngWriter(new NodeFileSink("run.pcapng"), { interfaceName: "wirestate0" });
 * // Browser: keep it in memory and offer it as a download
 * const sink = new MemorySink({ limitBytes: 64 << 20 });
 * const writer = new PcapngWriter(sink);
 * ... new Stack({ address, link, capture: writer }) or new CaptureLink(link, writer, clock) ...
 * await writer.close();
 * const url = URL.createObjectURL(sink.blob(writer.mediaType));
 * ```
 *
 * pcapng keeps per-packet comments (the TCP engine's trace: state changes, timer events) and the
 * direction of each packet; classic pcap has no place for either, so with `PcapWriter` they are dropped
 * and `CaptureLink.annotate` does nothing. Timestamps come from the clock in milliseconds and are stored
 * to the nanosecond (pcapng, pcap "ns") or microsecond (pcap "us"); a double holding wall-clock
 * milliseconds carries about a quarter of a microsecond of precision, a virtual clock near zero far more.
 */
export { PcapWriter, LINKTYPE_RAW, LINKTYPE_ETHERNET, type LinkType, type PcapWriterOptions } from "./pcap-writer.js";
export { PcapngWriter, type PcapngWriterOptions, type InterfaceDescription } from "./pcapng-writer.js";
export { MemorySink, type MemorySinkOptions } from "./memory-sink.js";
export type { CaptureSink } from "./sink.js";
export {
  DEFAULT_SNAPLEN,
  type CaptureWriter,
  type Direction,
  type PacketRecord,
  type WriterOptions,
} from "./writer.js";
export {
  CaptureError,
  CaptureClosedError,
  CaptureLimitError,
  CaptureSinkError,
  InvalidTimestampError,
  SnaplenExceededError,
} from "./errors.js";
export { WirestateError } from "../errors/wirestate-error.js";
