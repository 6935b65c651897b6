import { seqAdd, seqDiff, seqGt, seqLt } from "../wire/seq.js";
import type { SackBlock } from "../wire/types.js";
import type { ControlBlock } from "./tcb.js";

/** RFC 6675 §2: DupThresh. */
export const DUP_THRESH = 3;
/**
 * Distinct SACKed ranges remembered (as many as the receiver side keeps by default): after a slow start
 * overshoots a deep queue, every other segment of the window may be missing.
 */
const MAX_RANGES = 1024;

/**
 * The sender's record of what the peer has SACKed (RFC 6675 §3 "scoreboard"): disjoint, sorted ranges of
 * sequence numbers above SND.UNA. SACK is advisory (RFC 2018 §8): the data stays in the send buffer until
 * the cumulative ACK covers it, so a range the bound has no room for is simply not recorded.
 */
export class SackScoreboard {
  /** [start, end) pairs, ascending from SND.UNA. */
  readonly ranges: number[] = [];
  sackedBytes = 0;

  /** Records one block, clipped to (SND.UNA, SND.MAX]. Returns the number of bytes newly SACKed. */
  add(left: number, right: number, sndUna: number, sndMax: number): number {
    if (seqLt(left, sndUna)) left = sndUna;
    if (seqGt(right, sndMax)) right = sndMax;
    if (!seqLt(left, right)) return 0;
    const r = this.ranges;
    let i = 0;
    while (i < r.length && seqLt(r[i + 1], left)) i += 2;
    let j = i;
    let s = left;
    let e = right;
    let covered = 0;
    while (j < r.length && !seqGt(r[j], right)) {
      if (seqLt(r[j], s)) s = r[j];
      if (seqGt(r[j + 1], e)) e = r[j + 1];
      covered += seqDiff(r[j + 1], r[j]);
      j += 2;
    }
    if (j === i && r.length >= MAX_RANGES * 2) return 0;
    r.splice(i, j - i, s, e);
    const added = seqDiff(e, s) - covered;
    this.sackedBytes += added;
    return added;
  }

  /** Records an ACK's blocks (before SND.UNA moves). Returns the bytes they newly SACKed. */
  addBlocks(blocks: readonly SackBlock[] | undefined, sndUna: number, sndMax: number): number {
    if (blocks === undefined) return 0;
    let added = 0;
    for (let i = 0; i < blocks.length; i++) added += this.add(blocks[i].left, blocks[i].right, sndUna, sndMax);
    return added;
  }

  /**
   * Outside recovery, with SND.NXT pulled back by a timeout (go-back-N): moves SND.NXT past what the peer
   * SACKed, and returns how much may go from there before the next SACKed range (at most one MSS).
   */
  goBackRoom(t: ControlBlock, mss: number): number {
    if (!seqLt(t.sndNxt, t.sndMax)) return mss;
    t.sndNxt = this.skip(t.sndNxt);
    if (!seqLt(t.sndNxt, t.sndMax)) return mss;
    return Math.min(mss, seqDiff(this.nextSacked(t.sndNxt, seqAdd(t.sndNxt, mss)), t.sndNxt));
  }

  /** The SACKed range holding `seq` as [start, end) in `out`; false when `seq` is not SACKed. */
  rangeAt(seq: number, out: [number, number]): boolean {
    const r = this.ranges;
    for (let k = 0; k < r.length; k += 2) {
      if (seqLt(seq, r[k])) return false;
      if (seqLt(seq, r[k + 1])) {
        out[0] = r[k];
        out[1] = r[k + 1];
        return true;
      }
    }
    return false;
  }

