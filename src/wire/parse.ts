import type { ParseErrorReason, ParseResult, TcpOptions } from "./types.js";
import { wasm, mem8, record, addressOf, SCRATCH } from "./wasm.js";
import { REASONS, MAX_PACKET } from "./layout.generated.js";
import { ipv4HeaderOf } from "./ipv4-header.js";
import { ParsedRecord } from "./record.js";

// Local copies of what the hot path reads per packet (see record.ts: an imported binding costs a cell load).
const parseAt = wasm.parsePacket;
const scratch = SCRATCH;
const maxPacket = MAX_PACKET;
const slots = record;
const bytesOfMemory = mem8;

/**
 * The hot-path parser: copies `bytes` into WASM memory once (not at all when they already live there),
 * parses, validates and verifies both checksums in one WASM call, and fills `out` without allocating.
 * Returns null on success, else the reason the packet was rejected (then `out` is unchanged).
 * Bytes past 65535 cannot belong to an IPv4 packet and are ignored.
 */
export function parseInto(bytes: Uint8Array, out: ParsedRecord): ParseErrorReason | null {
  const length = bytes.length;
  const len = Math.min(length, maxPacket);
  let ptr = addressOf(bytes);
  if (ptr < 0) {
    ptr = scratch;
    bytesOfMemory.set(len === length ? bytes : bytes.subarray(0, len), scratch);
  }
  const status = parseAt(ptr, len);
  if (status !== 0) return REASONS[status] as ParseErrorReason;
  out.load(slots);
  return null;
}

const shared = new ParsedRecord();

/** A self-contained copy of the record's options, with only the keys of the options present. */
function optionsOf(r: ParsedRecord): TcpOptions {
  const { mss, windowScale, sackPermitted, sackBlocks, timestamps } = r.options;
  const o: TcpOptions = {};
  if (mss !== undefined) o.mss = mss;
  if (windowScale !== undefined) o.windowScale = windowScale;
  if (sackPermitted) o.sackPermitted = true;
  if (sackBlocks !== undefined) o.sackBlocks = sackBlocks.map((b) => ({ left: b.left, right: b.right }));
  if (timestamps !== undefined) o.timestamps = { tsval: timestamps.tsval, tsecr: timestamps.tsecr };
  return o;
}

/**
 * Parses and validates one IPv4+TCP packet (see `parseInto`). Never throws on any input: a rejected
 * packet gives `{ ok: false, reason }`. The result's `payload` is a view into `bytes` (no copy).
 */
export function parsePacket(bytes: Uint8Array): ParseResult {
  const reason = parseInto(bytes, shared);
  if (reason !== null) return { ok: false, reason };
  const r = shared;
  return {
    ok: true,
    ip: ipv4HeaderOf(r),
    tcp: {
      srcPort: r.srcPort,
      dstPort: r.dstPort,
      seq: r.seq,
      ack: r.ack,
      dataOffset: r.dataOffset,
      flags: r.flags,
      window: r.window,
      checksum: r.tcpChecksum,
      urgent: r.urgent,
      options: optionsOf(r),
    },
    payloadOffset: r.payloadOffset,
    payloadLength: r.payloadLength,
    payload: bytes.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength),
  };
}
