// IPv6 neighbour discovery (RFC 4861) and address autoconfiguration (RFC 4862, 7217, 8981) for a host.
export { NeighborDiscovery, type NdpHost, type NeighborDiscoveryOptions } from "./neighbor-discovery.js";
export { defaultNdpConfig, ndpConfig, type NdpConfig, type NdpOptions, type InterfaceIdMode } from "./config.js";
export type { NdpCounters } from "./counters.js";
export type {
  AddressOrigin,
  AddressRemoval,
  AddressState,
  ConfiguredAddress,
  NdpEvent,
  NeighborDiscoveryEvent,
} from "./events.js";
export { ipv6HexKey } from "./hex-key.js";
