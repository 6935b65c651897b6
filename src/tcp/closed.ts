import { seqAdd } from "../wire/seq.js";
import { TcpFlags } from "../wire/types.js";
import type { SegmentHeader } from "./connection.js";

const { FIN, SYN, RST, ACK } = TcpFlags;

/**
 * RFC 9293 §3.10.7.1 CLOSED STATE: no connection and no listener. "An incoming segment containing a RST
 * is discarded. An incoming segment not containing a RST causes a RST to be sent in response." Calls
 * `reset(seq, ack, flags)` for the reply, if one is due.
 */
export function closedArrives(
  seg: SegmentHeader,
  dataLength: number,
  reset: (seq: number, ack: number, flags: number) => void,
): void {
  if (seg.flags & RST) return;
  if (seg.flags & ACK) {
    // <SEQ=SEG.ACK><CTL=RST>
    reset(seg.ack, 0, RST);
  } else {
    // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    const len = dataLength + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
    reset(0, seqAdd(seg.seq, len), RST | ACK);
  }
}
