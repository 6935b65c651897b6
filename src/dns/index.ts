/**
 * wirestate-tcp/dns, the stub resolver: names to IPv4 addresses over any datagram network (the stack's UDP) with DNS over
 * TCP for truncated answers or as the only transport. The message format itself is in src/wire.
 */
export { Resolver, type ResolverOptions, type Resolution } from "./resolver.js";
export type { ResolverCounters } from "./exchange-config.js";
export type { AddressType } from "./record-types.js";
export type { Datagram, DatagramNetwork, DatagramSocket, StreamConnection, StreamConnector } from "./transport.js";
export { fromIterableSocket, type IterableDatagramSocket } from "./iterable-socket.js";
export { checkHostname } from "./hostname.js";
export { frameMessage, FrameReader } from "./tcp-frames.js";
export { WirestateError } from "../errors/wirestate-error.js";
export {
  DnsError,
  InvalidHostnameError,
  NameNotFoundError,
  NoRecordsError,
  ServerFailureError,
  DnsTimeoutError,
  TruncatedResponseError,
  CnameChainError,
  ResolverClosedError,
} from "./errors.js";
