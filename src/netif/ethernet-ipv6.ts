import type { Clock } from "../clock/clock.js";
import { NeighborDiscovery, type NeighborDiscoveryOptions } from "../ndp/neighbor-discovery.js";
import type { NdpOptions } from "../ndp/config.js";
import { readU32 } from "../wire/big-endian.js";
import { buildIcmp6Packet } from "../wire/datagram-build.js";
import { DatagramRecord } from "../wire/datagram-record.js";
import { ethernetFrameAround } from "../wire/ethernet.js";
import { Icmpv6Type, Unreachable6Code } from "../wire/icmpv6.js";
import type { Ipv6Address } from "../wire/ipv6-address.js";
import { parseIpv6Into } from "../wire/ipv6-parse.js";
import { Ipv6Record } from "../wire/ipv6-record.js";
import type { MacAddress } from "../wire/mac-address.js";
import { releasePacket } from "../wire/packet-arena.js";
import { ParsedRecord } from "../wire/record.js";

/** What IPv6 on an Ethernet interface needs of the interface. */
export interface EthernetIpv6Host {
  readonly mac: MacAddress;
  /** The IPv6 MTU: the frame MTU less the Ethernet header (1500). */
  readonly mtu: number;
  /** Write the Ethernet header (EtherType 0x86DD, to `mac`) into `frame` and send it. */
  deliver(frame: Uint8Array, mac: MacAddress): void;
  /** A packet for the stack: from the link, or an ICMPv6 error made here about one of its own. */
  up(packet: Uint8Array): void;
}

/** How IPv6 runs on an interface: neighbour discovery's options, and whether to autoconfigure. */
export interface EthernetIpv6Options extends Omit<NeighborDiscoveryOptions, "host" | "clock" | "config"> {
  /** Neighbour discovery's constants (ndp/config.ts); `autoconf` says whether SLAAC forms addresses. */
  ndp?: NdpOptions;
}

/** Counts of IPv6 over one Ethernet interface beyond neighbour discovery's own (`nd.counters`). */
export interface EthernetIpv6Counters {
  /** Neighbour discovery messages taken by `nd.receive`, and those it or the checks here dropped. */
  ndIn: number;
  ndDropped: number;
  /** Packets from the stack with no next hop (no on-link prefix, no default router; RFC 4861 §5.2). */
  noRoute: number;
  /** Packets whose next hop never answered (RFC 4861 §7.2.2), each reported to the stack. */
  unresolved: number;
  /** Packets over the MTU a router advertised (RFC 4861 §6.3.4), each answered with packet too big. */
  tooBig: number;
}

const ETHERNET_HEADER = 14;
const IPV6_HEADER = 40;
/** RFC 4443 §2.4 (c): an error carries as much of the packet as fits in the minimum MTU. */
const MAX_QUOTE = 1280 - IPV6_HEADER - 8;
/** The hop limit of the stack's packets (the IPv6 layer's default, as IANA's default TTL). */
const STACK_HOP_LIMIT = 64;

/**
 * IPv6 over Ethernet (RFC 2464) on one interface, with neighbour discovery (RFC 4861) in it as ARP is in
 * the IPv4 path: ND messages from the link are checked and taken here, everything else goes up to the
 * stack; packets down get their next hop from ND (on-link, or a default router) and leave in frames to
 * the MAC ND resolves. The stack never sees ND, and ND never sees the stack's packets but as frames.
 */
export class EthernetIpv6 {
  readonly nd: NeighborDiscovery;
  readonly counters: EthernetIpv6Counters = { ndIn: 0, ndDropped: 0, noRoute: 0, unresolved: 0, tooBig: 0 };
  readonly #host: EthernetIpv6Host;
  readonly #v6 = new Ipv6Record();
  readonly #tcp = new ParsedRecord();
  readonly #datagram = new DatagramRecord();

  constructor(clock: Clock, host: EthernetIpv6Host, options: EthernetIpv6Options = {}) {
    this.#host = host;
    const { ndp, ...rest } = options;
    this.nd = new NeighborDiscovery({
      ...rest,
      clock,
      config: ndp,
      host: {
        mac: host.mac,
        mtu: host.mtu,
        send: (src, dst, hopLimit, type, code, body) => this.#sendNd(src, dst, hopLimit, type, code, body),
        deliver: (frame, mac) => host.deliver(frame, mac),
        unreachable: (_nextHop, frames) => {
          this.counters.unresolved += frames.length;
          for (const f of frames) this.#errorUp(f.subarray(ETHERNET_HEADER), Unreachable6Code.ADDRESS);
        },
      },
    });
  }

