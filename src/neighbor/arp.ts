import type { Clock, Timer } from "../clock/clock.js";
import { ArpOperation, buildArpFrame, newArpRepr, parseArpInto } from "../wire/ethernet.js";
import type { LinkParseErrorReason } from "../wire/layout.generated.js";
import { BROADCAST_MAC, type MacAddress } from "../wire/mac-address.js";
import type { NeighborConfig } from "./config.js";
import { NeighborCache } from "./neighbor-cache.js";

/** What ARP saw, apart from the cache's own counters. */
export interface ArpCounters {
  requestsIn: number;
  repliesIn: number;
  repliesOut: number;
  /** Announcements (sender address = target address, RFC 5227 §2.3) sent. */
  announcementsOut: number;
  /** Announcements received; they update an entry we hold, never create one. */
  announcementsIn: number;
  /** Requests and replies about addresses that are not ours. */
  notForUs: number;
  /** Packets claiming our address from another MAC (RFC 5227 §2.4: counted, not defended). */
  addressConflicts: number;
  /** Probes sent (RFC 5227 §2.1.1: sender address 0.0.0.0, asking whether an address is taken). */
  probesOut: number;
}

/** Probes sent for one address before it is taken as free; RFC 5227's PROBE_NUM is 3, see `probe`. */
const PROBES = 2;

/**
 * How a probe ended: nobody answered (`free`), someone speaks from or probes for the address (`in-use`),
 * or a newer probe took its place before it finished (`superseded`: the address was not checked).
 */
export type ArpProbeResult = "free" | "in-use" | "superseded";

interface Probe {
  ip: number;
  done: (result: ArpProbeResult) => void;
  timer: Timer | null;
}

export interface ArpHost {
  readonly mac: MacAddress;
  /** Our IPv4 address on this interface. */
  readonly ip: number;
  /** Puts a frame on the link. */
  sendFrame(frame: Uint8Array): void;
  /** A queued IPv4 packet is sent to `mac` (the interface writes the header). */
  deliver(frame: Uint8Array, mac: MacAddress): void;
  /** Nobody answered for `ip`; `frames` waited for it. */
  unreachable(ip: number, frames: readonly Uint8Array[]): void;
}

/**
 * ARP (RFC 826) on one Ethernet interface: answers requests for our own address only, takes replies only
 * to requests of ours (the cache decides: `NeighborCache.confirm`), and announces our address when it is
 * set. The cache holds the policy; this holds the packets.
 */
export class Arp {
  readonly cache: NeighborCache<number>;
  readonly counters: ArpCounters = {
    requestsIn: 0,
    repliesIn: 0,
    repliesOut: 0,
    announcementsOut: 0,
    announcementsIn: 0,
    notForUs: 0,
    addressConflicts: 0,
    probesOut: 0,
  };
  readonly #host: ArpHost;
  readonly #arp = newArpRepr();
  readonly #clock: Clock;
  readonly #config: NeighborConfig;
  /** The address being probed, and what to tell when the probe ends. */
  #probe: Probe | null = null;

  constructor(clock: Clock, config: NeighborConfig, host: ArpHost) {
    this.#host = host;
    this.#clock = clock;
    this.#config = config;
    this.cache = new NeighborCache<number>(clock, config, {
      solicit: (ip, unicast) => this.#request(ip, unicast),
      deliver: (frame, mac) => host.deliver(frame, mac),
      unreachable: (ip, frames) => host.unreachable(ip, frames),
    });
  }

