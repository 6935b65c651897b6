import type { Clock } from "../clock/clock.js";
import { DhcpClient, type DhcpLease } from "../dhcp/dhcp-client.js";
import type { DhcpEventSink } from "../dhcp/dhcp-events.js";
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from "../dhcp/dhcp-message.js";
import { DhcpTimeoutError } from "../dhcp/errors.js";
import type { LoopbackLink } from "../link/loopback.js";
import type { EthernetInterface } from "../netif/ethernet-interface.js";
import type { RoutedLink } from "../netif/routed-link.js";
import type { IpStack } from "../stack/ip-stack.js";
import type { UdpSocket } from "../udp/udp-socket.js";
import { parseIpv4 } from "../wire/ipv4-address.js";

/** What `new Stack({ address: "dhcp", dhcp })` takes. */
export interface StackDhcpOptions {
  /** `stack.ready` rejects with DhcpTimeoutError after this many ms without a lease (the client keeps trying). Default 60 000. */
  timeout?: number;
  /** The host name to send (option 12); dnsmasq puts it in its DNS. */
  hostname?: string;
  /** An address held before: ask for it again first (RFC 2131 INIT-REBOOT). */
  previousAddress?: string;
  /** Check an offered address by ARP before using it, and DECLINE it if taken (RFC 2131 §4.4.1; 2 s). Default true. */
  probe?: boolean;
  /** Called when the address changes: the new lease, or null when it ended (expired, NAKed, released). */
  onLease?: (lease: DhcpLease | null) => void;
}

/** What the stack tells the binding, and learns from it. */
export interface DhcpBindingContext {
  ip: IpStack;
  loopback: LoopbackLink;
  /** The stack's link: a RoutedLink with an Ethernet interface, or the binding refuses it. */
  link: unknown;
  clock: Clock;
  /** The stack's event sink: the client's lease changes go there (and so to `onTrace` and capture comments). */
  events: DhcpEventSink;
  /** The lease's DNS servers (empty: none), for the stack's resolver. */
  dns(servers: readonly string[]): void;
}

/** A stack's DHCP client, its socket and `ready`. */
export interface DhcpBinding {
  client: DhcpClient;
  /** The first lease's address; rejects with DhcpTimeoutError, or StackClosedError via `fail`. */
  ready: Promise<string>;
  /** The stack is closing: RELEASE, stop, and reject `ready` with `error` if it is still pending. */
  close(error: Error): void;
}

/**
 * The client of `address: "dhcp"` on the stack's Ethernet interface: its socket on port 68 (broadcast, from
 * 0.0.0.0 until bound), and the lease applied to the stack, the loopback path, the interface (gratuitous
 * ARP) and the routes (subnet and default), and its DNS servers to the resolver.
 */
export function bindDhcpClient(ctx: DhcpBindingContext, options: StackDhcpOptions = {}): DhcpBinding {
  const { routed, eth } = ethernetOf(ctx.link);
  const timeout = options.timeout ?? 60_000;
  if (!(timeout > 0)) throw new RangeError(`dhcp.timeout must be positive, got ${options.timeout}`);
  let settle: { resolve(address: string): void; reject(error: Error): void } | null = null;
  const ready = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody need await it: a rejection nobody asked about is not an unhandled one.
  ready.catch(() => {});
  const { ip, loopback, clock } = ctx;
  const apply = (lease: DhcpLease | null) => {
    ip.setAddress(lease?.address ?? "0.0.0.0");
    loopback.setAddress(lease === null ? 0 : parseIpv4(lease.address));
    routed.configure(eth, lease === null ? null : `${lease.address}/${lease.prefix}`, lease?.router ?? undefined);
    ctx.dns(lease?.dns ?? []);
    options.onLease?.(lease);
  };
  const socket: UdpSocket = ip.udp({ port: DHCP_CLIENT_PORT, broadcast: true });
  const client = new DhcpClient(
    {
      clock,
      mac: eth.mac,
      send: (payload, dst) => socket.send(payload, dst, DHCP_SERVER_PORT),
      bound: (lease, previous) => {
        // A renewal that changes nothing leaves the interface alone (no new announcement, the ARP cache kept).
        const same =
          previous !== null &&
          previous.address === lease.address &&
          previous.prefix === lease.prefix &&
          previous.router === lease.router &&
          previous.dns.join() === lease.dns.join();
        if (!same) apply(lease);
        settle?.resolve(lease.address);
        settle = null;
        deadline.cancel();
      },
      unbound: () => apply(null),
      probe: options.probe === false ? undefined : (target, done) => eth.arp.probe(target, done),
      random: Math.random,
      events: ctx.events,
    },
    { hostname: options.hostname, previousAddress: options.previousAddress },
  );
  const deadline = clock.schedule(timeout, () => {
    const c = client.counters;
    settle?.reject(
      new DhcpTimeoutError(
        `no DHCP lease within ${timeout} ms (${c.discoversOut} DISCOVERs, ${c.offersIn} OFFERs, ${c.naksIn} NAKs)`,
      ),
    );
    settle = null;
  });
  socket.onReadable = () => {
    for (let d = socket.take(); d !== null; d = socket.take()) client.input(d.data);
  };
  client.start();
  return {
    client,
    ready,
    close(error) {
      deadline.cancel();
      client.stop(true);
      socket.close();
      settle?.reject(error);
      settle = null;
    },
  };
}

/**
 * The routed link and its Ethernet interface, known by their shape, not by `instanceof`: importing the
 * classes would put all of Ethernet and ARP into every bundle that has a Stack, used or not.
 */
function ethernetOf(link: unknown): { routed: RoutedLink; eth: EthernetInterface } {
  const routed = link as Partial<RoutedLink> | null | undefined;
  const eth = Array.isArray(routed?.interfaces)
    ? (routed.interfaces.find((i) => typeof (i as Partial<EthernetInterface>).arp?.probe === "function") as
        | EthernetInterface
        | undefined)
    : undefined;
  if (typeof routed?.configure !== "function" || eth === undefined) {
    throw new TypeError('address: "dhcp" needs an Ethernet link: link: ethernetLink({ link })');
  }
  return { routed: routed as RoutedLink, eth };
}
