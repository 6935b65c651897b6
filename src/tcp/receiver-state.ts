/** The receive side's progress beyond the TCB's sequence numbers: the FIN and when to acknowledge. */
export class ReceiverState {
  finReceived = false;
  /** Sequence number of a FIN that arrived beyond a hole, processed once RCV.NXT reaches it. */
  pendingFin: number | null = null;
  /** In-order segments received and not yet acknowledged (RFC 1122 §4.2.3.2: ACK every second one). */
  unackedSegments = 0;
  /** The next output must carry an ACK, even with nothing else to send. */
  ackNow = false;
  /** When an out-of-window bare segment was last answered (arrives.ts outOfWindowAckAllowed). */
  lastOutOfWindowAck = Number.NEGATIVE_INFINITY;
}
