/**
 * Undoing a window cut that a spurious fast recovery made: when every retransmission of the episode comes
 * back as a D-SACK (RFC 2883 §5: the originals were only delayed), or the ACK of the first retransmission
 * echoes a timestamp older than it (the Eifel detection of RFC 3522: the original answered), the cut
 * congestion control made for it is taken back (RFC 4015's response: the window before the loss), as
 * Linux's tcp_try_undo_dsack and tcp_packet_delayed do.
 */
import { seqGe, seqGt, seqLe } from "../wire/seq.js";
import type { SackBlock } from "../wire/types.js";

/** RFC 2883 §4: the first block is a D-SACK when it lies below the cumulative ACK or inside the second. */
export function firstBlockIsDsack(blocks: readonly SackBlock[], ack: number): boolean {
  const b0 = blocks[0];
  const b1 = blocks.length > 1 ? blocks[1] : undefined;
  return seqLe(b0.right, ack) || (b1 !== undefined && seqGe(b0.left, b1.left) && seqLe(b0.right, b1.right));
}

export class RecoveryUndo {
  /** An episode can still be undone. */
  active = false;
  priorCwnd = 0;
  priorSsthresh = 0;
  /** Retransmissions of the episode not yet shown spurious by a D-SACK. */
  retransmissions = 0;
  /** SND.UNA when the episode began (Linux's undo_marker): a D-SACK below it is an older episode's. */
  #marker = 0;
  /** The first retransmission's end and our TSval when it left (null: no timestamps, or none yet). */
  #firstEnd = 0;
  #firstTsval: number | null = null;
  #first = true;

  /** A recovery starts at SND.UNA `una`: remember the window congestion control is about to cut. */
  begin(cwnd: number, ssthresh: number, una: number): void {
    this.active = true;
    this.#marker = una;
    this.priorCwnd = cwnd;
    this.priorSsthresh = ssthresh;
    this.retransmissions = 0;
    this.#first = true;
    this.#firstTsval = null;
  }

  retransmitted(end: number, tsval: number | null): void {
    if (!this.active) return;
    this.retransmissions++;
    if (this.#first) {
      this.#first = false;
      this.#firstEnd = end;
      this.#firstTsval = tsval;
    }
  }

  /**
   * A D-SACK of data ending at `right` came: one retransmission was not needed. True when none of them
   * was. One ending at or below where the episode began reports a copy an earlier episode sent (Linux's
   * tcp_check_dsack), and says nothing about this one.
   */
  dsack(right: number): boolean {
    if (!this.active || this.retransmissions === 0 || !seqGt(right, this.#marker)) return false;
    return --this.retransmissions === 0;
  }

  /** RFC 3522 §3.2: the ACK covering the first retransmission echoes a TSval from before it. */
  eifel(ack: number, tsecr: number | null): boolean {
    if (!this.active || this.#firstTsval === null || tsecr === null || tsecr === 0) return false;
    if (!seqGe(ack, this.#firstEnd)) return false;
    const spurious = ((tsecr - this.#firstTsval) | 0) < 0;
    // Decided either way: a later ACK says nothing more about that transmission.
    this.#firstTsval = null;
    return spurious;
  }
}
