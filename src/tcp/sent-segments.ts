/**
 * Every segment in flight, in sequence order, with when it was last sent and what became of it: the
 * per-segment state RACK (RFC 8985 §5.2) keeps. Segments are recorded as `sendAt` sends them; a
 * retransmission that covers part of one splits it, so each entry has one transmission time. The entries
 * always tile [SND.UNA, SND.MAX) once data has been sent.
 */
import { type EntryArrays, giveEntryArrays, NO_DOUBLES, NO_INTEGERS, takeEntryArrays } from "./entry-pool.js";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "../wire/seq.js";

export const SegmentFlag = {
  /** Sent more than once. */
  retransmitted: 1,
  /** The peer SACKed it. */
  sacked: 2,
  /** RACK found it lost, and it has not been sent again since. */
  lost: 4,
} as const;

/** The dead prefix that compaction waits for. */
const KEPT = 64;

/**
 * The entries live in five arrays, none of their own while nothing is in flight: a flight takes a set from
 * the process's pool (entry-pool.ts) at its first entry and gives it back once all of it is acknowledged.
 */
export class SentSegments implements EntryArrays {
  // Doubles: sequence numbers reach 2^31 and clock readings are fractional (stable-arrays.ts).
  start = NO_DOUBLES;
  end = NO_DOUBLES;
  /** Clock (ms) of the latest transmission, and its place in the order of all transmissions. */
  xmit = NO_DOUBLES;
  order = NO_INTEGERS;
  flags = NO_INTEGERS;
  /** Index of the first live entry; the ones before it are acknowledged and wait for compaction. */
  head = 0;
  /**
   * Entries in use, live or waiting for compaction. The arrays grow with the flight and keep their length
   * through compactions: those move the live entries down and leave the slots past `length` to be written
   * again, so a bulk flow's records cost no allocation (shrinking an array gives its backing store back,
   * and the pushes after grow it again). Only an empty list gives them up (`acked`).
   */
  #n = 0;
  /** Bytes of the live entries flagged `sacked`, and `lost`. */
  sackedBytes = 0;
  lostBytes = 0;
  /** Live entries flagged `sacked`. */
  sackedCount = 0;
  /**
   * Transmissions so far. RFC 8985 orders transmissions by time, breaking ties by sequence number; with a
   * millisecond clock a retransmission often shares its time with later data, and the tie-break would put
   * it first. A count orders them exactly.
   */
  #sends = 0;

  get length(): number {
    return this.#n;
  }

  /**
   * [seq, end) left at `now`. Data past the last entry is new; anything else is a retransmission of what
   * the entries hold, which then carry the new time and lose their `lost` mark. Returns whether it was a
   * retransmission. `from` and `to` may be signed 32-bit integers (`seq | 0`) or unsigned ones; they go on
   * to `#push` signed, as a uint32 at or above 2^31 is a double, which V8 boxes for every call it does not
   * inline (`sentRun` passes them so too).
   */
  sent(from: number, to: number, now: number): boolean {
    const seq = from >>> 0;
    const end = to >>> 0;
    const n = this.#n;
    const order = ++this.#sends;
    if (n === this.head || seqGe(seq, this.end[n - 1])) {
      this.#push(from | 0, to | 0, now, order);
      return false;
    }
    this.#splitAt(seq);
    this.#splitAt(end);
    for (let i = this.find(seq); i < this.#n && seqLt(this.start[i], end); i++) {
      if (this.flags[i] & SegmentFlag.lost) this.lostBytes -= this.bytes(i);
      this.flags[i] = (this.flags[i] & ~SegmentFlag.lost) | SegmentFlag.retransmitted;
      this.xmit[i] = now;
      this.order[i] = order;
    }
    // Data past the last entry in the same segment (a retransmission that grew, with a FIN, say).
    const last = this.#n - 1;
    if (seqGt(end, this.end[last])) this.#push(this.end[last] | 0, to | 0, now, order);
    return true;
  }

  /**
   * `count` new segments of `len` bytes from `from`, past the last entry, all left at `now`: what `sent`
   * does for each, in one call (a call per segment that V8 does not inline boxes its numbers).
   */
  sentRun(from: number, count: number, len: number, now: number): void {
    let seq = from >>> 0;
    for (let k = 0; k < count; k++) {
      const end = seqAdd(seq, len);
      this.#push(seq | 0, end | 0, now, ++this.#sends);
      seq = end;
    }
  }