  /**
   * One IPv6 packet from a frame for us. ND messages (next header 58 straight after the IPv6 header,
   * types 133 to 137) are verified and taken: null, or "up" when the packet went to the stack. ND behind
   * extension headers goes up too (the stack counts it ignored): RFC 4861 sends none.
   */
  input(packet: Uint8Array): "up" | null {
    if (!isNd(packet)) {
      this.#host.up(packet);
      return "up";
    }
    this.counters.ndIn++;
    const v6 = this.#v6;
    const d = this.#datagram;
    const nd = this.nd;
    const dst = packet.subarray(24, 40);
    // The parser checks the header, the lengths and the ICMPv6 checksum (RFC 4861 §6.1.1, §7.1.1).
    if (parseIpv6Into(packet, v6, this.#tcp, d) !== null || v6.parsed !== 58 || !nd.acceptsDestination(dst, true)) {
      this.counters.ndDropped++;
      return null;
    }
    const body = packet.subarray(d.payloadOffset - 4, d.payloadOffset + d.payloadLength);
    const dropped = nd.receive(packet.subarray(8, 24), dst, v6.hopLimit, d.icmpType, d.icmpCode, body);
    if (dropped !== null) this.counters.ndDropped++;
    return null;
  }

  /**
   * One IPv6 packet from the stack, taken: sent, queued for resolution, or reported back. The stack's
   * packets carry its default hop limit, which becomes the one routers advertise (CurHopLimit, RFC 4861
   * §6.3.2; the IPv6 header has no checksum to mend). One over the MTU routers advertise earns a packet
   * too big (RFC 8201), so path MTU discovery shrinks what the stack sends, as Linux's EMSGSIZE would.
   */
  transmit(packet: Uint8Array): void {
    const nd = this.nd;
    if (packet.length > nd.mtu) {
      this.counters.tooBig++;
      this.#errorUp(packet, 0, Icmpv6Type.PACKET_TOO_BIG, nd.mtu);
      releasePacket(packet);
      return;
    }
    const nextHop = nd.nextHop(packet.subarray(24, 40));
    if (nextHop === null) {
      this.counters.noRoute++;
      this.#errorUp(packet, Unreachable6Code.NO_ROUTE);
      releasePacket(packet);
      return;
    }
    if (packet[7] === STACK_HOP_LIMIT) packet[7] = nd.hopLimit;
    this.#resolve(nextHop, packet);
  }

  /** Packets in frames to `nextHop`, the frame built around the packet in its arena slot when there is room. */
  #resolve(nextHop: Ipv6Address, packet: Uint8Array): void {
    const { frame, copied } = ethernetFrameAround(packet);
    if (copied) releasePacket(packet);
    this.nd.resolve(nextHop, frame);
  }

  /** ND's own messages: the IPv6 and ICMPv6 headers around `body`, to the neighbour or group `dst`. */
  #sendNd(src: Ipv6Address, dst: Ipv6Address, hopLimit: number, type: number, code: number, body: Uint8Array): void {
    const fields = { src: 0, dst: 0, ttl: hopLimit, type, code, rest: readU32(body, 0), payload: body.subarray(4) };
    this.#resolve(dst, buildIcmp6Packet(fields, { src, dst }));
  }

  /**
   * RFC 4861 §7.2.2 and RFC 4443 §3.1-3.2: the stack hears that `packet` of its own could not leave, as an
   * ICMPv6 error (destination unreachable by default) from its own source address, as Linux reports it
   * (ndisc_error_report): TCP takes unreachable as a soft error, so connect rejects with
   * HostUnreachableError at its timeout. Never about an ICMPv6 error or ND message.
   */
  #errorUp(packet: Uint8Array, code: number, type: number = Icmpv6Type.DEST_UNREACHABLE, rest = 0): void {
    if (packet.length < IPV6_HEADER + 8) return;
    if (packet[6] === 58 && (packet[IPV6_HEADER] < 128 || isNd(packet))) return;
    const src = packet.slice(8, 24);
    const quote = packet.subarray(0, Math.min(packet.length, IPV6_HEADER + MAX_QUOTE));
    const fields = { src: 0, dst: 0, ttl: STACK_HOP_LIMIT, type, code, rest, payload: quote };
    this.#host.up(buildIcmp6Packet(fields, { src, dst: src }));
  }
}

/** An ICMPv6 message of types 133 to 137 right after the IPv6 header (RFC 4861 §4). */
function isNd(packet: Uint8Array): boolean {
  const type = packet[IPV6_HEADER];
  return (
    packet.length > IPV6_HEADER &&
    packet[6] === 58 &&
    type >= Icmpv6Type.ROUTER_SOLICITATION &&
    type <= Icmpv6Type.REDIRECT
  );
}
