/**
 * Lost retransmissions during SACK recovery, found from the SACKs instead of the retransmission timer.
 * RFC 6675 marks a hole lost once and resends it once (HighRxt moves past it), so when the resent copy is
 * lost too only the RTO finds it, and the recovery collapses into slow start and go-back-N.
 *
 * The rule is RFC 8985 (RACK) §6.2's: a segment is lost when a segment sent after it has been delivered
 * (with a reordering window of zero, and "sent after" read from sequence space as Linux's earlier
 * tcp_mark_lost_retrans did): each retransmission records SND.MAX at its sending, and data above that
 * was first sent later. Once the peer SACKs any of it while the retransmitted range is still neither
 * SACKed nor acknowledged, the retransmission is lost. Without new data sent after a retransmission there
 * is no such proof, and the timer stays the fallback.
 */
import { seqAdd, seqDiff, seqLt } from "../wire/seq.js";
import type { SackScoreboard } from "./sack-scoreboard.js";

/** Reused [start, end) for scoreboard queries. */
const hole: [number, number] = [0, 0];

export class LostRetransmissions {
  /** Retransmissions of this recovery in send order, as [start, end, SND.MAX when sent] triples. */
  readonly #sent: number[] = [];
  #head = 0;
  /** Retransmissions proven lost and not yet resent, as [start, end) pairs, oldest first. */
  readonly lost: number[] = [];

  clear(): void {
    this.#sent.length = 0;
    this.#head = 0;
    this.lost.length = 0;
  }

  /** A retransmission of [start, end) left with SND.MAX at `sndMax`. */
  sent(start: number, end: number, sndMax: number): void {
    this.#sent.push(start, end, sndMax);
  }

  /**
   * Moves the retransmissions the scoreboard now proves lost to `lost`; drops the ones delivered. Since
   * SND.MAX only grows, the proven ones are a prefix of the send order. Returns the bytes newly found lost.
   */
  detect(board: SackScoreboard, sndUna: number): number {
    const s = this.#sent;
    const highSacked = board.highestSacked(sndUna);
    let found = 0;
    while (this.#head < s.length) {
      const start = s[this.#head];
      const end = s[this.#head + 1];
      if (board.nextHole(start, end, sndUna, hole)) {
        // Some of it is still missing: lost only if data first sent after it was SACKed.
        if (!seqLt(s[this.#head + 2], highSacked)) break;
        this.lost.push(hole[0], end);
        found += seqDiff(end, hole[0]);
      }
      this.#head += 3;
    }
    if (this.#head === s.length) {
      s.length = 0;
      this.#head = 0;
    }
    return found;
  }

  /**
   * The first lost range still missing at the peer, clipped to one `mss`, into `out` (and taken off the
   * list); false when none is left.
   */
  next(board: SackScoreboard, sndUna: number, mss: number, out: [number, number]): boolean {
    const l = this.lost;
    while (l.length > 0) {
      if (board.nextHole(l[0], l[1], sndUna, out)) {
        if (seqDiff(out[1], out[0]) > mss) {
          out[1] = seqAdd(out[0], mss);
          l[0] = out[1];
        } else {
          l.splice(0, 2);
        }
        return true;
      }
      l.splice(0, 2);
    }
    return false;
  }

  /** Bytes proven lost and not yet resent, still missing at the peer (not in the network: out of pipe). */
  pending(board: SackScoreboard, sndUna: number): number {
    const l = this.lost;
    let bytes = 0;
    for (let k = 0; k < l.length; k += 2) {
      let from = l[k];
      while (board.nextHole(from, l[k + 1], sndUna, hole)) {
        bytes += seqDiff(hole[1], hole[0]);
        from = hole[1];
      }
    }
    return bytes;
  }
}
