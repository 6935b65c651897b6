/**
 * Every event a stack emits: the TCP layer's (tcp/tcp-events.ts) and the IP layer's own. `Stack.events`
 * and `TcpStream.events` deliver them; `eventText` (event-text.ts) renders each as one line.
 */
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
export type StackEvent = TcpEvent | DestinationMtuEvent;

/** The `type` of each event. */
export type StackEventType = StackEvent["type"];

/** Where a stack's events go: built only while `listening`. */
export interface StackEventSink extends EventSink {
  emit(event: StackEvent): void;
}
