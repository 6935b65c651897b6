import type { Clock } from "../clock/clock.js";
import { isIcmpError } from "../wire/datagram-parse.js";
import type { DatagramRecord } from "../wire/datagram-record.js";
import { IcmpType, IpProtocol, type IcmpPacketFields } from "../wire/datagram-types.js";
import { icmpErrorKind, isHardIcmpError, type IcmpErrorKind } from "../wire/icmp-errors.js";
import { parseIpv4 } from "../wire/ipv4-address.js";
import type { PingHost, PingOptions, PingSession } from "./ping.js";
import { PingSessions } from "./ping-sessions.js";
import { RateLimiter } from "./rate-limiter.js";

/** The most of an offending datagram an error quotes: the error stays within 576 bytes (RFC 1812 §4.3.2.3). */
const MAX_QUOTE = 576 - 28;

/** Why ICMP dropped a message, or did not send one. */
export type IcmpDrop =
  | "icmp-echo-rate-limited" // an echo request over the reply rate
  | "icmp-echo-broadcast" // an echo request to the broadcast address, or from no single host (ignored)
  | "icmp-ignored-type" // a type the stack does not act on (source quench, redirect, timestamp, ...)
  | "icmp-not-ours" // an error whose quoted datagram was not sent from our address, or is a later fragment
  | "icmp-no-connection" // an error quoting a 4-tuple with no connection or socket
  | "icmp-out-of-window" // RFC 5927: the quoted TCP sequence number is outside SND.UNA..SND.NXT
  | "icmp-not-reported" // an error about an unconnected UDP socket (nobody to tell)
  | "icmp-stray-echo-reply" // an echo reply no ping waits for
  | "icmp-error-rate-limited" // an error we would have sent, over the error rate
  | "icmp-error-suppressed"; // RFC 1122 §3.2.2: no error about an error, a broadcast or a later fragment

export interface IcmpCounters {
  icmpIn: number;
  icmpOut: number;
  echoRepliesSent: number;
  /** Error messages received, of any kind, before matching. */
  icmpErrorsIn: number;
  icmpErrorsSent: number;
  /** Fragmentation-needed messages handed to path MTU discovery. */
  fragNeededIn: number;
  drops: Record<IcmpDrop, number>;
}

export interface IcmpProtocolOptions {
  ip: number;
  clock: Clock;
  counters: IcmpCounters;
  /** Send one ICMP message (the IP layer sets the identification). */
  transmit(fields: IcmpPacketFields): void;
  /**
   * An error quoting a TCP or UDP datagram from our address (the record holds the quote): the IP layer
   * hands it to the quoted protocol, which returns the drop reason when it did not act on it.
   */
  errorArrives(r: DatagramRecord, kind: IcmpErrorKind, hard: boolean): IcmpDrop | null;
  /** A fragmentation-needed message (RFC 1191): the next-hop MTU is `r.icmpRest & 0xffff`. */
  fragmentationNeeded(r: DatagramRecord): void;
  /** Echo replies and errors sent a second, on average (bursts of the same size pass). */
  echoRate: number;
  errorRate: number;
}

/**
 * ICMP for one IPv4 address (RFC 792, RFC 1122 §3.2.2): answers echo requests, runs `ping` sessions,
 * hands errors about our datagrams to the transport that sent them, and sends the errors the stack
 * owes (port and protocol unreachable), never about an error, a broadcast or a later fragment.
 */
export class IcmpProtocol implements PingHost {
  readonly protocol = IpProtocol.ICMP;
  readonly clock: Clock;
  readonly #o: IcmpProtocolOptions;
  #ip: number;
  readonly #echoLimit: RateLimiter;
  readonly #errorLimit: RateLimiter;
  readonly #pings: PingSessions;

  constructor(o: IcmpProtocolOptions) {
    this.#o = o;
    this.#ip = o.ip;
    this.clock = o.clock;
    this.#echoLimit = new RateLimiter(o.clock, o.echoRate, o.echoRate);
    this.#errorLimit = new RateLimiter(o.clock, o.errorRate, o.errorRate);
    this.#pings = new PingSessions(o.ip ^ Math.floor(o.clock.now()));
  }

  /** A new address (DHCP): messages from now on leave from it, and only errors quoting it are ours. */
  setAddress(ip: number): void {
    this.#ip = ip;
  }

  /** A ping session to `address`, started; its results go to the session's callbacks. */
  ping(address: string, options?: PingOptions): PingSession {
    return this.#pings.open(this, parseIpv4(address), address, options);
  }

  // PingHost

