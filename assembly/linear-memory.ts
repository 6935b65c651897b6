// The fixed regions of linear memory (sizes in layout.ts) and access to the record's 32-bit slots. The
// module never allocates (runtime stub), so these addresses are stable and the TS views over them never
// detach.
import { RECORD_SLOTS, SCRATCH_SIZE } from "./layout";

@inline export function recordBase(): usize {
  return (__heap_base + 63) & ~(63 as usize);
}

@inline export function scratchBase(): usize {
  return recordBase() + ((RECORD_SLOTS as usize) << 2);
}

/** Start of the free area callers may use for their own packets (benchmarks, zero-copy parsing). */
@inline export function freeBase(): usize {
  return (scratchBase() + (SCRATCH_SIZE as usize) + 63) & ~(63 as usize);
}

@inline export function slotPtr(slot: i32): usize {
  return recordBase() + ((slot as usize) << 2);
}

@inline export function getSlot(slot: i32): u32 {
  return load<u32>(slotPtr(slot));
}

@inline export function setSlot(slot: i32, v: u32): void {
  store<u32>(slotPtr(slot), v);
}
