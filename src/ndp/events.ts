import { type Ipv6Address, ipv6ToString } from "../wire/ipv6-address.js";

/**
 * RFC 4862 §5.5.4's address states. A tentative address is under duplicate address detection and is
 * not yet the interface's: packets to it are dropped, except DAD's own solicitations and advertisements.
 */
export type AddressState = "tentative" | "preferred" | "deprecated";

/**
 * Where an address came from: the link-local one, SLAAC with a stable (RFC 7217) or random (RFC 8981)
 * id, or the user ("manual": given with its prefix, never expiring, still checked by DAD).
 */
export type AddressOrigin = "link-local" | "stable" | "temporary" | "manual";

/** One address of the interface, as neighbour discovery configured it. */
export interface ConfiguredAddress {
  readonly address: Ipv6Address;
  /** The RFC 5952 text of `address`. */
  readonly text: string;
  readonly prefixLength: number;
  readonly state: AddressState;
  readonly origin: AddressOrigin;
  /** When it becomes invalid and is removed, on the clock's timeline (Infinity: never). */
  readonly validUntil: number;
  /** When it becomes deprecated (Infinity: never). */
  readonly preferredUntil: number;
}

/** Why an address was removed. */
export type AddressRemoval = "expired" | "duplicate";

/** What changed on the interface, for the IPv6 layer and the user. */
export type NdpEvent =
  /** An address was added (tentative, or preferred when DAD is off) or changed state. */
  | { type: "address"; address: ConfiguredAddress }
  /** An address was removed: its valid lifetime ended, or DAD found it in use elsewhere. */
  | { type: "address-removed"; address: ConfiguredAddress; reason: AddressRemoval }
  /** A default router was added or refreshed (`lifetime` ms) or removed (`lifetime` 0). */
  | { type: "router"; router: Ipv6Address; lifetime: number }
  /** The link MTU a router advertised (RFC 4861 §4.6.4). */
  | { type: "mtu"; mtu: number }
  /** The hop limit a router advertised for our packets (RFC 4861 §6.3.4 CurHopLimit). */
  | { type: "hop-limit"; hopLimit: number }
  /** The multicast groups the interface listens to changed (its MAC filter follows). */
  | { type: "groups"; groups: Ipv6Address[] };

/** A neighbour discovery event on `Stack.events`: `change` is what `onNeighborDiscovery` hears. */
export interface NeighborDiscoveryEvent {
  readonly type: "neighbor-discovery";
  readonly time: number;
  readonly connection: null;
  readonly change: NdpEvent;
}

/** The line of one neighbour discovery event ("nd: fe80::1/64 preferred (link-local)"). */
export function ndpEventText({ change: c }: NeighborDiscoveryEvent): string {
  switch (c.type) {
    case "address":
      return `nd: ${c.address.text}/${c.address.prefixLength} ${c.address.state} (${c.address.origin})`;
    case "address-removed":
      return `nd: ${c.address.text} removed (${c.reason})`;
    case "router":
      return `nd: router ${ipv6ToString(c.router)} ${c.lifetime === 0 ? "removed" : `for ${c.lifetime} ms`}`;
    case "mtu":
      return `nd: link MTU ${c.mtu}`;
    case "hop-limit":
      return `nd: hop limit ${c.hopLimit}`;
    case "groups":
      return `nd: listening to ${c.groups.length} multicast groups`;
  }
}
