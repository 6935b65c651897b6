import {
  ARENA,
  ARENA_CHUNK,
  ARENA_LARGE,
  ARENA_LARGE_SLOT,
  ARENA_LARGE_SLOTS,
  ARENA_SLOT,
  ARENA_SLOTS,
  addressOf,
} from "./wasm.js";
import { SlotPool } from "./slot-pool.js";
import { HEADROOM } from "./layout.generated.js";
import { onPacketRelease } from "../link/packet-release.js";

/**
 * Slots of linear memory for packets in flight inside one process. A stack builds an outgoing packet in a
 * slot (payload copied once, checksums computed in place), a link carries the view, and the receiving
 * stack parses it in place and releases the slot: no ArrayBuffer per packet, no copy into or out of the
 * WASM scratch area. A slot whose packet never comes back (a lossy link dropped it, a socket link sent
 * it away) stays taken; once all are taken, senders fall back to packets of their own, so exhausting the
 * arena costs speed, never correctness.
 *
 * Two sizes: many slots for packets up to a 1500-byte MTU, a few for jumbo packets up to 64 KiB. The small
 * ones grow a chunk at a time (slot-pool.ts) up to a maximum, `setArenaMaxSlots`, within the memory
 * reserved for them (wasm.ts).
 */
const small = new SlotPool(ARENA, ARENA_SLOT, ARENA_SLOTS, ARENA_CHUNK);
const large = new SlotPool(ARENA_LARGE, ARENA_LARGE_SLOT, ARENA_LARGE_SLOTS, ARENA_LARGE_SLOTS);

/** What the arena holds and what it turned away, for the process (both sizes together). */
export interface ArenaCounters {
  /** Small slots in use or free now, the most they may grow to, and the chunks they grew by. */
  capacity: number;
  maxSlots: number;
  growths: number;
  /** Packets that found no slot at the maximum and were built in their senders' own buffers instead. */
  fallbacks: number;
}

/** The packet arena's counters since the module loaded: its slots in use and grown, and the packets that fell back to copies. */
export function arenaCounters(): ArenaCounters {
  return {
    capacity: small.capacity,
    maxSlots: small.max,
    growths: small.growths,
    fallbacks: small.refused + large.refused,
  };
}

/**
 * Bounds the small slots at `slots` (at most ARENA_SLOTS, what is reserved; never below what the arena
 * already has): past them, packets go to the counted fallback. Throws a RangeError unless a positive integer.
 */
export function setArenaMaxSlots(slots: number): void {
  small.max = slots;
}

/** Largest payload a packet built in a slot can carry (headers take the HEADROOM before it). */
export const MAX_ARENA_PAYLOAD = ARENA_LARGE_SLOT - HEADROOM;
/** Largest payload of a small slot (a local const: V8 folds it, while imported ones cost a load per use). */
const MAX_SMALL_PAYLOAD = ARENA_SLOT - HEADROOM;

/** Address of a free slot for a packet with `payloadLength` bytes, now taken, or -1 when none is left. */
export function takeSlot(payloadLength: number): number {
  if (payloadLength <= MAX_SMALL_PAYLOAD) return small.take();
  return payloadLength <= MAX_ARENA_PAYLOAD ? large.take() : -1;
}

/** Gives back the slot holding linear-memory `address`; an address in no slot, or a slot not taken, is ignored. */
export function releaseSlot(address: number): void {
  if (!small.release(address)) large.release(address);
}

/** Gives back the slot `bytes` lives in; anything else (other memory, a slot not taken) is ignored. */
export function releasePacket(bytes: Uint8Array): void {
  const address = addressOf(bytes);
  if (address >= 0) releaseSlot(address);
}
// A link that drops a packet gives its slot back through this, without importing the WASM core.
onPacketRelease(releasePacket);

/**
 * How many bytes of its arena slot lie before `bytes` (the room a link layer may write a header into, in
 * place), or 0 when `bytes` is in no slot.
 */
export function roomBefore(bytes: Uint8Array): number {
  const address = addressOf(bytes);
  if (address < 0) return 0;
  const room = small.offsetIn(address);
  return room >= 0 ? room : Math.max(0, large.offsetIn(address));
}

/** Slots free now without growing, small and large (tests). */
export function freeSlots(): { small: number; large: number } {
  return { small: small.free, large: large.free };
}
