import type { PacketFields } from "./types.js";
import { wasm, mem8, record, LinearView, SCRATCH, ARENA, ARENA_LARGE, ARENA_SLOT } from "./wasm.js";
import { releaseSlot, takeSlot } from "./packet-arena.js";
import { setIpv6Slots, type Ipv6Ends } from "./ipv6-slots.js";
import { SegmentFields, payloadLengthOf } from "./segment-fields.js";
import {
  B_BASE,
  R_SRC,
  R_DST,
  R_TTL,
  R_ID,
  R_TOS,
  R_FRAG,
  R_SRC_PORT,
  R_DST_PORT,
  R_SEQ,
  R_ACK,
  R_FLAGS,
  R_WINDOW,
  R_URGENT,
  R_OPT_MASK,
  R_MSS,
  R_WSCALE,
  R_TSVAL,
  R_TSECR,
  R_SACK_COUNT,
  R_SACK,
  OptionBits,
  HEADROOM,
  MAX_PACKET,
} from "./layout.generated.js";

// Module-local copies of what every build reads (an imported binding costs a module-cell load per use, see
// record.ts): the build parameter slots, the record, and the two WASM calls.
const SRC = B_BASE + R_SRC;
const DST = B_BASE + R_DST;
const TTL = B_BASE + R_TTL;
const ID = B_BASE + R_ID;
const TOS = B_BASE + R_TOS;
const FRAG = B_BASE + R_FRAG;
const SRC_PORT = B_BASE + R_SRC_PORT;
const DST_PORT = B_BASE + R_DST_PORT;
const SEQ = B_BASE + R_SEQ;
const ACK = B_BASE + R_ACK;
const FLAGS = B_BASE + R_FLAGS;
const WINDOW = B_BASE + R_WINDOW;
const URGENT = B_BASE + R_URGENT;
const OPT_MASK = B_BASE + R_OPT_MASK;
const MSS = B_BASE + R_MSS;
const WSCALE = B_BASE + R_WSCALE;
const TSVAL = B_BASE + R_TSVAL;
const TSECR = B_BASE + R_TSECR;
const SACK_COUNT = B_BASE + R_SACK_COUNT;
const SACK = B_BASE + R_SACK;
const slots = record;
const bytesOfMemory = mem8;
const wasmOptionsLength = wasm.optionsLength;
const wasmBuild = wasm.buildPacket;
const wasmBuild6 = wasm.buildTcp6;
const MSS_BIT = OptionBits.MSS;
const WINDOW_SCALE_BIT = OptionBits.WINDOW_SCALE;
const SACK_PERMITTED_BIT = OptionBits.SACK_PERMITTED;
const TIMESTAMPS_BIT = OptionBits.TIMESTAMPS;
const SACK_BIT = OptionBits.SACK;

/** The largest payload of an IPv4+TCP packet without options. */
const MAX_PAYLOAD = MAX_PACKET - 40;

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffffffff;

function check(name: string, value: number, max: number): void {
  // An integer in 0..max, and only such a number, survives the mask (max is 2^k - 1) unchanged: one test.
  if ((max === U32 ? value >>> 0 : value & max) !== value) {
    throw new RangeError(`buildPacket: ${name} must be an integer in 0..${max}, got ${value}`);
  }
}

/**
 * Throws a RangeError for the first field of `f` out of range. The public builds run it; the stack's own
 * segments skip it (`buildSegmentInArena`): the engine makes every field in range by construction, and
 * these 15-25 tests were a tenth of a data segment's build.
 */
function validate(f: PacketFields, ipv6: boolean): void {
  if (!ipv6) {
    check("src", f.src, U32);
    check("dst", f.dst, U32);
    check("id", f.id ?? 0, U16);
  }
  check("ttl", f.ttl ?? 64, U8);
  check("tos", f.tos ?? 0, U8);
  check("srcPort", f.srcPort, U16);
  check("dstPort", f.dstPort, U16);
  check("seq", f.seq, U32);
  check("ack", f.ack ?? 0, U32);
  check("flags", f.flags, U8);
  check("window", f.window, U16);
  check("urgent", f.urgent ?? 0, U16);
  const o = f.options;
  if (o === undefined) return;
  if (o.mss !== undefined) check("mss", o.mss, U16);
  if (o.windowScale !== undefined) check("windowScale", o.windowScale, U8);
  if (o.timestamps !== undefined) {
    check("tsval", o.timestamps.tsval, U32);
    check("tsecr", o.timestamps.tsecr, U32);
  }
  const blocks = o.sackBlocks;
  if (blocks === undefined) return;
  for (let i = 0; i < blocks.length && i < 4; i++) {
    check("sack left", blocks[i].left, U32);
    check("sack right", blocks[i].right, U32);
  }
}

