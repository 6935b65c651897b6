// DHCP (RFC 2131, RFC 2132): the message codec, a client that configures a stack, and a small server.
export {
  DhcpClient,
  type DhcpClientHost,
  type DhcpClientOptions,
  type DhcpClientCounters,
  type DhcpClientDrop,
  type DhcpLease,
  type DhcpState,
} from "./dhcp-client.js";
export {
  DhcpServer,
  type DhcpServerHost,
  type DhcpServerOptions,
  type DhcpServerCounters,
  type DhcpServerDrop,
} from "./dhcp-server.js";
export {
  DhcpMessageType,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  buildDhcp,
  parseDhcp,
  maskToPrefix,
  type DhcpMessage,
  type DhcpParseError,
} from "./dhcp-message.js";
export { DhcpOption, type DhcpOptions } from "./dhcp-options.js";
export { DhcpTimeoutError } from "./errors.js";
export type { DhcpEvent, DhcpEventSink, DhcpPhase } from "./dhcp-events.js";
