import type { Clock } from "../clock/clock.js";
import type { StackEventSink } from "../stack/stack-events.js";
import type { NdpEvent } from "../ndp/events.js";
import type { NeighborDiscovery } from "../ndp/neighbor-discovery.js";
import type { EthernetInterface } from "../netif/ethernet-interface.js";
import type { NetworkInterface } from "../netif/network-interface.js";
import type { Link } from "../link/link.js";
import type { AddressBook } from "../stack/address-book.js";
import type { Ipv6Address } from "../wire/ipv6-address.js";

/**
 * The interface IPv6 runs on over `link`: the first Ethernet one of an `ethernetLink` or RoutedLink. Found
 * by shape, not `instanceof`, so a bundle with a Stack but no Ethernet link carries neither Ethernet nor
 * neighbour discovery (the demo page's budget); an Ethernet interface is the one that can start IPv6.
 */
export function ethernetInterfaceOf(link: Link | undefined): EthernetInterface | null {
  const interfaces = (link as { interfaces?: readonly NetworkInterface[] } | undefined)?.interfaces;
  const eth = interfaces?.find((i) => "startIpv6" in i);
  return (eth as EthernetInterface | undefined) ?? null;
}

/**
 * Starts IPv6 on `eth` and keeps the stack's addresses in step with neighbour discovery: an address is
 * the stack's once DAD assigned it (RFC 4862 §5.4) until its valid lifetime ends or DAD removes it, and
 * the stack takes packets to ND's multicast groups. The user's `manual` addresses are the stack's from
 * the start. `changed` hears each change of the stack's addresses; after it is applied, each event goes to
 * `observers.listener` and, while anyone listens, to the stack's events as a `neighbor-discovery` event.
 */
export function startNeighborDiscovery(
  eth: EthernetInterface,
  book: AddressBook,
  manual: readonly { address: Ipv6Address; prefix: number }[],
  autoconf: boolean,
  changed: () => void,
  observers: { sink: StackEventSink; clock: Clock; listener: ((e: NdpEvent) => void) | undefined },
): NeighborDiscovery {
  const { sink, clock, listener } = observers;
  let groups: Ipv6Address[] = [];
  const apply = (e: NdpEvent) => {
    switch (e.type) {
      case "address":
        if (e.address.state !== "tentative" && book.addLocal(e.address.address, e.address.prefixLength)) changed();
        break;
      case "address-removed":
        if (book.removeLocal(e.address.address)) changed();
        break;
      case "groups":
        for (const g of groups) book.leave(g);
        groups = e.groups;
        for (const g of groups) book.join(g);
        break;
    }
    listener?.(e);
    if (sink.listening) sink.emit({ type: "neighbor-discovery", time: clock.now(), connection: null, change: e });
  };
  return eth.startIpv6(manual, autoconf, apply).nd;
}
