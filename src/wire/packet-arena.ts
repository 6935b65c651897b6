import { ARENA, ARENA_LARGE, ARENA_LARGE_SLOT, ARENA_LARGE_SLOTS, ARENA_SLOT, ARENA_SLOTS, addressOf } from "./wasm.js";
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
 * Two sizes: many slots for packets up to a 1500-byte MTU, a few for jumbo packets up to 64 KiB.
 */
class SlotPool {
  readonly #base: number;
  readonly #size: number;
  readonly #free: Int32Array;
  readonly #taken: Uint8Array;
  #top = 0;

  constructor(base: number, size: number, count: number) {
    this.#base = base;
    this.#size = size;
    this.#free = new Int32Array(count);
    this.#taken = new Uint8Array(count);
    // Lowest slots on top: the few slots a steady flow cycles through stay the same ones (warm in cache).
    for (let i = count - 1; i >= 0; i--) this.#free[this.#top++] = i;
  }

  get free(): number {
    return this.#top;
  }

  take(): number {
    if (this.#top === 0) return -1;
    const i = this.#free[--this.#top];
    this.#taken[i] = 1;
    return this.#base + i * this.#size;
  }

  /** Bytes of the slot before `address`, or -1 when the address is not in this pool. */
  offsetIn(address: number): number {
    const offset = address - this.#base;
    if (offset < 0 || offset >= this.#size * this.#taken.length) return -1;
    return offset % this.#size;
  }

  /** Frees the slot holding `address`; false when the address is not in this pool. */
  release(address: number): boolean {
    const offset = address - this.#base;
    if (offset < 0 || offset >= this.#size * this.#taken.length) return false;
    const i = (offset / this.#size) | 0;
    if (this.#taken[i] !== 0) {
      this.#taken[i] = 0;
      this.#free[this.#top++] = i;
    }
    return true;
  }
}

const small = new SlotPool(ARENA, ARENA_SLOT, ARENA_SLOTS);
const large = new SlotPool(ARENA_LARGE, ARENA_LARGE_SLOT, ARENA_LARGE_SLOTS);

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

/** Slots free now, small and large (tests). */
export function freeSlots(): { small: number; large: number } {
  return { small: small.free, large: large.free };
}
