import type { Clock } from "../clock/clock.js";
import type { Link } from "../link/link.js";
import { Reassembler, type ReassemblyLimits } from "../fragments/reassembler.js";
import { fragmentIpv6, ipv6FragmentOf, sealIpv6 } from "../fragments/ipv6-fragments.js";
import type { Fragment } from "../fragments/fragment-header.js";
import { Icmpv6Protocol, type Icmpv6ProtocolOptions, type Offending } from "../icmp/icmpv6-protocol.js";
import type { PingOptions, PingSession } from "../icmp/ping.js";
import type { TcpProtocol } from "../tcp/tcp-protocol.js";
import type { UdpProtocol } from "../udp/udp-protocol.js";
import { buildPacketInto, buildSegmentInArena, maxPacketLength } from "../wire/build.js";
import { buildIcmp6Packet, buildUdp6Packet } from "../wire/datagram-build.js";
import { DatagramRecord } from "../wire/datagram-record.js";
import type { IcmpPacketFields, UdpPacketFields } from "../wire/datagram-types.js";
import { Icmpv6Type, ParameterProblemCode, Unreachable6Code } from "../wire/icmpv6.js";
import { icmpv6TypeOf } from "../wire/ipv6-chain.js";
import { parseIpv6Into } from "../wire/ipv6-parse.js";
import { Ipv6Record } from "../wire/ipv6-record.js";
import type { Ipv6Ends } from "../wire/ipv6-slots.js";
import { ParsedRecord } from "../wire/record.js";
import type { PacketFields, ParseErrorReason } from "../wire/types.js";
import type { ByteSlab } from "../tcp/byte-slab.js";
import type { AddressBook } from "./address-book.js";
import type { StackCounters } from "./counters.js";
import type { PathMtuCache } from "./path-mtu-cache.js";

/** Why the IPv6 layer dropped a packet beyond what the parser rejects. */
export type Ipv6Drop =
  | "ipv6-bad-source" // a multicast source (RFC 4291 §2.7), or the unspecified one outside neighbour discovery
  | "ipv6-no-next-header" // next header 59: nothing follows (RFC 8200 §4.7)
  | "address-collision" // two IPv6 addresses with the same 48-bit key (vanishingly rare): not taken
  | "ipv6-no-address"; // an IPv6 packet while this stack has no IPv6 address

export const IPV6_DROPS: readonly Ipv6Drop[] = [
  "ipv6-bad-source",
  "ipv6-no-next-header",
  "address-collision",
  "ipv6-no-address",
];

export interface Ipv6LayerOptions {
  book: AddressBook;
  clock: Clock;
  counters: StackCounters;
  link: Link;
  tcp: TcpProtocol;
  udp: UdpProtocol;
  pathMtus: PathMtuCache;
  /** Slabs for TCP packets when the arena is full (the stack's, shared with IPv4). */
  slab: ByteSlab;
  reassembly?: Partial<ReassemblyLimits>;
  icmpRate?: { echo?: number; error?: number };
  /** An ICMPv6 error quoting one of our TCP or UDP packets (the IPv4 one's dispatch, IpStack's). */
  errorArrives: Icmpv6ProtocolOptions["errorArrives"];
  /** Packet too big (RFC 8201, never under 1280): IpStack's path MTU report, TCP's quote checked. */
  packetTooBig: Icmpv6ProtocolOptions["packetTooBig"];
  dropped(reason: ParseErrorReason): void;
  closed(): boolean;
}

/**
 * IPv6 (RFC 8200) beside IPv4 in one stack: packets the link brings with version 6 are parsed by the
 * wire core, the header chain's verdicts answered (ICMPv6 parameter problems), fragments reassembled
 * (RFC 8200 §4.5, overlaps dropping the datagram as RFC 5722 says), and the rest dispatched to TCP, UDP
 * and ICMPv6 with address keys in the records, so the transports' code is the same for both families.
 * Packets out are built between the keys' bytes; datagrams over the path MTU leave in fragments.
 */
