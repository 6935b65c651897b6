// Browser-safe links: nothing on this path imports a Node built-in. Node-only links: `wirestate-tcp/link/node`.
export type { Link } from "./link.js";
export type { Impairment } from "./impairment.js";
export type { CountedLink, PathCounters, DropCounters } from "./path.js";
export type { EndpointLink, EndpointCounters, EndpointDrops } from "./datagram-link.js";
export { LinkSetupError } from "./errors.js";
export { WirestateError } from "../errors/wirestate-error.js";
export type { AllowedOrigins } from "./origin-policy.js";
export { relayTokenProtocol } from "./relay-protocol.js";
export { memoryLinkPair, type MemoryLinkOptions } from "./memory.js";
export { impair, type ImpairOptions } from "./impaired-link.js";
export { messagePortLink, type MessagePortLike, type MessagePortLinkOptions } from "./message-port.js";
export { webSocketLink, type WebSocketLike, type WebSocketLinkOptions } from "./websocket.js";
export { Prng } from "./prng.js";
export { CaptureLink, type CaptureLinkOptions } from "./capture.js";
export type { Framing } from "./datagram-link.js";
export {
  VirtualSwitch,
  virtualSwitch,
  type SwitchPort,
  type VirtualSwitchOptions,
  type VirtualSwitchCounters,
} from "./virtual-switch.js";
export { v86Link, type V86BusLike, type V86LinkOptions, type V86LinkCounters } from "./v86.js";
