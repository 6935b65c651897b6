import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import type { Link } from "../link/link.js";
import { Arp } from "../neighbor/arp.js";
import { neighborConfig, type NeighborConfig } from "../neighbor/config.js";
import type { NeighborCache } from "../neighbor/neighbor-cache.js";
import {
  EtherType,
  ethernetFrameAround,
  newEthernetRepr,
  parseEthernetInto,
  writeEthernetHeader,
} from "../wire/ethernet.js";
import { parseIpv4Prefix, prefixMask } from "../wire/ipv4-address.js";
import type { Ipv6Address } from "../wire/ipv6-address.js";
import type { LinkParseErrorReason } from "../wire/layout.generated.js";
import { BROADCAST_MAC, isMac, parseMac, randomLocalMac, type MacAddress } from "../wire/mac-address.js";
import { releasePacket } from "../wire/packet-arena.js";
import type { NdpEvent } from "../ndp/events.js";
import { EthernetIpv6, type EthernetIpv6Options } from "./ethernet-ipv6.js";
import type { NetworkInterface } from "./network-interface.js";

/** Why an Ethernet interface dropped a frame or packet, one counter each. */
export type EthernetDrop =
  | LinkParseErrorReason
  | "not-for-us" // a unicast frame to another MAC, or a multicast group we have not joined
  | "unknown-ethertype" // neither IPv4 nor ARP, or IPv6 while IPv6 is not started
  | "unclaimed" // IPv4 or IPv6 while no stack is attached
  | "interface-closed";

const DROPS: readonly EthernetDrop[] = [
  "truncated-frame",
  "not-ethernet-ii",
  "vlan-tagged",
  "multicast-source",
  "truncated-arp",
  "bad-arp-format",
  "bad-arp-operation",
  "not-for-us",
  "unknown-ethertype",
  "unclaimed",
  "interface-closed",
];

export interface EthernetInterfaceCounters {
  framesIn: number;
  framesOut: number;
  drops: Record<EthernetDrop, number>;
}

/** The options of an Ethernet interface: its address and subnet, MAC, and ARP's bounds. */
export interface EthernetInterfaceOptions {
  /** A link that carries Ethernet frames (its `mtu` is the largest frame, header included: 1514). */
  link: Link;
  /**
   * The interface's address with its prefix, "10.0.0.2/24" (without one: /24). Absent: none yet (DHCP
   * sets one: `RoutedLink.configure`); until then only broadcasts go out and ARP answers nothing.
   */
  address?: string;
  /** Default: a random locally administered address (wire/mac-address.ts). */
  mac?: MacAddress | string;
  name?: string;
  clock?: Clock;
  neighbor?: Partial<NeighborConfig>;
  /** Neighbour discovery's options, for when a stack starts IPv6 on the interface (`startIpv6`). */
  ipv6?: EthernetIpv6Options;
}

const ETHERNET_HEADER = 14;

/**
 * IPv4 over Ethernet II (RFC 894) with ARP (RFC 826): frames from the link become IPv4 packets for the
 * stack, and the stack's packets go out in frames to the MAC of their next hop, which the interface's
 * neighbour cache resolves (queueing them meanwhile). Frames for other stations, VLAN-tagged frames and
 * malformed ones are counted and dropped.
 */
export class EthernetInterface implements NetworkInterface {
  readonly name: string;
  readonly mac: MacAddress;
  readonly mtu: number;
  readonly counters: EthernetInterfaceCounters;
  /** Set by the stack: each IPv4 packet that arrives for it. */
  onReceive: ((packet: Uint8Array) => void) | null = null;
  onUnreachable: ((nextHop: number, packets: readonly Uint8Array[]) => void) | null = null;
  #address = 0;
  #prefix = 24;
  readonly #link: Link;
  readonly #arp: Arp;
  readonly #eth = newEthernetRepr();
  readonly #clock: Clock;
  readonly #ipv6Options: EthernetIpv6Options | undefined;
  #ipv6: EthernetIpv6 | null = null;
  #closed = false;

