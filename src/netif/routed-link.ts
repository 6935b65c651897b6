import type { Link, LocalAddresses } from "../link/link.js";
import { ipv4DestinationOf, ipv4SourceOf, parseIpv4, parseIpv4Prefix } from "../wire/ipv4-address.js";
import { releasePacket } from "../wire/packet-arena.js";
import { buildIcmpPacket } from "../wire/datagram-build.js";
import { IcmpType, IpProtocol, UnreachableCode } from "../wire/datagram-types.js";
import { isIcmpError } from "../wire/datagram-parse.js";
import { EthernetInterface, type EthernetInterfaceOptions } from "./ethernet-interface.js";
import type { NetworkInterface } from "./network-interface.js";
import { RoutingTable } from "./routing-table.js";

/** One route: a destination prefix and the interface (and gateway) that reaches it. */
export interface RouteOptions {
  /** "192.168.1.0/24"; "0.0.0.0/0" is the default route. */
  destination: string;
  /** The router on `via`'s subnet; absent: the destination is on `via`'s link. */
  gateway?: string;
  via: NetworkInterface;
}

/** What `routedLink` takes: the interfaces and the routes between them. */
export interface RoutedLinkOptions {
  /** The interfaces; each gets the route to its own subnet. */
  interfaces: readonly NetworkInterface[];
  /** The default router: a default route through the interface whose subnet holds it. */
  gateway?: string;
  routes?: readonly RouteOptions[];
}

export interface RoutedLinkCounters {
  /** Packets with no route to their destination (dropped). */
  noRoute: number;
  /** Packets whose next hop never answered ARP (dropped; each reported up as an ICMP host unreachable). */
  unresolved: number;
}

/**
 * Several interfaces and a routing table, presented to the stack as one link: the stack's input and
 * output stay as they are on one raw-IP link. Packets from any interface go up; packets down take the
 * route of their destination (longest prefix) and leave by its interface for its next hop. The
 * interfaces' addresses (`localAddresses`) are the stack's too: it takes packets to each, and sends
 * from the one its route leaves by.
 */
export class RoutedLink implements Link {
  readonly routes = new RoutingTable();
  readonly interfaces: readonly NetworkInterface[];
  readonly counters: RoutedLinkCounters = { noRoute: 0, unresolved: 0 };
  /** The smallest interface MTU: the stack sizes its segments by the one link it sees. */
  readonly mtu: number;
  /** The interfaces' addresses, read at each call: `configure` (DHCP) changes them. */
  readonly localAddresses: LocalAddresses = {
    // A loop, not `some`: the loopback path asks this of every packet the stack sends.
    has: (ip) => {
      if (ip === 0) return false;
      for (const i of this.interfaces) if (i.address === ip) return true;
      return false;
    },
    sourceFor: (dst) => (dst === 0xffffffff ? 0 : (this.routes.lookup(dst)?.via.address ?? 0)),
  };
  #onReceive: ((packet: Uint8Array) => void) | null = null;

  constructor(options: RoutedLinkOptions) {
    if (options.interfaces.length === 0) throw new RangeError("routed link: at least one interface");
    this.interfaces = [...options.interfaces];
    this.mtu = Math.min(...this.interfaces.map((i) => i.mtu));
    for (const via of this.interfaces) {
      // An interface without an address yet (DHCP) has no subnet to route to.
      if (via.address !== 0) this.routes.add({ network: via.address, prefix: via.prefix, via });
      via.onUnreachable = (_nextHop, packets) => {
        this.counters.unresolved += packets.length;
        for (const p of packets) this.#hostUnreachable(via, p);
      };
    }
    if (options.gateway !== undefined) {
      const gateway = parseIpv4(options.gateway);
      const route = this.routes.lookup(gateway);
      if (route === null) throw new RangeError(`routed link: gateway ${options.gateway} is on no interface's subnet`);
      this.routes.add({ network: 0, prefix: 0, gateway, via: route.via });
    }
    for (const r of options.routes ?? []) {
      const { address, prefix } = parseIpv4Prefix(r.destination);
      const gateway = r.gateway === undefined ? undefined : parseIpv4(r.gateway);
      this.routes.add({ network: address, prefix, gateway, via: r.via });
    }
  }

