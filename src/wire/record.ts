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
  OptionBits,
} from "./layout.generated.js";
import type { SackBlock, TcpOptions, TcpRepr } from "./types.js";

const NO_OPTIONS: TcpOptions = Object.freeze({});

/**
 * A reusable parse result for the engine's hot path: `parseInto(bytes, rec)` overwrites it without
 * allocating, and the engine reads it as the segment's `TcpRepr` (no copy into another shape). Fields
 * are valid only after a successful `parseInto`, and only until the next one: `options` and its parts
 * are rewritten in place (SACK blocks from a fixed pool), so nothing may keep them past the segment.
 * `parsePacket` gives the same data as a fresh, self-contained object.
 */
export class ParsedRecord implements TcpRepr {
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
  optionMask = 0;
  /** The options present (a shared empty object when there are none). */
  options: TcpOptions = NO_OPTIONS;
  /** The payload's position within the bytes given to `parseInto`. */
  payloadOffset = 0;
  payloadLength = 0;
  readonly #options: TcpOptions = {};
  readonly #timestamps = { tsval: 0, tsecr: 0 };
  readonly #pool: SackBlock[] = [0, 1, 2, 3].map(() => ({ left: 0, right: 0 }));
  readonly #blocks: SackBlock[] = [];

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
    const mask = r[R_OPT_MASK];
    this.optionMask = mask;
    this.options = mask === 0 ? NO_OPTIONS : this.#loadOptions(r, mask);
    this.payloadOffset = r[R_PAYLOAD_OFFSET];
    this.payloadLength = r[R_PAYLOAD_LENGTH];
  }

  #loadOptions(r: Uint32Array, mask: number): TcpOptions {
    const o = this.#options;
    o.mss = mask & OptionBits.MSS ? r[R_MSS] : undefined;
    o.windowScale = mask & OptionBits.WINDOW_SCALE ? r[R_WSCALE] : undefined;
    o.sackPermitted = mask & OptionBits.SACK_PERMITTED ? true : undefined;
    if (mask & OptionBits.TIMESTAMPS) {
      this.#timestamps.tsval = r[R_TSVAL];
      this.#timestamps.tsecr = r[R_TSECR];
      o.timestamps = this.#timestamps;
    } else {
      o.timestamps = undefined;
    }
    if (mask & OptionBits.SACK) {
      const count = r[R_SACK_COUNT];
      const blocks = this.#blocks;
      blocks.length = count;
      for (let i = 0; i < count; i++) {
        const b = this.#pool[i];
        b.left = r[R_SACK + 2 * i];
        b.right = r[R_SACK + 2 * i + 1];
        blocks[i] = b;
      }
      o.sackBlocks = blocks;
    } else {
      o.sackBlocks = undefined;
    }
    return o;
  }
}
