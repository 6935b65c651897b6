import type { Clock } from "../clock/clock.js";
import type { DatagramRecord } from "../wire/datagram-record.js";
import type { IcmpPacketFields } from "../wire/datagram-types.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { Icmpv6Type, ParameterProblemCode, icmpv6ErrorKind, isHardIcmpv6Error } from "../wire/icmpv6.js";
import { isIpv6Multicast, isIpv6Unspecified } from "../wire/ipv6-multicast.js";
import type { IcmpCounters, IcmpDrop } from "./icmp-protocol.js";
import type { PingHost, PingOptions, PingSession } from "./ping.js";
import { PingSessions } from "./ping-sessions.js";
import { RateLimiter } from "./rate-limiter.js";

/** RFC 4443 §2.4(c): an error carries as much of the offending packet as fits the minimum MTU, 1280. */
const MAX_QUOTE = 1280 - 48;
/** RFC 8200 §5: no link has an MTU under 1280; a packet-too-big naming less is taken as 1280 (RFC 8201 §4). */
export const MIN_IPV6_MTU = 1280;

/** The address keys ICMPv6 needs (src/stack/address-book.ts keeps them). */
export interface Icmpv6Addresses {
  keyOf(bytes: Uint8Array, at: number): number;
  parse(text: string): number;
  isLocal(key: number): boolean;
  sourceFor(remote: number): number;
  retain(key: number): void;
  release(key: number): void;
}

/** An offending packet an error is about: what RFC 4443 §2.4(e) looks at. */
export interface Offending {
  bytes: Uint8Array;
  /** 40 plus the payload length. */
  totalLength: number;
  src: number;
  dst: number;
  /** Sent to a multicast address. */
  multicast: boolean;
  /** An ICMPv6 error message or a redirect (never answered with an error). */
  isError: boolean;
}

export interface Icmpv6ProtocolOptions {
  clock: Clock;
  counters: IcmpCounters;
  addresses: Icmpv6Addresses;
  /** Send one ICMPv6 message; `src` and `dst` are address keys. */
  transmit(fields: IcmpPacketFields): void;
  /** An error quoting one of our TCP or UDP packets (to `quotedDst`): to the transport, which says if it acted. */
  errorArrives(r: DatagramRecord, quotedDst: number, kind: IcmpErrorKind, hard: boolean): IcmpDrop | null;
  /** Packet too big (RFC 8201) quoting our packet to `quotedDst`: the path takes `mtu` bytes. */
  packetTooBig(r: DatagramRecord, quotedDst: number, mtu: number): void;
  echoRate: number;
  errorRate: number;
}

/**
 * ICMPv6 (RFC 4443) for the stack's IPv6 addresses: answers echo requests, runs `ping` sessions, hands
 * errors about our packets to the transport that sent them (RFC 5927: only when the quoted packet is
 * ours), feeds packet-too-big to path MTU discovery (RFC 8201), and sends the errors the stack owes,
 * rate-limited and never where §2.4(e) forbids them.
 */
export class Icmpv6Protocol implements PingHost {
  readonly protocol = 58;
  readonly clock: Clock;
  readonly #o: Icmpv6ProtocolOptions;
  readonly #echoLimit: RateLimiter;
  readonly #errorLimit: RateLimiter;
  readonly #pings: PingSessions;

  constructor(o: Icmpv6ProtocolOptions) {
    this.#o = o;
    this.clock = o.clock;
    this.#echoLimit = new RateLimiter(o.clock, o.echoRate, o.echoRate);
    this.#errorLimit = new RateLimiter(o.clock, o.errorRate, o.errorRate);
    this.#pings = new PingSessions(Math.floor(o.clock.now()) * 7919);
  }

