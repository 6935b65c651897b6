/** The opening handshake's bookkeeping (RFC 9293 §3.5), owned by OPEN, the SYN retransmissions and SYN-RECEIVED. */
export class HandshakeState {
  /** Made by a listener (passive OPEN): an RST or SYN in SYN-RECEIVED returns it to LISTEN. */
  passive = false;
  /** SYNs (or SYN-ACKs) sent again after a timeout. */
  retries = 0;
  /** When the first SYN (or SYN-ACK) went out, for the handshake's RTT sample (-0: a double from the start, see ControlBlock). */
  sentAt = -0;
  /** False when no SYN-ACK of ours was timed (a SYN cookie's: the stack kept nothing), so no RTT sample. */
  timed = true;
}
