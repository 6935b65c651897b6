/** The send side's progress beyond the TCB's sequence numbers: the FIN, probing and idleness. */
export class SenderState {
  /** CLOSE was called: a FIN follows the queued data. */
  finQueued = false;
  /** Probing a zero window (persist timer, then timeouts while the window stays shut). */
  probing = false;
  /** When the last ACK emptied the flight (RFC 5681 §4.1 restart after idle). */
  idleSince = -0; // a clock reading: a double from the start (see ControlBlock)
  keepAliveProbes = 0;
}
