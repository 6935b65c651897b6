// Neighbour resolution: the protocol-neutral cache (shared by ARP and IPv6 ND, src/ndp/) and ARP on it.
export { NeighborCache, type NeighborState, type NeighborHooks, type NeighborEntry } from "./neighbor-cache.js";
export { defaultNeighborConfig, neighborConfig, type NeighborConfig } from "./config.js";
export type { NeighborCounters } from "./counters.js";
export { Arp, type ArpCounters, type ArpHost, type ArpProbeResult } from "./arp.js";
