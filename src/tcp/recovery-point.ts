import { seqLt } from "../wire/seq.js";

/**
 * RFC 6582's "recover" and RFC 6675's RecoveryPoint: SND.MAX when the last congestion event (a recovery's
 * start, a timeout) cut the window. Losses below it belong to that event: no second recovery starts for
 * them, and a timeout among them holds ssthresh.
 */
export class RecoveryPoint {
  // -0: a double from the start (see ControlBlock); declared bare, the field would start as undefined.
  seq = -0;
  /** An event has set `seq` (before the first one it is only the ISS, and a far SND.UNA may wrap past it). */
  #reduced = false;

  constructor(iss: number) {
    this.seq = iss;
  }

  /** A congestion event with SND.MAX at `sndMax`. */
  mark(sndMax: number): void {
    this.seq = sndMax;
    this.#reduced = true;
  }

  /** SND.UNA is still inside the window the last event cut for. */
  covers(sndUna: number): boolean {
    return this.#reduced && seqLt(sndUna, this.seq);
  }
}
