// Node-only links (node:dgram, the `ws` package), plus everything browser-safe, so Node code needs one import.
export * from "./index.js";
export { tapLink, udpTunnelLink, type UdpEndpoint, type UdpTunnelLink, type UdpTunnelOptions } from "./udp-tunnel.js";
export { wsUdpRelay, type WsUdpRelay, type WsUdpRelayCounters, type WsUdpRelayOptions } from "./ws-relay.js";
export { pageServerGuard, type HttpRefusal, type PageServerGuard } from "./page-guard.js";
export { warnIfExposed } from "./exposure.js";