  /** The cumulative ACK moved to `sndUna`: forget what it covers. */
  prune(sndUna: number): void {
    const r = this.ranges;
    let drop = 0;
    while (drop < r.length && !seqGt(r[drop + 1], sndUna)) {
      this.sackedBytes -= seqDiff(r[drop + 1], r[drop]);
      drop += 2;
    }
    if (drop > 0) r.splice(0, drop);
    if (r.length > 0 && seqLt(r[0], sndUna)) {
      this.sackedBytes -= seqDiff(sndUna, r[0]);
      r[0] = sndUna;
    }
  }

  clear(): void {
    this.ranges.length = 0;
    this.sackedBytes = 0;
  }

  /** The end of the highest SACKed range, or `fallback` when nothing is SACKed. */
  highestSacked(fallback: number): number {
    const r = this.ranges;
    return r.length > 0 ? r[r.length - 1] : fallback;
  }

  /**
   * RFC 6675 §4 IsLost as a boundary: an unSACKed byte is lost when DupThresh discontiguous ranges, or more
   * than (DupThresh - 1) * SMSS bytes, are SACKed above it. Holes below the returned sequence number are
   * lost, holes above it are not (it is `sndUna` when nothing is lost).
   */
  lostBoundary(mss: number, sndUna: number): number {
    const r = this.ranges;
    let count = 0;
    let bytes = 0;
    for (let k = r.length - 2; k >= 0; k -= 2) {
      count++;
      bytes += seqDiff(r[k + 1], r[k]);
      if (count >= DUP_THRESH || bytes > (DUP_THRESH - 1) * mss) return r[k];
    }
    return sndUna;
  }

  /**
   * RFC 6675 §4 SetPipe: every unSACKed byte counts once unless it is lost, and once more if it was
   * retransmitted in this recovery (below `highRxt`).
   */
  pipe(sndUna: number, sndMax: number, highRxt: number, lost: number): number {
    const r = this.ranges;
    let pipe = 0;
    let start = sndUna;
    for (let k = 0; k <= r.length; k += 2) {
      const end = k < r.length ? r[k] : sndMax;
      if (seqLt(start, end)) {
        pipe += seqDiff(end, start);
        // Lost bytes: not in the network any more ...
        pipe -= overlap(start, end, sndUna, lost);
        // ... unless retransmitted; then counted again.
        pipe += overlap(start, end, sndUna, highRxt);
      }
      if (k < r.length) start = r[k + 1];
    }
    return pipe;
  }

  /**
   * The first unSACKed byte at or after `from` and below `limit`, with the end of its hole (capped at
   * `limit`), as [start, end) in `out`; false when there is none.
   */
  nextHole(from: number, limit: number, sndUna: number, out: [number, number]): boolean {
    const r = this.ranges;
    let start = sndUna;
    for (let k = 0; k <= r.length; k += 2) {
      let end = k < r.length ? r[k] : limit;
      if (seqGt(end, limit)) end = limit;
      const s = seqLt(start, from) ? from : start;
      if (seqLt(s, end)) {
        out[0] = s;
        out[1] = end;
        return true;
      }
      if (k >= r.length || !seqLt(r[k + 1], limit)) return false;
      start = r[k + 1];
    }
    return false;
  }

  /** If `seq` is inside a SACKed range, the end of that range; else `seq`. */
  skip(seq: number): number {
    const r = this.ranges;
    for (let k = 0; k < r.length; k += 2) {
      if (seqLt(seq, r[k])) return seq;
      if (seqLt(seq, r[k + 1])) return r[k + 1];
    }
    return seq;
  }

  /** The start of the first SACKed range above `seq`, or `fallback`. */
  nextSacked(seq: number, fallback: number): number {
    const r = this.ranges;
    for (let k = 0; k < r.length; k += 2) if (seqGt(r[k], seq)) return r[k];
    return fallback;
  }
}

/** Bytes of [a, b) below `to` and at or above `from`. */
function overlap(a: number, b: number, from: number, to: number): number {
  const s = seqLt(a, from) ? from : a;
  const e = seqLt(to, b) ? to : b;
  const n = seqDiff(e, s);
  return Math.max(n, 0);
}