/**
 * Writes the packet for `f` into linear memory, its payload at `payloadPtr` (headers go in the HEADROOM
 * bytes before it), and returns where it starts; it ends at `payloadPtr + payload length`. The fields are
 * taken as they are (see `validate`); what the layout itself cannot hold (more than 4 SACK blocks, 40
 * bytes of options, a packet over 65535 bytes) is a RangeError still, as it would corrupt the record.
 */
function writeAt(f: PacketFields, payloadPtr: number, v6: Ipv6Ends | undefined): number {
  if (v6 === undefined) {
    slots[SRC] = f.src;
    slots[DST] = f.dst;
    slots[TTL] = f.ttl ?? 64;
    slots[ID] = f.id ?? 0;
    slots[TOS] = f.tos ?? 0;
  } else {
    // IPv6 (RFC 8200 §3): the ends' bytes, TTL as the hop limit, TOS as the traffic class.
    setIpv6Slots(v6, f.ttl ?? 64, f.tos ?? 0);
  }
  slots[FRAG] = (f.dontFragment ?? true) ? 0x4000 : 0;
  slots[SRC_PORT] = f.srcPort;
  slots[DST_PORT] = f.dstPort;
  slots[SEQ] = f.seq;
  slots[ACK] = f.ack ?? 0;
  slots[FLAGS] = f.flags;
  slots[WINDOW] = f.window;
  slots[URGENT] = f.urgent ?? 0;

  let mask = 0;
  const o = f.options;
  if (o !== undefined) {
    if (o.mss !== undefined) {
      mask |= MSS_BIT;
      slots[MSS] = o.mss;
    }
    if (o.windowScale !== undefined) {
      mask |= WINDOW_SCALE_BIT;
      slots[WSCALE] = o.windowScale;
    }
    if (o.sackPermitted) mask |= SACK_PERMITTED_BIT;
    if (o.timestamps !== undefined) {
      mask |= TIMESTAMPS_BIT;
      slots[TSVAL] = o.timestamps.tsval;
      slots[TSECR] = o.timestamps.tsecr;
    }
    const blocks = o.sackBlocks;
    if (blocks !== undefined && blocks.length > 0) {
      if (blocks.length > 4) throw new RangeError(`buildPacket: at most 4 SACK blocks, got ${blocks.length}`);
      mask |= SACK_BIT;
      slots[SACK_COUNT] = blocks.length;
      for (let i = 0; i < blocks.length; i++) {
        slots[SACK + 2 * i] = blocks[i].left;
        slots[SACK + 2 * i + 1] = blocks[i].right;
      }
    }
  }
  slots[OPT_MASK] = mask;

  // A payload given as an address in linear memory (SegmentFields) is read from there without a view.
  const linear = f instanceof SegmentFields ? f.payloadAddress : -1;
  const payload = linear >= 0 ? undefined : f.payload;
  const payloadLen = linear >= 0 ? (f as SegmentFields).payloadLength : payload === undefined ? 0 : payload.length;
  // The bound that holds for any options keeps the copy inside the area it goes to; the exact one (with
  // the options' length) is the WASM call's, so a build is one call.
  if (payloadLen > MAX_PAYLOAD) throw tooLarge(payloadLen);
  // A payload in linear memory (a send ring there, see ring-arena.ts) is copied by the build itself, in the
  // checksum's pass, after it writes the headers; any other, and one inside the packet's own area, is
  // placed first (a TypedArray.set or copyWithin, then the checksum reads it again).
  const address = linear >= 0 ? linear : payload instanceof LinearView ? payload.address : -1;
  let from = 0;
  if (address >= 0 && (address >= payloadPtr + payloadLen || address + payloadLen <= payloadPtr - HEADROOM)) {
    from = address;
  } else if (linear >= 0) bytesOfMemory.copyWithin(payloadPtr, linear, linear + payloadLen);
  else if (payload !== undefined) bytesOfMemory.set(payload, payloadPtr);
  const start = v6 === undefined ? wasmBuild(payloadPtr, payloadLen, from) : wasmBuild6(payloadPtr, payloadLen, from);
  if (start === 0) {
    if (wasmOptionsLength() < 0) throw new RangeError("buildPacket: the options exceed the 40 bytes TCP allows");
    throw tooLarge(payloadLen);
  }
  return start;
}

/** `writeAt` of fields validated first (RangeError): the public builds. */
function buildAt(f: PacketFields, payloadPtr: number, v6: Ipv6Ends | undefined): number {
  validate(f, v6 !== undefined);
  return writeAt(f, payloadPtr, v6);
}

