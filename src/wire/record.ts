import {
  R_IHL,
  R_TOS,
  R_TOTAL_LENGTH,
  R_ID,
  R_FRAG,
  R_TTL,
  R_PROTOCOL,
  R_IP_CHECKSUM,
  R_SRC,
  R_DST,
  R_SRC_PORT,
  R_DST_PORT,
  R_SEQ,
  R_ACK,
  R_DATA_OFFSET,
  R_FLAGS,
  R_WINDOW,
  R_TCP_CHECKSUM,
  R_URGENT,
  R_OPT_MASK,
  R_MSS,
  R_WSCALE,
  R_TSVAL,
  R_TSECR,
  R_SACK_COUNT,
  R_SACK,
  R_PAYLOAD_OFFSET,
  R_PAYLOAD_LENGTH,
} from "./layout.generated.js";

/**
 * A flat, reusable parse result for the engine's hot path: `parseInto(bytes, rec)` overwrites it without
 * allocating (no nested option objects, SACK blocks in a fixed array). Fields are valid only after a
 * successful `parseInto`; `options` has a bit per present option (`OptionBits`), and the value fields of
 * absent options are stale. `parsePacket` gives the same data as a fresh, self-contained object.
 */
export class ParsedRecord {
  ihl = 0;
  tos = 0;
  totalLength = 0;
  id = 0;
  dontFragment = false;
  ttl = 0;
  protocol = 0;
  ipChecksum = 0;
  src = 0;
  dst = 0;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  dataOffset = 0;
  flags = 0;
  window = 0;
  tcpChecksum = 0;
  urgent = 0;
  /** OptionBits of the options present. */
  options = 0;
  mss = 0;
  windowScale = 0;
  tsval = 0;
  tsecr = 0;
  /** Number of SACK blocks (0..4); block i is [sack[2i], sack[2i+1]). */
  sackCount = 0;
  readonly sack: Uint32Array = new Uint32Array(8); // annotated for TypeScript < 5.7 (see mem8 in wasm.ts)
  /** The payload's position within the bytes given to `parseInto`. */
  payloadOffset = 0;
  payloadLength = 0;

  /** Copies a successful parse out of the WASM record (slots per assembly/layout.ts). */
  load(r: Uint32Array): void {
    this.ihl = r[R_IHL];
    this.tos = r[R_TOS];
    this.totalLength = r[R_TOTAL_LENGTH];
    this.id = r[R_ID];
    this.dontFragment = (r[R_FRAG] & 0x4000) !== 0;
    this.ttl = r[R_TTL];
    this.protocol = r[R_PROTOCOL];
    this.ipChecksum = r[R_IP_CHECKSUM];
    this.src = r[R_SRC];
    this.dst = r[R_DST];
    this.srcPort = r[R_SRC_PORT];
    this.dstPort = r[R_DST_PORT];
    this.seq = r[R_SEQ];
    this.ack = r[R_ACK];
    this.dataOffset = r[R_DATA_OFFSET];
    this.flags = r[R_FLAGS];
    this.window = r[R_WINDOW];
    this.tcpChecksum = r[R_TCP_CHECKSUM];
    this.urgent = r[R_URGENT];
    this.options = r[R_OPT_MASK];
    this.mss = r[R_MSS];
    this.windowScale = r[R_WSCALE];
    this.tsval = r[R_TSVAL];
    this.tsecr = r[R_TSECR];
    this.sackCount = r[R_SACK_COUNT];
    for (let i = 0; i < 2 * this.sackCount; i++) this.sack[i] = r[R_SACK + i];
    this.payloadOffset = r[R_PAYLOAD_OFFSET];
    this.payloadLength = r[R_PAYLOAD_LENGTH];
  }
}
