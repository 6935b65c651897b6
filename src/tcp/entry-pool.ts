/**
 * The arrays of a flight's entries (sent-segments.ts), kept when the flight ends for the next flight of any
 * connection in the process, as the ring pool (sized-ring.ts) keeps the buffers' rings. A list whose every
 * entry is acknowledged gives its five arrays here and holds none while nothing is in flight; its next
 * send takes a set back. Why: 1,000 bulk connections grew each list's arrays afresh flight after flight,
 * 13 MB of the 30 MB a run allocated, and the arrays lived long enough to be copied by scavenges and
 * promoted; with the pool the same run moved 1.17-1.30x the bytes per CPU-second (scripts/ab-bulk.mjs,
 * per-segment-budget.md Session 12). At most `LIMIT` bytes of them wait here, 64 KiB for the process once
 * traffic ends, while an idle connection holds none.
 */
import { doubles, references } from "../clock/stable-arrays.js";

/** A list's arrays, entry i at index i of each (SentSegments). */
export interface EntryArrays {
  start: number[];
  end: number[];
  xmit: number[];
  order: number[];
  flags: number[];
}

/**
 * The arrays of a list with no flight: shared, and never written, since a list takes a set of its own
 * before its first entry (SentSegments' `#push`). Doubles for the first three, small integers for the
 * others, the elements kinds the lists' own arrays have, so the code reading them sees one kind each.
 */
export const NO_DOUBLES: number[] = doubles();
export const NO_INTEGERS: number[] = [];

/**
 * The bytes of free sets the pool keeps at most: a 1 MiB window's flight (724 entries, 23 KB) fits, and
 * 1,000 connections gained as much with 64 KiB as with 256 KiB or 1 MiB (1.22x, 1.20x, 1.16x), since the
 * sets they give back are taken again at once. Each set kept is memory the process holds after traffic.
 */
const LIMIT = 1 << 16;

/**
 * What a free set of `entries` costs, about: five array objects (16 bytes each, and an elements header of
 * 8) and their elements, 32 bytes an entry (three doubles, two small integers of 4 bytes), room for at
 * least the 16 that a first push makes. A request's flight of two entries costs 632 bytes, not 64: a
 * pool counting entries alone kept every set 4,000 connections in TIME-WAIT gave back.
 */
function bytesOf(entries: number): number {
  return 5 * 24 + Math.max(entries, 16) * 32;
}

/** The free sets, their arrays in five stacks (a set object per give would be an allocation). */
const free = {
  start: references<number[]>(),
  end: references<number[]>(),
  xmit: references<number[]>(),
  order: references<number[]>(),
  flags: references<number[]>(),
};
/** What the free sets cost (bytesOf the length their arrays grew to). */
let kept = 0;

/** Gives `list` arrays for a new flight: a set some ended flight gave back, else new ones. */
export function takeEntryArrays(list: EntryArrays): void {
  const start = free.start.pop();
  if (start === undefined) {
    list.start = doubles();
    list.end = doubles();
    list.xmit = doubles();
    list.order = [];
    list.flags = [];
    return;
  }
  kept -= bytesOf(start.length);
  list.start = start;
  list.end = free.end.pop()!;
  list.xmit = free.xmit.pop()!;
  list.order = free.order.pop()!;
  list.flags = free.flags.pop()!;
}

/** Takes `list`'s arrays (its flight ended: nothing in them is live) and leaves it the shared empty ones. */
export function giveEntryArrays(list: EntryArrays): void {
  const size = list.start.length;
  if (size > 0 && kept + bytesOf(size) <= LIMIT) {
    kept += bytesOf(size);
    free.start.push(list.start);
    free.end.push(list.end);
    free.xmit.push(list.xmit);
    free.order.push(list.order);
    free.flags.push(list.flags);
  }
  list.start = NO_DOUBLES;
  list.end = NO_DOUBLES;
  list.xmit = NO_DOUBLES;
  list.order = NO_INTEGERS;
  list.flags = NO_INTEGERS;
}
