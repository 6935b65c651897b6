/**
 * A neighbour cache's limits and timers. The names and defaults follow Linux's neighbour tables
 * (net/core/neighbour.c, shared by ARP and IPv6 ND as this cache is meant to be), which RFC 1122 §2.3.2.1
 * and RFC 4861 §10 bound.
 */
export interface NeighborConfig {
  /** Entries held at most; beyond it the least recently used resolved one is evicted (Linux gc_thresh3). */
  maxEntries: number;
  /** How long a confirmed address is used without asking again (RFC 4861 REACHABLE_TIME, 30 s). */
  reachableTime: number;
  /** Between two requests for the same address: RFC 1122 §2.3.2.1 allows at most one a second. */
  retransTime: number;
  /** Broadcast (multicast) requests sent before a new address is given up on (MAX_MULTICAST_SOLICIT, 3). */
  maxProbes: number;
  /** Unicast requests sent before a stale address in use is given up on (MAX_UNICAST_SOLICIT, 3). */
  maxUnicastProbes: number;
  /**
   * How long a stale address in use waits for an upper layer's confirmation before it is probed (RFC 4861
   * DELAY_FIRST_PROBE_TIME, 5 s, for IPv6 ND); 0, ARP's default: probed at once, as nothing confirms it.
   */
  delayFirstProbeTime: number;
  /** Packets held for one address while it resolves; the oldest is dropped beyond it (lwIP ARP_QUEUE_LEN). */
  queueLength: number;
  /** A stale entry unused this long is forgotten (Linux gc_stale_time, 60 s). */
  staleTime: number;
  /** Requests sent a second over all addresses (a token bucket of this burst), against flooding the link. */
  requestRate: number;
}

export const defaultNeighborConfig: NeighborConfig = Object.freeze({
  maxEntries: 256,
  reachableTime: 30_000,
  retransTime: 1000,
  maxProbes: 3,
  maxUnicastProbes: 3,
  delayFirstProbeTime: 0,
  queueLength: 8,
  staleTime: 60_000,
  requestRate: 50,
});

export function neighborConfig(options: Partial<NeighborConfig> = {}): NeighborConfig {
  const config = { ...defaultNeighborConfig, ...options };
  for (const [name, value] of Object.entries(config))
    if (!(Number.isFinite(value) && value >= (name.startsWith("max") ? 1 : 0)))
      throw new RangeError(
        `neighbour cache: ${name} must be a finite number >= 0 (maxEntries, maxProbes, maxUnicastProbes >= 1)`,
      );
  return config;
}