  /** An entry for [from, to), given as `sent` takes them (signed 32-bit integers or not). */
  #push(from: number, to: number, now: number, order: number): void {
    const seq = from >>> 0;
    const end = to >>> 0;
    const i = this.#n++;
    if (i === 0 && this.start === NO_DOUBLES) takeEntryArrays(this);
    if (i < this.start.length) {
      this.start[i] = seq;
      this.end[i] = end;
      this.xmit[i] = now;
      this.order[i] = order;
      this.flags[i] = 0;
      return;
    }
    this.start.push(seq);
    this.end.push(end);
    this.xmit.push(now);
    this.order.push(order);
    this.flags.push(0);
  }

  bytes(i: number): number {
    return seqDiff(this.end[i], this.start[i]);
  }

  /** The index of the live entry holding `seq`, or the first one after it (`length` if none). */
  find(seq: number): number {
    let lo = this.head;
    let hi = this.#n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqLe(this.end[mid], seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Makes `seq` an entry boundary if it falls inside one. */
  #splitAt(seq: number): void {
    const i = this.find(seq);
    if (i >= this.#n || !seqLt(this.start[i], seq)) return;
    this.#n++;
    this.start.splice(i + 1, 0, seq);
    this.end.splice(i + 1, 0, this.end[i]);
    this.xmit.splice(i + 1, 0, this.xmit[i]);
    this.flags.splice(i + 1, 0, this.flags[i]);
    this.order.splice(i + 1, 0, this.order[i]);
    this.end[i] = seq;
    if (this.flags[i] & SegmentFlag.sacked) this.sackedCount++;
  }

  mark(i: number, flag: number): void {
    if (this.flags[i] & flag) return;
    this.flags[i] |= flag;
    if (flag === SegmentFlag.sacked) {
      this.sackedBytes += this.bytes(i);
      this.sackedCount++;
      if (this.flags[i] & SegmentFlag.lost) {
        this.flags[i] &= ~SegmentFlag.lost;
        this.lostBytes -= this.bytes(i);
      }
    } else if (flag === SegmentFlag.lost) {
      this.lostBytes += this.bytes(i);
    }
  }

  /** The cumulative ACK reached `sndUna`: entries below it go, a partly acknowledged one is trimmed. */
  acked(sndUna: number): void {
    let h = this.head;
    const n = this.#n;
    while (h < n && seqLe(this.end[h], sndUna)) {
      this.#forget(h);
      h++;
    }
    if (h < n && seqLt(this.start[h], sndUna)) {
      const cut = seqDiff(sndUna, this.start[h]);
      if (this.flags[h] & SegmentFlag.sacked) this.sackedBytes -= cut;
      if (this.flags[h] & SegmentFlag.lost) this.lostBytes -= cut;
      this.start[h] = sndUna;
    }
    this.head = h;
    if (h === n && n > 0) {
      // All acknowledged: the arrays go to the pool, for this connection's next flight or another's (an
      // idle connection holds none, however large its last flight was).
      this.#n = 0;
      this.head = 0;
      giveEntryArrays(this);
      return;
    }
    // Compact once the dead prefix outweighs the live entries: moved down in place, as `splice` would
    // allocate an array of the removed entries each time (a third of a bulk flow's garbage), and the
    // arrays keep their length (see `#n`).
    if (h > KEPT && h * 2 > n) {
      const live = n - h;
      moveDown(this.start, h, live);
      moveDown(this.end, h, live);
      moveDown(this.xmit, h, live);
      moveDown(this.flags, h, live);
      moveDown(this.order, h, live);
      this.#n = live;
      this.head = 0;
    }
  }

  #forget(i: number): void {
    const f = this.flags[i];
    if (f & SegmentFlag.sacked) {
      this.sackedBytes -= this.bytes(i);
      this.sackedCount--;
    }
    if (f & SegmentFlag.lost) this.lostBytes -= this.bytes(i);
  }
}

/** Moves the `live` entries of `a` from `from` down to 0, in place. */
function moveDown(a: number[], from: number, live: number): void {
  for (let i = 0; i < live; i++) a[i] = a[from + i];
}
