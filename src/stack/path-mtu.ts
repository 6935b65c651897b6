import type { DatagramRecord } from "../wire/datagram-record.js";

/**
 * Where ICMP fragmentation-needed messages go (RFC 1191 path MTU discovery). Issue 14's fragments half
 * implements it; without one the message is counted (`counters.fragNeededIn`) and changes nothing.
 */
export interface PathMtuHook {
  /**
   * A router could not forward a datagram we sent to `dst` with DF set: `nextHopMtu` is the MTU it offers
   * (0 from a router older than RFC 1191, which leaves the estimate to `r.quotedTotalLength`). The quote
   * is in `r` (its protocol, ports and, for TCP, sequence number), valid only during the call.
   */
  fragmentationNeeded(dst: number, nextHopMtu: number, r: DatagramRecord): void;
}