export class Ipv6Layer {
  readonly icmp: Icmpv6Protocol;
  readonly #o: Ipv6LayerOptions;
  readonly #v6 = new Ipv6Record();
  readonly #tcpRecord = new ParsedRecord();
  readonly #datagram = new DatagramRecord();
  readonly #reassembler: Reassembler;
  #fragmentId: number;
  /** The UDP packet being processed, for the port unreachable it may earn (its Offending built only then). */
  #current: Uint8Array | null = null;
  #currentMulticast = false;

  constructor(o: Ipv6LayerOptions) {
    this.#o = o;
    this.#fragmentId = crypto.getRandomValues(new Uint32Array(1))[0];
    this.#reassembler = new Reassembler(
      o.clock,
      o.counters,
      (quoted, about) => this.#reassemblyTimeExceeded(quoted, about),
      o.reassembly,
      sealIpv6,
    );
    this.icmp = new Icmpv6Protocol({
      clock: o.clock,
      counters: o.counters,
      addresses: o.book,
      transmit: (fields) => this.transmitDatagram(fields),
      errorArrives: o.errorArrives,
      packetTooBig: o.packetTooBig,
      echoRate: o.icmpRate?.echo ?? 100,
      errorRate: o.icmpRate?.error ?? 100,
    });
  }

  /** One IPv6 packet from the link (the version nibble said 6). Never throws on its content. */
  input(packet: Uint8Array): void {
    const o = this.#o;
    const book = o.book;
    const v6 = this.#v6;
    const d = this.#datagram;
    if (!book.hasIpv6) {
      o.counters.drops["ipv6-no-address"]++;
      return;
    }
    const reason = parseIpv6Into(packet, v6, this.#tcpRecord, d);
    if (reason !== null && reason !== "ipv6-parameter-problem") {
      o.dropped(reason);
      return;
    }
    // The destination first: only a packet for us earns an answer.
    if (!book.accepts(packet, 24)) {
      o.counters.drops["wrong-address"]++;
      return;
    }
    if (packet[8] === 0xff) {
      o.counters.drops["ipv6-bad-source"]++;
      return;
    }
    const src = book.keyOf(packet, 8);
    const dst = book.keyOf(packet, 24);
    if (src < 0 || dst < 0) {
      o.counters.drops["address-collision"]++;
      return;
    }
    const multicast = packet[24] === 0xff;
    if (reason === "ipv6-parameter-problem") {
      o.dropped(reason);
      const about = this.#offending(packet, src, dst, multicast, (packet[4] << 8) + packet[5] + 40, false);
      // The chain stopped early: whether the packet is an ICMPv6 error is found by walking it again.
      const type = icmpv6TypeOf(packet);
      about.isError = type >= 0 && (type < 128 || type === Icmpv6Type.REDIRECT);
      this.icmp.parameterProblem(about, v6.problemCode, v6.problemPointer, v6.problemUnlessMulticast);
      return;
    }
    if (v6.fragmentAt !== 0) {
      const whole = this.#reassembler.add(ipv6FragmentOf(v6, packet, src, dst));
      if (whole !== null) this.input(whole);
      return;
    }
    const unspecified = src === book.unspecifiedKey;
    switch (v6.parsed) {
      case 6: {
        if (unspecified || multicast) {
          o.counters.drops[unspecified ? "ipv6-bad-source" : "wrong-address"]++;
          return;
        }
        const r = this.#tcpRecord;
        r.src = src;
        r.dst = dst;
        o.tcp.arrives(r, packet);
        return;
      }
      case 17:
      case 58:
        d.src = src;
        d.dst = dst;
        d.ttl = v6.hopLimit;
        d.tos = v6.trafficClass;
        d.protocol = v6.parsed;
        d.totalLength = v6.totalLength;
        this.#current = packet;
        this.#currentMulticast = multicast;
        try {
          if (v6.parsed === 58) this.icmp.arrives(d, packet, multicast);
          else if (unspecified) o.counters.drops["ipv6-bad-source"]++;
          else o.udp.arrives(d, packet, multicast);
        } finally {
          this.#current = null;
        }
        return;
    }
    if (v6.upper === 59) {
      o.counters.drops["ipv6-no-next-header"]++;
      return;
    }
    // RFC 8200 §4: an unrecognized next header: parameter problem, code 1, at the field naming it.
    o.counters.drops["unknown-protocol"]++;
    const about = this.#offending(packet, src, dst, multicast, v6.totalLength, false);
    this.icmp.parameterProblem(about, ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER, v6.upperPointer, true);
  }

  /** RFC 4443 §3.1: port unreachable (code 4) about the UDP datagram being processed. */
  portUnreachable(): void {
    const packet = this.#current;
    if (packet !== null) {
      const d = this.#datagram;
      const about = this.#offending(packet, d.src, d.dst, this.#currentMulticast, d.totalLength, false);
      this.icmp.sendError(about, Icmpv6Type.DEST_UNREACHABLE, Unreachable6Code.PORT);
    }
  }

  ping(address: string, options?: PingOptions): PingSession {
    return this.icmp.ping(address, options);
  }

  /** A TCP segment to an IPv6 key, built between the keys' bytes. */
  transmitTcp(fields: PacketFields): void {
    const ends = this.#ends(fields.src, fields.dst);
    if (ends === null) return;
    const link = this.#o.link;
    const inArena = buildSegmentInArena(fields, ends);
    if (inArena !== null) {
      link.send(inArena);
      return;
    }
    const slab = this.#o.slab;
    const buffer = slab.reserve(maxPacketLength(fields.payload?.length ?? 0, true));
    const length = buildPacketInto(fields, buffer, slab.offset, ends);
    link.send(slab.commit(length));
  }

  /** A UDP datagram or ICMPv6 message to an IPv6 key; over the path MTU, in fragments (RFC 8200 §4.5). */
  transmitDatagram(fields: UdpPacketFields | IcmpPacketFields): void {
    const o = this.#o;
    if (o.closed()) return;
    const ends = this.#ends(fields.src, fields.dst);
    if (ends === null) return;
    const packet = "srcPort" in fields ? buildUdp6Packet(fields, ends) : buildIcmp6Packet(fields, ends);
    const mtu = Math.min(o.link.mtu, o.pathMtus.mtu(fields.dst));
    if (packet.length <= mtu) {
      o.link.send(packet);
      return;
    }
    const id = this.#fragmentId;
    this.#fragmentId = (id + 1) >>> 0;
    const fragments = fragmentIpv6(packet, mtu, id);
    o.counters.datagramsFragmented++;
    o.counters.fragmentsOut += fragments.length;
    for (const f of fragments) o.link.send(f);
  }

  close(): void {
    this.icmp.close();
    this.#reassembler.close();
  }

  #ends(src: number, dst: number): Ipv6Ends | null {
    const book = this.#o.book;
    const s = book.bytes(src);
    const d = book.bytes(dst);
    // A key nobody held was forgotten: nothing may send to it (the holders retain theirs).
    if (s === undefined || d === undefined) {
      this.#o.counters.drops["address-collision"]++;
      return null;
    }
    return { src: s, dst: d };
  }

  #offending(
    bytes: Uint8Array,
    src: number,
    dst: number,
    multicast: boolean,
    totalLength: number,
    icmp: boolean,
  ): Offending {
    const d = this.#datagram;
    const isError = icmp && (d.icmpType < 128 || d.icmpType === Icmpv6Type.REDIRECT);
    return { bytes, totalLength, src, dst, multicast, isError };
  }

  /** RFC 8200 §4.5: fragment zero came, the datagram did not: time exceeded, code 1, quoting it. */
  #reassemblyTimeExceeded(quoted: Uint8Array, about: Fragment): void {
    if (this.#o.closed()) return;
    const multicast = quoted[24] === 0xff;
    const offending: Offending = {
      bytes: quoted,
      totalLength: quoted.length,
      src: about.src,
      dst: about.dst,
      multicast,
      // Fragment zero's first data byte is the ICMPv6 type when the datagram is ICMPv6.
      isError: quoted[6] === 58 && quoted.length > 40 && quoted[40] < 128,
    };
    this.icmp.sendError(offending, Icmpv6Type.TIME_EXCEEDED, 1);
  }
}