  sendEcho(dst: number, id: number, seq: number, data: Uint8Array): void {
    this.#send({
      src: this.#ip,
      dst,
      type: IcmpType.ECHO_REQUEST,
      code: 0,
      rest: ((id << 16) | seq) >>> 0,
      payload: data,
    });
  }

  finished(session: PingSession): void {
    this.#pings.finished(session);
  }

  /** One ICMP message for our address (`broadcast`: for 255.255.255.255), checksum verified; offsets are from `bytes`. */
  arrives(r: DatagramRecord, bytes: Uint8Array, broadcast: boolean): void {
    const c = this.#o.counters;
    c.icmpIn++;
    const body = bytes.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength);
    switch (r.icmpType) {
      case IcmpType.ECHO_REQUEST:
        this.#echoRequest(r, body, broadcast);
        return;
      case IcmpType.ECHO_REPLY: {
        const session = this.#pings.get(r.icmpRest);
        if (session === undefined || !session.reply(r.icmpRest & 0xffff, body, r.ttl))
          c.drops["icmp-stray-echo-reply"]++;
        return;
      }
    }
    const kind = icmpErrorKind(r.icmpType, r.icmpCode);
    if (kind === null) {
      c.drops["icmp-ignored-type"]++;
      return;
    }
    c.icmpErrorsIn++;
    // The quote must be of a datagram we sent, and of its first fragment: only that one carries the
    // transport header the 8 quoted bytes are matched on.
    if (broadcast || r.quotedSrc !== this.#ip || (r.quotedFragment & 0x1fff) !== 0) {
      c.drops["icmp-not-ours"]++;
      return;
    }
    if (kind === "fragmentation-needed") {
      c.fragNeededIn++;
      this.#o.fragmentationNeeded(r);
      return;
    }
    // An error from our own address is our own link layer's (netif/routed-link.ts: ARP gave up on the next
    // hop, as Linux's arp_error_report): certain knowledge, not a router's guess, so hard: a connect fails
    // when ARP gives up (3 s), as on Linux, not at its timeout.
    const hard = isHardIcmpError(r.icmpType, r.icmpCode) || r.src === this.#ip;
    const drop =
      r.quotedProtocol === IpProtocol.ICMP
        ? this.#pings.quotedError(r, IcmpType.ECHO_REQUEST, r.quotedDst, kind)
          ? null
          : "icmp-no-connection"
        : this.#o.errorArrives(r, kind, hard);
    if (drop !== null) c.drops[drop]++;
  }

  /**
   * Sends an error of `type` and `code` about the datagram in `bytes` (an IPv4 packet, parsed into `r`),
   * unless RFC 1122 §3.2.2 forbids one: about an ICMP error, a datagram to a broadcast or multicast
   * address, a fragment other than the first, or from a source that names no single host. Rate-limited.
   */
  sendError(r: DatagramRecord, bytes: Uint8Array, broadcast: boolean, type: number, code: number, rest = 0): void {
    const c = this.#o.counters;
    const aboutError = r.protocol === IpProtocol.ICMP && r.transport === IpProtocol.ICMP && isIcmpError(r.icmpType);
    if (aboutError || broadcast || isMulticast(r.dst) || r.fragmentOffset !== 0 || !isUnicast(r.src)) {
      c.drops["icmp-error-suppressed"]++;
      return;
    }
    if (!this.#errorLimit.allow()) {
      c.drops["icmp-error-rate-limited"]++;
      return;
    }
    c.icmpErrorsSent++;
    const quote = bytes.subarray(0, Math.min(r.totalLength, MAX_QUOTE));
    this.#send({ src: this.#ip, dst: r.src, type, code, rest, payload: quote });
  }

  close(): void {
    this.#pings.cancelAll();
  }

  #echoRequest(r: DatagramRecord, data: Uint8Array, broadcast: boolean): void {
    const c = this.#o.counters;
    // Linux ignores broadcast echo by default (icmp_echo_ignore_broadcasts); a reply to a source that
    // names no single host would go to many, or nowhere (RFC 1122 §3.2.2.6).
    if (broadcast || !isUnicast(r.src)) {
      c.drops["icmp-echo-broadcast"]++;
      return;
    }
    if (!this.#echoLimit.allow()) {
      c.drops["icmp-echo-rate-limited"]++;
      return;
    }
    c.echoRepliesSent++;
    // RFC 792: the reply carries the request's identifier, sequence number and data back.
    this.#send({ src: this.#ip, dst: r.src, type: IcmpType.ECHO_REPLY, code: 0, rest: r.icmpRest, payload: data });
  }

  #send(fields: IcmpPacketFields): void {
    this.#o.counters.icmpOut++;
    this.#o.transmit(fields);
  }
}

/** 224.0.0.0/4 (RFC 5771). */
function isMulticast(ip: number): boolean {
  return ip >>> 28 === 14;
}

/** A source naming one host: not 0.0.0.0, not the broadcast address, not multicast or class E. */
function isUnicast(ip: number): boolean {
  return ip !== 0 && ip >>> 28 < 14;
}
