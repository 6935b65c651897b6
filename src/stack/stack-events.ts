/**
 * Every event a stack emits: the TCP layer's (tcp/tcp-events.ts), the IP layer's own, and those of the
 * DHCP client (dhcp/dhcp-events.ts) and neighbour discovery (ndp/events.ts) the api binds to it. `Stack.events`
 * and `TcpStream.events` deliver them; `eventText` (event-text.ts) renders each as one line.
 */
import type { DhcpEvent } from "../dhcp/dhcp-events.js";
import type { NeighborDiscoveryEvent } from "../ndp/events.js";
import type { EventSink, TcpEvent } from "../tcp/tcp-events.js";

/** RFC 1191: the IP layer learned (or forgot, on expiry) the path MTU towards a destination. */
export interface DestinationMtuEvent {
  readonly type: "destination-mtu";
  readonly time: number;
  readonly connection: null;
  /** The destination, dotted quad. */
  readonly address: string;
  readonly mtu: number;
}

/** Any event of a stack. */
export type StackEvent = TcpEvent | DestinationMtuEvent | DhcpEvent | NeighborDiscoveryEvent;

/** The `type` of each event. */
export type StackEventType = StackEvent["type"];

/** Where a stack's events go: built only while `listening`. */
export interface StackEventSink extends EventSink {
  emit(event: StackEvent): void;
}
