/**
 * The transmission control block's sequence variables (RFC 9293 §3.3.1), plus the few an implementation
 * needs beside them. Plain data: the event functions read and write it.
 */
export class ControlBlock {
  // Sequence numbers start as -0 so V8 stores them as doubles from the start: from 0 (a small integer) an
  // ISN of 2^31 or more, half of them, would change the block's shape in the middle of a process's first
  // connections and deoptimize every function that reads it.
  /** Send sequence space. */
  iss = -0;
  sndUna = -0;
  sndNxt = -0;
  /** Highest sequence number sent; SND.NXT falls back to SND.UNA on a timeout (go-back-N), this does not. */
  sndMax = -0;
  sndWnd = 0;
  sndWl1 = -0;
  sndWl2 = -0;
  /** Largest window the peer has offered (RFC 5961 §5.2, sender SWS avoidance). */
  maxSndWnd = 0;
  /** Sequence number of the first byte in the send buffer (SYN occupies ISS). */
  dataSeq = -0;

  /** Receive sequence space. */
  irs = -0;
  rcvNxt = -0;
  /** Right edge of the window we last advertised; never moved left (RFC 9293 §3.8.6). */
  rcvAdv = -0;

  /** RCV.WND: what is left of the advertised window. */
  get rcvWnd(): number {
    const w = (this.rcvAdv - this.rcvNxt) | 0;
    return Math.max(w, 0);
  }
}
