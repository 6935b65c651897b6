/** What a neighbour cache has done, one counter each. */
export interface NeighborCounters {
  /** Requests (ARP, or IPv6 neighbour solicitations) sent: broadcast for a new address, unicast to re-validate. */
  requestsOut: number;
  /** Requests not sent because the request rate was spent. */
  requestsRateLimited: number;
  /** Replies to our own requests that resolved or re-validated an entry. */
  confirmations: number;
  /** Replies we did not ask for: counted and ignored, so nobody can poison the cache by answering unasked. */
  unsolicitedReplies: number;
  /** Advertisements of another address without the Override flag (RFC 4861 §7.2.5): the entry kept its own. */
  overridesRefused: number;
  /** Entries confirmed by an upper layer's forward progress (RFC 4861 §7.3.1). */
  upperLayerConfirmations: number;
  /** Addresses given up on after every request went unanswered (their queued packets were dropped). */
  resolutionFailures: number;
  /** Re-validations that failed: the entry was forgotten. */
  probeFailures: number;
  /** Packets dropped from a full queue while their address resolved. */
  queueOverflows: number;
  /** Resolved entries evicted to make room. */
  evictions: number;
  /** Packets dropped because every entry was still resolving and no room was left. */
  cacheFull: number;
}

export function newNeighborCounters(): NeighborCounters {
  return {
    requestsOut: 0,
    requestsRateLimited: 0,
    confirmations: 0,
    unsolicitedReplies: 0,
    overridesRefused: 0,
    upperLayerConfirmations: 0,
    resolutionFailures: 0,
    probeFailures: 0,
    queueOverflows: 0,
    evictions: 0,
    cacheFull: 0,
  };
}