  /** A ping session to `address` (IPv6 text), not yet started. */
  ping(address: string, options?: PingOptions): PingSession {
    const dst = this.#o.addresses.parse(address);
    if (this.#o.addresses.sourceFor(dst) < 0) throw new TypeError(`this stack has no IPv6 address to ping ${address}`);
    const session = this.#pings.open(this, dst, address, options);
    this.#o.addresses.retain(dst);
    return session;
  }

  // PingHost

  sendEcho(dst: number, id: number, seq: number, data: Uint8Array): void {
    const src = this.#o.addresses.sourceFor(dst);
    this.#send({ src, dst, type: Icmpv6Type.ECHO_REQUEST, code: 0, rest: ((id << 16) | seq) >>> 0, payload: data });
  }

  finished(session: PingSession): void {
    if (this.#pings.finished(session)) this.#o.addresses.release(session.dst);
  }

  /**
   * One ICMPv6 message for us, checksum verified; `r.src` and `r.dst` are address keys, the offsets are
   * from `bytes`; `multicast`: it was sent to a group (ff02::1).
   */
  arrives(r: DatagramRecord, bytes: Uint8Array, multicast: boolean): void {
    const c = this.#o.counters;
    c.icmpIn++;
    const body = bytes.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength);
    const type = r.icmpType;
    if (type === Icmpv6Type.ECHO_REQUEST) {
      this.#echoRequest(r, body);
      return;
    }
    if (type === Icmpv6Type.ECHO_REPLY) {
      const session = this.#pings.get(r.icmpRest);
      if (session === undefined || session.dst !== r.src || !session.reply(r.icmpRest & 0xffff, body, r.ttl)) {
        c.drops["icmp-stray-echo-reply"]++;
      }
      return;
    }
    // Neighbour discovery (RFC 4861, types 133..137) is the Ethernet interface's (netif/ethernet-ipv6.ts):
    // one that reaches the stack came over a link without ND, or behind extension headers.
    if (type >= Icmpv6Type.ROUTER_SOLICITATION && type <= Icmpv6Type.REDIRECT) {
      c.drops["icmp-ignored-type"]++;
      return;
    }
    const kind = icmpv6ErrorKind(type, r.icmpCode);
    if (kind === null) {
      // RFC 4443 §2.4(a)/(b): unknown errors go up, unknown informational messages are dropped; with
      // nobody above to tell, both are counted.
      c.drops["icmp-ignored-type"]++;
      return;
    }
    c.icmpErrorsIn++;
    // RFC 5927 §4.1 and RFC 4443 §2.4(d): the quote must be of a packet we sent, and of its first
    // fragment (only that one holds the transport header matched on).
    const q = r.payloadOffset;
    const quotedSrc = this.#o.addresses.keyOf(bytes, q + 8);
    if (multicast || !this.#o.addresses.isLocal(quotedSrc) || (r.quotedFragment & 0xfff8) !== 0) {
      c.drops["icmp-not-ours"]++;
      return;
    }
    const quotedDst = this.#o.addresses.keyOf(bytes, q + 24);
    if (kind === "fragmentation-needed") {
      c.fragNeededIn++;
      this.#o.packetTooBig(r, quotedDst, Math.max(MIN_IPV6_MTU, r.icmpRest));
      return;
    }
    const drop =
      r.quotedProtocol === this.protocol
        ? this.#pings.quotedError(r, Icmpv6Type.ECHO_REQUEST, quotedDst, kind)
          ? null
          : "icmp-no-connection"
        : this.#o.errorArrives(r, quotedDst, kind, isHardIcmpv6Error(type, r.icmpCode));
    if (drop !== null) c.drops[drop]++;
  }

  /**
   * An error of `type`, `code` and `rest` (MTU, pointer) about `about`, unless RFC 4443 §2.4(e) forbids
   * it: about an error or a redirect, a source naming no single host, or a packet to a
   * multicast address (but packet too big, and a parameter problem about an option whose type asks for
   * one, §2.4(e.3)). Rate-limited (§2.4(f)); quotes as much as keeps it within 1280 bytes.
   */
  sendError(about: Offending, type: number, code: number, rest = 0, evenToMulticast = false): void {
    const c = this.#o.counters;
    const multicastOk = type === Icmpv6Type.PACKET_TOO_BIG || evenToMulticast;
    const src = about.bytes.subarray(8, 24);
    const unspecifiedOrMulticast = isIpv6Multicast(src) || isIpv6Unspecified(src);
    if (about.isError || unspecifiedOrMulticast || (about.multicast && !multicastOk)) {
      c.drops["icmp-error-suppressed"]++;
      return;
    }
    if (!this.#errorLimit.allow()) {
      c.drops["icmp-error-rate-limited"]++;
      return;
    }
    c.icmpErrorsSent++;
    const from = about.multicast ? this.#o.addresses.sourceFor(about.src) : about.dst;
    const quote = about.bytes.subarray(0, Math.min(about.totalLength, MAX_QUOTE));
    this.#send({ src: from, dst: about.src, type, code, rest: rest >>> 0, payload: quote });
  }

  /** A parameter problem RFC 8200 §4 asks for, `code` at `pointer` (ICMPv6 type 4). */
  parameterProblem(about: Offending, code: number, pointer: number, unlessMulticast: boolean): void {
    const evenToMulticast = code === ParameterProblemCode.UNRECOGNIZED_OPTION && !unlessMulticast;
    this.sendError(about, Icmpv6Type.PARAMETER_PROBLEM, code, pointer, evenToMulticast);
  }

  close(): void {
    this.#pings.cancelAll();
  }

  #echoRequest(r: DatagramRecord, data: Uint8Array): void {
    const c = this.#o.counters;
    if (!this.#echoLimit.allow()) {
      c.drops["icmp-echo-rate-limited"]++;
      return;
    }
    c.echoRepliesSent++;
    // RFC 4443 §4.2: the reply carries the identifier, sequence number and data back; to a request sent
    // to a group, it comes from one of our unicast addresses.
    const src = this.#o.addresses.isLocal(r.dst) ? r.dst : this.#o.addresses.sourceFor(r.src);
    this.#send({ src, dst: r.src, type: Icmpv6Type.ECHO_REPLY, code: 0, rest: r.icmpRest, payload: data });
  }

  #send(fields: IcmpPacketFields): void {
    this.#o.counters.icmpOut++;
    this.#o.transmit(fields);
  }
}