  /** An ARP frame from the link (its Ethernet header already accepted); a malformed one's reason, else null. */
  input(frame: Uint8Array): LinkParseErrorReason | null {
    const a = this.#arp;
    const reason = parseArpInto(frame, a);
    if (reason !== null) return reason;
    const host = this.#host;
    const probe = this.#probe;
    // RFC 5227 §2.1.1: the probed address is taken if anyone speaks from it, or probes for it too.
    if (probe !== null && a.senderMac !== host.mac) {
      if (
        a.senderIp === probe.ip ||
        (a.senderIp === 0 && a.targetIp === probe.ip && a.operation === ArpOperation.REQUEST)
      ) {
        this.#endProbe("in-use");
      }
    }
    if (a.senderIp === host.ip && host.ip !== 0) {
      if (a.senderMac !== host.mac) this.counters.addressConflicts++;
      return null;
    }
    if (a.senderIp === a.targetIp) {
      // An announcement (RFC 5227 §2.3, "gratuitous ARP"), as a request or a reply: news about an entry.
      this.counters.announcementsIn++;
      if (a.senderIp !== 0) this.cache.learn(a.senderIp, a.senderMac, false);
      return null;
    }
    if (a.operation === ArpOperation.REQUEST) {
      this.counters.requestsIn++;
      if (a.targetIp !== host.ip || host.ip === 0) {
        this.counters.notForUs++;
        return null;
      }
      // RFC 5227 §2.1.1: a probe (sender 0.0.0.0) asks whether the address is taken; nothing to learn.
      if (a.senderIp !== 0) this.cache.learn(a.senderIp, a.senderMac, true);
      this.counters.repliesOut++;
      this.#send(ArpOperation.REPLY, a.senderMac, host.ip, a.senderMac, a.senderIp);
      return null;
    }
    this.counters.repliesIn++;
    if (a.targetIp !== host.ip) {
      this.counters.notForUs++;
      return null;
    }
    this.cache.confirm(a.senderIp, a.senderMac);
    return null;
  }

  /** RFC 5227 §2.3's announcement of our address: a broadcast request from and for it. */
  announce(): void {
    const host = this.#host;
    if (host.ip === 0) return;
    this.counters.announcementsOut++;
    this.#send(ArpOperation.REQUEST, BROADCAST_MAC, host.ip, 0, host.ip);
  }

  /**
   * Asks whether `ip` is in use before taking it (RFC 5227 §2.1, for DHCP's check, RFC 2131 §4.4.1):
   * probes a retransTime apart, then as long again for an answer; `done("in-use")` as soon as anyone
   * answers or speaks from the address. Two probes rather than RFC 5227's three, each a second apart rather
   * than 1-2 s at random: the check costs 2 s, about what dhclient's costs. One probe at a time: a second
   * ends the first with `superseded` (never `free`: that address was not checked). Returns a cancel
   * function, after which `done` is not called.
   */
  probe(ip: number, done: (result: ArpProbeResult) => void): () => void {
    if (this.#probe !== null) this.#endProbe("superseded");
    const probe: Probe = { ip, done, timer: null };
    this.#probe = probe;
    let sent = 0;
    const step = () => {
      if (this.#probe !== probe) return;
      if (sent === PROBES) {
        this.#endProbe("free");
        return;
      }
      sent++;
      this.counters.probesOut++;
      // RFC 5227 §2.1.1: sender address 0, so no one's cache learns an address we may not get.
      this.#send(ArpOperation.REQUEST, BROADCAST_MAC, 0, 0, ip);
      probe.timer = this.#clock.schedule(this.#config.retransTime, step);
    };
    step();
    return () => {
      if (this.#probe !== probe) return;
      probe.timer?.cancel();
      this.#probe = null;
    };
  }

  #endProbe(result: ArpProbeResult): void {
    const probe = this.#probe;
    if (probe === null) return;
    this.#probe = null;
    probe.timer?.cancel();
    probe.done(result);
  }

  #request(ip: number, unicast: MacAddress | null): void {
    this.#send(ArpOperation.REQUEST, unicast ?? BROADCAST_MAC, this.#host.ip, 0, ip);
  }

  /** Every ARP frame we send: from our MAC, to `to` (a neighbour or the broadcast). */
  #send(operation: number, to: MacAddress, senderIp: number, targetMac: MacAddress, targetIp: number): void {
    const mac = this.#host.mac;
    this.#host.sendFrame(buildArpFrame(to, mac, { operation, senderMac: mac, senderIp, targetMac, targetIp }));
  }
}
