/**
 * wirestate: a userspace TCP/IP stack (IPv4 and IPv6) with a typestate API. This entry is browser-safe (no Node
 * built-ins on its import graph); the Node `stream.Duplex` adapter is in `wirestate-tcp/node`.
 *
 * ```ts
 * const [a, b] = memoryLinkPair({ loss: 0.01, delay: 10 });
 * await using server = new Stack({ address: "10.0.0.2", link: b });
 * await using client = new Stack({ address: "10.0.0.1", link: a });
 * await using listener = server.listen(80);
 * await using conn = await client.connect("10.0.0.2", 80);   // TcpStream<"Established">
 * await conn.write("hello");
 * const half = conn.shutdown();                                 // TcpStream<"FinWait1">: reads only
 * half.write("more");                                           // compile error: no 'write' in FinWait1
 * ```
 */
export type {
  AnyTcpStream,
  Aborts,
  CloseOptions,
  ClosedMethods,
  CloseWaitMethods,
  ClosingMethods,
  EstablishedMethods,
  FinWait1Methods,
  FinWait2Methods,
  LastAckMethods,
  ReadResult,
  Reads,
  SocketAddress,
  StateMethods,
  StreamCommon,
  StreamState,
  TcpStream,
  TimeWaitMethods,
  Writes,
  WriteOptions,
} from "./types.js";
export type {
  HalfCommon,
  HalfReadResult,
  ReadEndedMethods,
  ReadHalf,
  ReadHalfMethods,
  ReadHalfState,
  ReadOpenMethods,
  SplitStream,
  WriteAcknowledgedMethods,
  WriteHalf,
  WriteHalfMethods,
  WriteHalfState,
  WriteOpenMethods,
  WriteShutdownMethods,
} from "./half-types.js";
export { TcpListener } from "./listener.js";
// Errors: every one extends WirestateError and carries a stable `code` (src/errors/wirestate-error.ts).
export { WirestateError } from "../errors/wirestate-error.js";
export {
  CloseTimeoutError,
  type HandleState,
  ListenerClosedError,
  NoResolverError,
  StaleHandleError,
} from "./errors.js";
export {
  HostUnreachableError,
  NetworkUnreachableError,
  PortUnreachableError,
  ProtocolUnreachableError,
} from "../errors/unreachable.js";
export {
  AddressNotAvailableError,
  BroadcastNotEnabledError,
  DatagramTooLargeError,
  SocketClosedError,
} from "../udp/errors.js";
// What `Stack.resolve()` and a `connect()` by name reject with (all of wirestate/dns is in that entry).
export {
  DnsError,
  DnsTimeoutError,
  InvalidHostnameError,
  NameNotFoundError,
  NoRecordsError,
  ServerFailureError,
} from "../dns/errors.js";
export {
  AddressInUseError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  ConnectTimeoutError,
  KeepAliveTimeoutError,
  MemoryLimitError,
  UserTimeoutError,
} from "../tcp/errors.js";
export type { ConnectionInfo, ConnectOptions, ListenOptions, TcpState } from "../tcp/types.js";
export type { EventStream, EventOf, ListenOnOptions } from "./event-stream.js";
export type { StackEvent, StackEventType, DestinationMtuEvent } from "../stack/stack-events.js";
export { eventText, isTraced } from "../stack/event-text.js";
export { connectionId } from "../tcp/tcp-events.js";
export type {
  TcpEvent,
  ConnectionTuple,
  StateEvent,
  RtoEvent,
  RetransmitEvent,
  LossRecoveryEvent,
  TimerEvent,
  AbortEvent,
  IcmpEvent,
  PathMtuEvent,
  PathMtuReason,
  CwndEvent,
  ChallengeAckEvent,
  DropEvent,
  SynCookieEvent,
  SynDropEvent,
  ListenerAddress,
  ListenOverload,
  MemoryEvent,
} from "../tcp/tcp-events.js";
export type { EngineDrop } from "../tcp/connection.js";
export type { Clock, Timer } from "../clock/index.js";
export { RealClock, VirtualClock } from "../clock/index.js";
export { Stack, type StackOptions, type CaptureOptions, type StackDnsOptions, type UdpOptions } from "./stack.js";
export type { UdpSocket, UdpSocketState, UdpMessage } from "./udp-types.js";
export type { UdpSocketCounters } from "../udp/udp-socket.js";
export type { PingOptions, PingResult } from "../icmp/ping.js";
export type { IcmpErrorKind } from "../wire/icmp-errors.js";
export type { Resolution } from "../dns/resolver.js";
export {
  StackClosedError,
  type StackCounters,
  type DropReason,
  type MemoryCounters,
  type TcpConfig,
} from "../stack/index.js";
// What a first program needs besides the stack: a link to run it on and somewhere to capture to.
export {
  type Link,
  type Impairment,
  type CountedLink,
  LinkSetupError,
  memoryLinkPair,
  type MemoryLinkOptions,
  impair,
  messagePortLink,
  webSocketLink,
} from "../link/index.js";
export { PcapWriter, PcapngWriter, MemorySink, type CaptureWriter, CaptureError } from "../pcap/index.js";
// Ethernet: interfaces with ARP, routes, a learning switch, a v86 NIC (the TAP tunnel is in wirestate/node).
export { ethernetLink } from "./ethernet-link.js";
export {
  EthernetInterface,
  EthernetIpv6,
  RawIpInterface,
  RoutedLink,
  RoutingTable,
  type EthernetLinkOptions,
  type EthernetInterfaceOptions,
  type EthernetIpv6Counters,
  type EthernetIpv6Options,
  type NetworkInterface,
  type RoutedLinkOptions,
  type RouteOptions,
} from "../netif/index.js";
export type { NeighborConfig, NeighborState } from "../neighbor/index.js";
export type {
  NeighborDiscovery,
  NdpConfig,
  NdpOptions,
  NdpCounters,
  NdpEvent,
  NeighborDiscoveryEvent,
  ConfiguredAddress,
  AddressOrigin,
  AddressState,
} from "../ndp/index.js";
export { virtualSwitch, type VirtualSwitch, type SwitchPort, v86Link, type V86BusLike } from "../link/index.js";
export { parseMac, macToString, randomLocalMac, type MacAddress } from "../wire/index.js";
// DHCP: `address: "dhcp"` for a stack on an Ethernet link, and `dhcpServer(stack, ...)` to give addresses out.
export { DhcpTimeoutError } from "../dhcp/errors.js";
export type { StackDhcpOptions } from "./dhcp-binding.js";
export { dhcpServer, type DhcpServerHandle } from "./dhcp-server.js";
export type {
  DhcpClient,
  DhcpClientCounters,
  DhcpClientDrop,
  DhcpLease,
  DhcpState,
  DhcpServerOptions,
  DhcpServerCounters,
  DhcpServerDrop,
  DhcpParseError,
  DhcpEvent,
  DhcpPhase,
} from "../dhcp/index.js";