  /**
   * A new address for `via` ("10.0.0.7/24"; null: none), as DHCP gives and takes it: the interface takes
   * it (an Ethernet one announces it), and every route through `via` is replaced by its subnet's and,
   * with `gateway`, the default route through that router.
   */
  configure(via: NetworkInterface, address: string | null, gateway?: string): void {
    if (!this.interfaces.includes(via)) throw new RangeError(`routed link: ${via.name} is not one of its interfaces`);
    this.routes.removeVia(via);
    via.setAddress(address ?? "0.0.0.0/0");
    if (address === null) return;
    this.routes.add({ network: via.address, prefix: via.prefix, via });
    // A router off the subnet (a server's mistake, or RFC 3442's on-link routers) is still asked by ARP on `via`.
    if (gateway !== undefined) this.routes.add({ network: 0, prefix: 0, gateway: parseIpv4(gateway), via });
  }

  get onReceive(): ((packet: Uint8Array) => void) | null {
    return this.#onReceive;
  }

  set onReceive(handler: ((packet: Uint8Array) => void) | null) {
    this.#onReceive = handler;
    for (const i of this.interfaces) i.onReceive = handler;
  }

  send(packet: Uint8Array): void {
    // IPv6 routes are neighbour discovery's (RFC 4861 §5.2): the first interface running it decides.
    if (packet[0] >> 4 === 6) {
      for (const i of this.interfaces) if (i.transmitIpv6?.(packet) === true) return;
      this.counters.noRoute++;
      releasePacket(packet);
      return;
    }
    const dst = ipv4DestinationOf(packet);
    // The limited broadcast is for the link, not routed (RFC 1812 §5.3.5.1): out of the first interface.
    const route = dst === 0xffffffff ? { via: this.interfaces[0], gateway: undefined } : this.routes.lookup(dst);
    if (route === null || dst < 0) {
      this.counters.noRoute++;
      releasePacket(packet);
      return;
    }
    route.via.transmit(packet, route.gateway ?? dst);
  }

  close(): void {
    for (const i of this.interfaces) i.close();
    this.#onReceive = null;
  }

  /**
   * A packet dropped because its next hop never answered goes back to the stack as an ICMP destination
   * unreachable (host) from the interface, quoting it, as Linux's ARP does (arp_error_report): so the
   * transport that sent it learns why (TCP: a soft error, reported by connect as HostUnreachableError).
   * Never about an ICMP error (RFC 1122 §3.2.2), nor about a packet too short to quote.
   */
  #hostUnreachable(via: NetworkInterface, packet: Uint8Array): void {
    const up = this.#onReceive;
    const ihl = (packet[0] & 15) * 4;
    if (up === null || packet.length < ihl + 8) return;
    if (packet[9] === IpProtocol.ICMP && isIcmpError(packet[ihl])) return;
    up(
      buildIcmpPacket({
        src: via.address,
        dst: ipv4SourceOf(packet),
        type: IcmpType.DEST_UNREACHABLE,
        code: UnreachableCode.HOST,
        rest: 0,
        payload: packet.subarray(0, ihl + 8),
      }),
    );
  }
}

/** What `ethernetLink` takes: the frame link, the address with its prefix, and an optional gateway. */
export interface EthernetLinkOptions extends EthernetInterfaceOptions {
  /** The default router, on the interface's subnet. */
  gateway?: string;
}

/**
 * One Ethernet interface as a stack's link: `new Stack({ address: "10.0.0.2", link: ethernetLink({ link,
 * address: "10.0.0.2/24", gateway: "10.0.0.1" }) })`. Its `interface` has the ARP cache and counters. (The
 * package's `ethernetLink`, src/api/ethernet-link.ts, is this one able to carry a DHCP client too.)
 */
export function ethernetLink(options: EthernetLinkOptions): RoutedLink & { interface: EthernetInterface } {
  const eth = new EthernetInterface(options);
  return Object.assign(new RoutedLink({ interfaces: [eth], gateway: options.gateway }), { interface: eth });
}