function tooLarge(payloadLen: number): RangeError {
  return new RangeError(`buildPacket: a ${payloadLen}-byte payload makes the packet exceed 65535 bytes`);
}

/** The worst-case size of a packet carrying `payloadLength` bytes: 20 IPv4 (40 IPv6) + 60 TCP header bytes. */
export function maxPacketLength(payloadLength: number, ipv6 = false): number {
  return (ipv6 ? 100 : 80) + payloadLength;
}

/**
 * Builds one IPv4+TCP packet with both checksums filled in, and returns it as a fresh `Uint8Array` (its
 * ownership can pass to a link). With `v6`, an IPv6+TCP packet between those addresses instead (`src`
 * and `dst` of `f` are then not read; `ttl` is the hop limit, `tos` the traffic class). Options are laid out on 32-bit boundaries as Linux does; an empty
 * `sackBlocks` is omitted. Throws a RangeError for out-of-range fields, more than 40 bytes of options, or
 * a packet over 65535 bytes.
 */
export function buildPacket(f: PacketFields, v6?: Ipv6Ends): Uint8Array {
  const start = buildAt(f, SCRATCH + HEADROOM, v6);
  return mem8.slice(start, SCRATCH + HEADROOM + (f.payload?.length ?? 0));
}

/**
 * `buildPacket` into the caller's buffer at `offset`, for callers that carve packets out of their own
 * slabs instead of paying a fresh ArrayBuffer per packet. Returns the packet's length; throws a RangeError
 * (writing nothing) when it does not fit; `maxPacketLength` gives a size that always does.
 */
export function buildPacketInto(f: PacketFields, out: Uint8Array, offset = 0, v6?: Ipv6Ends): number {
  const start = buildAt(f, SCRATCH + HEADROOM, v6);
  const end = SCRATCH + HEADROOM + (f.payload?.length ?? 0);
  if (offset < 0 || offset + (end - start) > out.length) {
    throw new RangeError(`buildPacketInto: ${end - start} bytes do not fit at offset ${offset} of ${out.length}`);
  }
  out.set(mem8.subarray(start, end), offset);
  return end - start;
}

/**
 * `buildPacket` straight into a slot of the packet arena (packet-arena.ts): the packet is a view of linear
 * memory, parsed in place where it arrives, and `releasePacket` gives its slot back. Returns null (having
 * built nothing) when the payload exceeds `MAX_ARENA_PAYLOAD` or no slot of its size is free. Throws as
 * `buildPacket`.
 */
export function buildPacketInArena(f: PacketFields, v6?: Ipv6Ends): Uint8Array | null {
  return inArena(f, v6, true);
}

/**
 * `buildPacketInArena` of a segment the stack's own engine made, whose fields are in range by construction:
 * they are not validated (out-of-range values would be truncated to their field, never thrown at).
 */
export function buildSegmentInArena(f: PacketFields, v6?: Ipv6Ends): Uint8Array | null {
  return inArena(f, v6, false);
}

/**
 * The views last made of each small slot's packets, the latest in `slotViews`, the one before in
 * `slotViewsBefore`. A flow's packets in one slot start and end at the same addresses (same headers, full
 * segments; ACKs alike), so the next one takes the same view: no allocation per packet. Two per slot,
 * since the pool hands a slot back out last-in first-out and two stacks in one process share the arena:
 * one slot carries a data segment, then the ACK answering it, then a data segment again. Sharing is safe
 * because a slot holds one packet at a time, and its view is dead once the slot is released
 * (ARCHITECTURE.md, "One segment, in and out", step 6).
 */
const slotViews: Array<LinearView | undefined> = [];
const slotViewsBefore: Array<LinearView | undefined> = [];

function inArena(f: PacketFields, v6: Ipv6Ends | undefined, validated: boolean): Uint8Array | null {
  const payloadLen = payloadLengthOf(f);
  const slot = takeSlot(payloadLen);
  if (slot < 0) return null;
  const payloadPtr = slot + HEADROOM;
  let start: number;
  try {
    if (validated) validate(f, v6 !== undefined);
    start = writeAt(f, payloadPtr, v6);
  } catch (error) {
    releaseSlot(slot);
    throw error;
  }
  const length = payloadPtr + payloadLen - start;
  if (slot >= ARENA_LARGE) return new LinearView(start, length);
  const i = (slot - ARENA) / ARENA_SLOT;
  const last = slotViews[i];
  if (last !== undefined && last.address === start && last.length === length) return last;
  const before = slotViewsBefore[i];
  slotViewsBefore[i] = last;
  if (before !== undefined && before.address === start && before.length === length) return (slotViews[i] = before);
  return (slotViews[i] = new LinearView(start, length));
}
