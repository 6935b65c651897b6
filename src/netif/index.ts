// Interfaces and routes: Ethernet (with ARP, and IPv6 neighbour discovery) and raw-IP interfaces, a routing table, and the routed link
// that presents them to a stack as one link.
export type { NetworkInterface } from "./network-interface.js";
export {
  EthernetInterface,
  type EthernetInterfaceOptions,
  type EthernetInterfaceCounters,
  type EthernetDrop,
} from "./ethernet-interface.js";
export {
  EthernetIpv6,
  type EthernetIpv6Host,
  type EthernetIpv6Options,
  type EthernetIpv6Counters,
} from "./ethernet-ipv6.js";
export { RawIpInterface } from "./raw-ip-interface.js";
export { RoutingTable, type Route } from "./routing-table.js";
export {
  RoutedLink,
  ethernetLink,
  type RoutedLinkOptions,
  type RouteOptions,
  type RoutedLinkCounters,
  type EthernetLinkOptions,
} from "./routed-link.js";