  constructor(options: EthernetInterfaceOptions) {
    const { mac } = options;
    this.mac = mac === undefined ? randomLocalMac() : typeof mac === "string" ? parseMac(mac) : mac;
    if (!isMac(this.mac)) throw new TypeError(`ethernet interface: not a MAC address: ${String(mac)}`);
    this.name = options.name ?? "eth0";
    this.#link = options.link;
    this.mtu = this.#link.mtu - ETHERNET_HEADER;
    const drops = {} as Record<EthernetDrop, number>;
    for (const d of DROPS) drops[d] = 0;
    this.counters = { framesIn: 0, framesOut: 0, drops };
    const self = this;
    this.#clock = options.clock ?? new RealClock();
    this.#ipv6Options = options.ipv6;
    this.#arp = new Arp(this.#clock, neighborConfig(options.neighbor), {
      mac: this.mac,
      get ip() {
        return self.#address;
      },
      sendFrame: (frame) => this.#sendFrame(frame),
      deliver: (frame, dst) => this.#deliver(frame, dst),
      unreachable: (ip, frames) =>
        this.onUnreachable?.(
          ip,
          frames.map((f) => f.subarray(ETHERNET_HEADER)),
        ),
    });
    this.#link.onReceive = (frame) => this.#input(frame);
    this.setAddress(options.address ?? "0.0.0.0/0");
  }

  get address(): number {
    return this.#address;
  }

  get prefix(): number {
    return this.#prefix;
  }

  get arp(): Arp {
    return this.#arp;
  }

  get neighbors(): NeighborCache<number> {
    return this.#arp.cache;
  }

  /** IPv6 on this interface with its neighbour discovery, once started; null before. */
  get ipv6(): EthernetIpv6 | null {
    return this.#ipv6;
  }

  /**
   * Starts IPv6 (RFC 2464) with neighbour discovery: the link-local address and DAD, router discovery,
   * SLAAC when `autoconf` (RFC 4862), and the user's `addresses` (each under DAD too). Frames of
   * EtherType 0x86DD are taken from then on. `onEvent` hears every change from the first. Once only:
   * a second call throws.
   */
  startIpv6(
    addresses: readonly { address: Ipv6Address; prefix: number }[],
    autoconf: boolean,
    onEvent: (e: NdpEvent) => void,
  ): EthernetIpv6 {
    if (this.#ipv6 !== null) throw new Error(`${this.name}: IPv6 is already started`);
    const options = this.#ipv6Options ?? {};
    const ipv6 = new EthernetIpv6(
      this.#clock,
      {
        mac: this.mac,
        mtu: this.mtu,
        deliver: (frame, mac) => {
          writeEthernetHeader(frame, mac, this.mac, EtherType.IPV6);
          this.#sendFrame(frame);
        },
        up: (packet) => this.#up(packet),
      },
      { ...options, ndp: { ...options.ndp, autoconf } },
    );
    this.#ipv6 = ipv6;
    ipv6.nd.onEvent = onEvent;
    onEvent({ type: "groups", groups: ipv6.nd.groups() });
    if (this.#closed) return ipv6;
    for (const a of addresses) ipv6.nd.addManual(a.address, a.prefix);
    ipv6.nd.start();
    return ipv6;
  }

  /** One IPv6 packet from the stack, to its next hop (RFC 4861 §5.2). False when IPv6 is not started. */
  transmitIpv6(packet: Uint8Array): boolean {
    if (this.#ipv6 === null) return false;
    if (this.#closed) {
      this.counters.drops["interface-closed"]++;
      releasePacket(packet);
      return true;
    }
    this.#ipv6.transmit(packet);
    return true;
  }

  /**
   * A new address ("0.0.0.0/0": none): the old one's neighbours are forgotten and the new one is
   * announced (RFC 5227 §2.3, "gratuitous ARP").
   * A RoutedLink's routes through the interface are its owner's to change (`routes.removeVia`, `add`).
   */
  setAddress(address: string): void {
    const { address: ip, prefix } = parseIpv4Prefix(address, 24);
    this.#address = ip;
    this.#prefix = prefix;
    this.#arp.cache.clear();
    if (!this.#closed) this.#arp.announce();
  }

  /** Send `packet` in a frame to `nextHop`'s MAC, resolving it with ARP first when it is not cached. */
  transmit(packet: Uint8Array, nextHop: number): void {
    if (this.#closed) {
      this.counters.drops["interface-closed"]++;
      return;
    }
    // In place in the packet's arena slot when there is room; a copy frees the slot at once.
    const { frame, copied } = ethernetFrameAround(packet);
    if (copied) releasePacket(packet);
    if (this.#isBroadcast(nextHop)) this.#deliver(frame, BROADCAST_MAC);
    else this.#arp.cache.send(nextHop, frame);
  }

  /** Detach from the link and drop what waited for ARP. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#arp.cache.clear();
    this.#ipv6?.nd.stop();
    this.#link.onReceive = null;
    this.onReceive = null;
  }

  /** The limited broadcast, and our subnet's directed broadcast (RFC 919, RFC 922). */
  #isBroadcast(ip: number): boolean {
    if (ip === 0xffffffff) return true;
    const host = ~prefixMask(this.#prefix) >>> 0;
    return this.#prefix < 31 && ((ip ^ this.#address) & ~host) === 0 && (ip & host) >>> 0 === host;
  }

  #deliver(frame: Uint8Array, dst: MacAddress): void {
    writeEthernetHeader(frame, dst, this.mac, EtherType.IPV4);
    this.#sendFrame(frame);
  }

  #sendFrame(frame: Uint8Array): void {
    if (this.#closed) return;
    this.counters.framesOut++;
    this.#link.send(frame);
  }

  /** One frame from the link; every frame not handed up ends here, so its arena slot (if any) is freed here. */
  #input(frame: Uint8Array): void {
    this.counters.framesIn++;
    const outcome = this.#accept(frame);
    if (outcome === "up") return;
    if (outcome !== null) this.counters.drops[outcome]++;
    releasePacket(frame);
  }

  /** "up": the stack took the IPv4 packet (and frees it, as any packet); null: ARP took it; else the drop. */
  #accept(frame: Uint8Array): EthernetDrop | "up" | null {
    if (this.#closed) return "interface-closed";
    const eth = this.#eth;
    const reason = parseEthernetInto(frame, eth);
    if (reason !== null) return reason;
    if (eth.etherType === EtherType.IPV6) {
      const ipv6 = this.#ipv6;
      if (ipv6 === null) return "unknown-ethertype";
      // RFC 2464 §7: our groups' MACs, 33:33 and the group's low 32 bits (the multicast filter).
      if (eth.dst !== this.mac && !ipv6.nd.acceptsMac(eth.dst)) return "not-for-us";
      if (this.onReceive === null) return "unclaimed";
      return ipv6.input(frame.subarray(ETHERNET_HEADER));
    }
    if (eth.dst !== this.mac && eth.dst !== BROADCAST_MAC) return "not-for-us";
    if (eth.etherType === EtherType.ARP) return this.#arp.input(frame);
    if (eth.etherType !== EtherType.IPV4) return "unknown-ethertype";
    if (this.onReceive === null) return "unclaimed";
    return this.#up(frame.subarray(ETHERNET_HEADER));
  }

  #up(packet: Uint8Array): "up" {
    this.onReceive?.(packet);
    return "up";
  }
}
