/**
 * The DHCP client's lease changes as typed events: `Stack.events` delivers them with the engine's own,
 * and `eventText` renders each as the line the trace and capture comments carry ("dhcp: bound ...").
 */

/** What every DHCP event has: no connection, the clock's time. */
interface DhcpEventBase {
  readonly type: "dhcp";
  readonly time: number;
  readonly connection: null;
}

/**
 * One step of a lease's life (RFC 2131 §4.4): `bound` (a lease gained or renewed), `renewing` (T1,
 * unicast to the server), `rebinding` (T2, by broadcast), `expired`, `nak` (the server refused; the
 * address goes), `declined` (ARP found the offered address in use, §4.4.1), `restart` (no answer to the
 * REQUEST: back to DISCOVER, §3.1 step 5).
 */
export type DhcpEvent = DhcpEventBase & DhcpPhase;

/** The fields of each phase of a `DhcpEvent`, what the client fills in. */
export type DhcpPhase =
  | {
      readonly phase: "bound";
      /** Dotted quad, and its subnet's prefix length. */
      readonly address: string;
      readonly prefix: number;
      /** The server's identifier (its address). */
      readonly server: string;
      /** Seconds. */
      readonly leaseTime: number;
    }
  | { readonly phase: "renewing"; readonly address: string; readonly server: string }
  | { readonly phase: "rebinding" | "expired" | "declined"; readonly address: string }
  /** `message`: the server's reason (option 56), or null. */
  | { readonly phase: "nak"; readonly message: string | null }
  | { readonly phase: "restart" };

/** Where the client's events go: built only while `listening`. */
export interface DhcpEventSink {
  readonly listening: boolean;
  emit(event: DhcpEvent): void;
}

/** The line of one DHCP event, as the client traced it before events existed. */
export function dhcpEventText(e: DhcpEvent): string {
  return `dhcp: ${phaseText(e)}`;
}

function phaseText(e: DhcpEvent): string {
  switch (e.phase) {
    case "bound":
      return `bound ${e.address}/${e.prefix} from ${e.server} for ${e.leaseTime} s`;
    case "renewing":
      return `T1: renewing ${e.address} with ${e.server}`;
    case "rebinding":
      return `T2: rebinding ${e.address} by broadcast`;
    case "expired":
      return `lease of ${e.address} expired`;
    case "declined":
      return `${e.address} is in use (ARP): DECLINE`;
    case "nak":
      return `NAK${e.message === null ? "" : `: ${e.message}`}`;
    case "restart":
      return "no answer to REQUEST: starting over";
  }
}
