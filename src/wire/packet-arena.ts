import { ARENA, ARENA_SLOT, ARENA_SLOTS, inWasm } from "./wasm.js";

/**
 * Slots of linear memory for packets in flight inside one process. A stack builds an outgoing packet in a
 * slot (payload copied once, checksums computed in place), a link carries the view, and the receiving
 * stack parses it in place and releases the slot: no ArrayBuffer per packet, no copy into or out of the
 * WASM scratch area. A slot whose packet never comes back (a lossy link dropped it, a socket link sent
 * it away) stays taken; once all are taken, senders fall back to packets of their own, so exhausting the
 * arena costs speed, never correctness.
 */
const free = new Int32Array(ARENA_SLOTS);
const taken = new Uint8Array(ARENA_SLOTS);
let top = 0;
// Lowest slots on top: the few slots a steady flow cycles through stay the same ones (warm in cache).
for (let i = ARENA_SLOTS - 1; i >= 0; i--) free[top++] = i;

/** Address of a free slot of `ARENA_SLOT` bytes, now taken, or -1 when none is left. */
export function takeSlot(): number {
  if (top === 0) return -1;
  const i = free[--top];
  taken[i] = 1;
  return ARENA + i * ARENA_SLOT;
}

/** Gives back the slot `bytes` lives in; anything else (other memory, a slot not taken) is ignored. */
export function releasePacket(bytes: Uint8Array): void {
  if (!inWasm(bytes)) return;
  const offset = bytes.byteOffset - ARENA;
  if (offset < 0 || offset >= ARENA_SLOT * ARENA_SLOTS) return;
  const i = (offset / ARENA_SLOT) | 0;
  if (taken[i] === 0) return;
  taken[i] = 0;
  free[top++] = i;
}

/** Slots free now (tests). */
export function freeSlots(): number {
  return top;
}
