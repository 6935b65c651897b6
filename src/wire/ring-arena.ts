import { LinearView, RINGS, RINGS_SIZE } from "./wasm.js";

/**
 * Rings carved out of linear memory for the TCP send buffers, so the build copies a segment's payload into
 * its packet in the checksum's pass (one WASM loop) rather than by a TypedArray.set and a second pass.
 * Blocks are powers of two from 4 KiB, taken from a free list of their size, else split from the smallest
 * larger free block (its upper halves go to the free lists below it, as a buddy allocator splits), else
 * carved from the untouched end of the region. Splitting first reuses pages already resident (linear
 * memory never gives pages back): after a 100- and a 1,000-connection scale run the region was carved to
 * 368 MB without it, 265 MB with it (RSS 420 -> 367 MiB). Blocks are never merged: a region used up (or
 * cut up in sizes no one asks for any more) makes `takeRing` return null, counted, and the caller takes an
 * ordinary array, so running out costs speed, never correctness.
 */
const MIN_SHIFT = 12;
/** Free block addresses by size class (shift - MIN_SHIFT). */
const free: number[][] = [];
/** Which 4 KiB pages start a block that is out: a ring given back twice, or never taken, is ignored. */
const out = new Uint8Array(RINGS_SIZE >>> MIN_SHIFT);
let untouched = RINGS;
const END = RINGS + RINGS_SIZE;
/** Rings asked for when the region had no block of their size (the caller made an array of its own). */
let fallbacks = 0;

/** The ring region's use since the module loaded. */
export interface RingArenaCounters {
  /** The region's bytes, and how far into it blocks were ever carved (pages there may be resident for good). */
  size: number;
  touched: number;
  /** Rings that found no block and were made outside linear memory instead. */
  fallbacks: number;
}

/**
 * The send-ring region's counters since the module loaded: its size, how far it was ever carved, and the
 * rings that fell back to arrays of their own (a process-wide figure: the region is shared by every stack).
 */
export function ringArenaCounters(): RingArenaCounters {
  return { size: RINGS_SIZE, touched: untouched - RINGS, fallbacks };
}

function classOf(size: number): number {
  return Math.max(0, 32 - Math.clz32(size - 1) - MIN_SHIFT);
}

/** A ring of `size` bytes in linear memory (a LinearView), or null when the region has no block for it. */
export function takeRing(size: number): Uint8Array | null {
  const k = classOf(size);
  let address = free[k]?.pop() ?? split(k);
  if (address === undefined) {
    const block = 1 << (k + MIN_SHIFT);
    if (untouched + block > END) {
      fallbacks++;
      return null;
    }
    address = untouched;
    untouched += block;
  }
  out[(address - RINGS) >>> MIN_SHIFT] = 1;
  return new LinearView(address, size);
}

/** A block of class `k` split from the smallest larger free one, or undefined when there is none. */
function split(k: number): number | undefined {
  for (let j = k + 1; j < free.length; j++) {
    const address = free[j]?.pop();
    if (address === undefined) continue;
    // Keep the lowest part; each upper half from class j-1 down to k is a free block of its own.
    for (let i = j - 1; i >= k; i--) (free[i] ??= []).push(address + (1 << (i + MIN_SHIFT)));
    return address;
  }
  return undefined;
}

/** Gives back a ring `takeRing` made; any other array (or one given back already) is ignored. */
export function giveRing(ring: Uint8Array): void {
  if (!(ring instanceof LinearView)) return;
  const address = ring.address;
  if (address < RINGS || address >= END || out[(address - RINGS) >>> MIN_SHIFT] === 0) return;
  out[(address - RINGS) >>> MIN_SHIFT] = 0;
  (free[classOf(ring.length)] ??= []).push(address);
}
