/**
 * RFC 2018 §4, the receiver's side of SACK: the blocks an ACK reports, taken from the reassembly queue.
 * The first block holds the segment that arrived last, then the blocks of the arrivals before it (most
 * recent first, so a block lost with one ACK is repeated in the next ones), then any other queued ranges.
 * A duplicate segment is reported once as a D-SACK block ahead of them all (RFC 2883), which tells a sender
 * like Linux that its retransmission was spurious.
 */
import type { SackBlock } from "../wire/types.js";
import { seqAdd, seqDiff } from "../wire/seq.js";
import type { TcpConnection } from "./connection.js";

/** RFC 2018 allows 4 blocks in the 40 option bytes (3 beside timestamps). */
const MAX_BLOCKS = 4;

export class SackReporter {
  /** Sequence numbers of the latest out-of-order arrivals, most recent first. */
  readonly #recent: number[] = [];
  readonly #pool: SackBlock[] = [];
  /** The blocks of the last `blocks` call (reused: valid until the next call). */
  readonly #out: SackBlock[] = [];
  /** A duplicate [left, right) to report in the next ACK, if `#duplicate`. */
  #duplicate = false;
  #dupLeft = 0;
  #dupRight = 0;
  /** Where the reassembly blocks start in `#out` (1 after a D-SACK block). */
  #first = 0;

  readonly #dsack: boolean;

  constructor(dsack: boolean) {
    this.#dsack = dsack;
  }

  /** RFC 2883: data we already had arrived again; the next ACK reports it first. False when D-SACK is off. */
  duplicate(left: number, right: number): boolean {
    if (!this.#dsack) return false;
    this.#duplicate = true;
    this.#dupLeft = left;
    this.#dupRight = right;
    return true;
  }

  /** Whether the next ACK has a block to report even with nothing queued out of order. */
  get pendingDuplicate(): boolean {
    return this.#duplicate;
  }

  /** An out-of-order segment starting at `seq` was queued. */
  arrived(seq: number): void {
    const r = this.#recent;
    const i = r.indexOf(seq);
    if (i >= 0) r.splice(i, 1);
    r.unshift(seq);
    if (r.length > MAX_BLOCKS) r.length = MAX_BLOCKS;
  }

  /** Up to `max` blocks describing the queue after RCV.NXT = `rcvNxt`; `ranges` as the receive buffer holds them. */
  blocks(rcvNxt: number, ranges: ReadonlyArray<number>, max: number): SackBlock[] {
    const out = this.#out;
    out.length = 0;
    this.#first = 0;
    if (this.#duplicate && max > 0) {
      this.#duplicate = false;
      this.#push(this.#dupLeft, this.#dupRight);
      this.#first = 1;
    }
    if (ranges.length === 0) {
      this.#recent.length = 0;
      return out;
    }
    const r = this.#recent;
    // Recent arrivals first; an arrival no longer in the queue (delivered since) is forgotten.
    for (let k = 0; k < r.length; ) {
      const i = rangeHolding(ranges, seqDiff(r[k], rcvNxt));
      if (i < 0) {
        r.splice(k, 1);
        continue;
      }
      k++;
      if (out.length < max) this.#add(rcvNxt, ranges, i);
    }
    for (let i = 0; i < ranges.length && out.length < max; i += 2) this.#add(rcvNxt, ranges, i);
    return out;
  }

  #add(rcvNxt: number, ranges: ReadonlyArray<number>, i: number): void {
    const left = seqAdd(rcvNxt, ranges[i]);
    const out = this.#out;
    // A D-SACK block (out[0]) may equal a queued range: that range is still reported after it.
    for (let k = this.#first; k < out.length; k++) if (out[k].left === left) return;
    this.#push(left, seqAdd(rcvNxt, ranges[i + 1]));
  }

  #push(left: number, right: number): void {
    const out = this.#out;
    let b = this.#pool[out.length];
    if (b === undefined) this.#pool.push((b = { left: 0, right: 0 }));
    b.left = left;
    b.right = right;
    out.push(b);
  }
}

/** Index of the range [start, end) holding `offset`, or -1. */
function rangeHolding(ranges: ReadonlyArray<number>, offset: number): number {
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i] <= offset && offset < ranges[i + 1]) return i;
  return -1;
}

/**
 * How many blocks an ACK carrying `payloadLength` bytes can hold: RFC 6691 counts option bytes against
 * the MSS, so a full-sized data segment has no room and an ACK without data has room for all of them.
 */
export function sackRoom(c: TcpConnection, payloadLength: number): number {
  const fit = Math.floor((c.sendMss - payloadLength - 4) / 8);
  const max = c.agreed.timestamps ? 3 : MAX_BLOCKS;
  return fit < 0 ? 0 : Math.min(fit, max);
}
