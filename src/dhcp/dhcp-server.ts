import type { Clock } from "../clock/clock.js";
import { ipv4ToString, parseIpv4, prefixMask } from "../wire/ipv4-address.js";
import { macToString } from "../wire/mac-address.js";
import {
  DhcpMessageType,
  buildDhcp,
  parseDhcp,
  zeroCounts,
  type DhcpMessage,
  type DhcpParseError,
} from "./dhcp-message.js";
import type { DhcpOptions } from "./dhcp-options.js";
import { LeaseTable } from "./lease-table.js";

/** What `dhcpServer(stack, options)` takes. */
export interface DhcpServerOptions {
  /** The addresses to lease: "10.0.0.100-10.0.0.199", or { start, end } (at most 65536). */
  pool: string | { start: string; end: string };
  /** The subnet's prefix length, sent as the subnet mask. Default 24. */
  prefix?: number;
  /** The router (default gateway) to name, if any. */
  router?: string;
  /** DNS servers to name. */
  dns?: string | readonly string[];
  /** Seconds a lease lasts (T1 is half of it, T2 seven eighths, RFC 2131 §4.4.5). Default 3600. */
  leaseTime?: number;
  /** Seconds an offered address stays reserved for its client's REQUEST. Default 60. */
  offerTime?: number;
  /** Seconds a DECLINEd address is kept out of the pool (someone else uses it). Default 600. */
  declineTime?: number;
}

/** Why the server dropped a datagram on port 67. */
export type DhcpServerDrop =
  | DhcpParseError
  | "dhcp-not-request" // a BOOTREPLY (another server's)
  | "dhcp-relayed" // giaddr set: relay agents are not supported
  | "dhcp-unexpected" // OFFER, ACK or NAK sent to a server
  | "dhcp-no-record" // a REQUEST of INIT-REBOOT, RENEWING or REBINDING for a binding we do not hold (§4.3.2: silent)
  | "dhcp-not-ours"; // a DECLINE or RELEASE for another server or client

/** What the server counts: messages in and out by type, DISCOVERs it could not serve, drops by reason. */
export interface DhcpServerCounters {
  discoversIn: number;
  requestsIn: number;
  declinesIn: number;
  releasesIn: number;
  informsIn: number;
  offersOut: number;
  acksOut: number;
  naksOut: number;
  /** DISCOVERs that found no free address (left unanswered). */
  poolExhausted: number;
  drops: Record<DhcpServerDrop, number>;
}

/** What the server needs from its stack. */
export interface DhcpServerHost {
  readonly clock: Clock;
  /** The stack's address: the server identifier. */
  readonly ip: number;
  /** Send one reply to the client port of `dst` (0xffffffff: broadcast). */
  send(payload: Uint8Array, dst: number): void;
  trace?(text: string): void;
}

const BROADCAST = 0xffffffff;

/**
 * A DHCP server (RFC 2131 §4.3) for one subnet: OFFERs from its pool, ACKs and NAKs REQUESTs in each of
 * the client's states, takes DECLINE, RELEASE and INFORM. The lease table is bounded by the pool.
 * Replies go to the client's address when it has one, else by broadcast (§4.1 allows it, and it needs no
 * ARP entry for an address not yet in use); relay agents (giaddr) are not served.
 */
export class DhcpServer {
  readonly counters: DhcpServerCounters;
  readonly table: LeaseTable;
  readonly #host: DhcpServerHost;
  readonly #config: DhcpOptions;
  readonly #leaseMs: number;
  readonly #offerMs: number;
  readonly #declineMs: number;
  readonly #leaseTime: number;
  readonly #mask: number;

  constructor(host: DhcpServerHost, options: DhcpServerOptions) {
    this.#host = host;
    this.table = new LeaseTable(options.pool);
    const prefix = options.prefix ?? 24;
    if (!(Number.isInteger(prefix) && prefix >= 1 && prefix <= 30))
      throw new RangeError(`dhcp server: prefix must be 1..30, got ${prefix}`);
    const seconds = (name: string, value: number | undefined, fallback: number) => {
      const v = value ?? fallback;
      if (!(Number.isInteger(v) && v >= 1 && v < 0xffffffff))
        throw new RangeError(`dhcp server: ${name} must be a whole number of seconds, got ${v}`);
      return v;
    };
    this.#leaseTime = seconds("leaseTime", options.leaseTime, 3600);
    this.#leaseMs = this.#leaseTime * 1000;
    this.#offerMs = seconds("offerTime", options.offerTime, 60) * 1000;
    this.#declineMs = seconds("declineTime", options.declineTime, 600) * 1000;
    this.#mask = prefixMask(prefix);
    const { first, last } = this.table;
    if (((first ^ host.ip) & this.#mask) !== 0 || ((last ^ host.ip) & this.#mask) !== 0) {
      throw new RangeError(`dhcp server: the pool is not on the subnet of ${ipv4ToString(host.ip)}/${prefix}`);
    }
    const dns = options.dns === undefined ? [] : typeof options.dns === "string" ? [options.dns] : options.dns;
    this.#config = {
      subnetMask: this.#mask,
      ...(options.router === undefined ? {} : { routers: [parseIpv4(options.router)] }),
      ...(dns.length === 0 ? {} : { dns: dns.map(parseIpv4) }),
    };
    const drops = zeroCounts<DhcpServerDrop>([
      "dhcp-not-request",
      "dhcp-relayed",
      "dhcp-unexpected",
      "dhcp-no-record",
      "dhcp-not-ours",
    ]);
    this.counters = {
      discoversIn: 0,
      requestsIn: 0,
      declinesIn: 0,
      releasesIn: 0,
      informsIn: 0,
      offersOut: 0,
      acksOut: 0,
      naksOut: 0,
      poolExhausted: 0,
      drops,
    };
  }

  /**
   * Not the server's own address, the router's, nor the subnet's network or broadcast address, should the
   * pool take them in.
   */
  readonly #usable = (ip: number): boolean => {
    const host = ip & ~this.#mask;
    return ip !== this.#host.ip && ip !== this.#config.routers?.[0] && host !== 0 && host !== ~this.#mask;
  };

  /** The live leases: address, client (MAC or client id) and end (clock ms). */
  leases(): { address: string; client: string; expires: number }[] {
    return [...this.table.leases(this.#host.clock.now())].map((l) => ({
      address: ipv4ToString(l.ip),
      client: l.client,
      expires: l.expires,
    }));
  }

  /** One UDP payload that arrived on port 67. Never throws on its content. */
  input(payload: Uint8Array): void {
    const m = parseDhcp(payload);
    const drops = this.counters.drops;
    if (typeof m === "string") {
      drops[m]++;
      return;
    }
    if (m.op !== 1) {
      drops["dhcp-not-request"]++;
      return;
    }
    if (m.giaddr !== 0) {
      drops["dhcp-relayed"]++;
      return;
    }
    const client = clientKey(m);
    switch (m.type) {
      case DhcpMessageType.DISCOVER:
        this.counters.discoversIn++;
        this.#discover(m, client);
        return;
      case DhcpMessageType.REQUEST:
        this.counters.requestsIn++;
        this.#request(m, client);
        return;
      case DhcpMessageType.DECLINE:
        this.counters.declinesIn++;
        this.#decline(m, client);
        return;
      case DhcpMessageType.RELEASE:
        this.counters.releasesIn++;
        this.#release(m, client);
        return;
      case DhcpMessageType.INFORM:
        this.counters.informsIn++;
        // §3.4: configuration only, no address and no lease, to the address the client has.
        if (m.ciaddr === 0) drops["dhcp-no-record"]++;
        else this.#reply(m, DhcpMessageType.ACK, 0, { ...this.#config, serverId: this.#host.ip });
        return;
      default:
        drops["dhcp-unexpected"]++;
    }
  }

  /** §4.3.1: the client's current binding, else the address it asks for if free, else the next free one. */
  #discover(m: DhcpMessage, client: string): void {
    const now = this.#host.clock.now();
    const table = this.table;
    const ip = table.addressOf(client, now) ?? table.free(now, this.#usable, m.options.requestedIp);
    if (ip === null) {
      this.counters.poolExhausted++;
      this.#host.trace?.(`dhcp server: pool exhausted, no offer for ${client}`);
      return;
    }
    const held = table.get(ip, now);
    // A lease this client holds stays a lease; anything else is reserved as an offer.
    if (held?.state !== "leased") table.set(ip, client, "offered", now + this.#offerMs);
    this.counters.offersOut++;
    this.#reply(m, DhcpMessageType.OFFER, ip, this.#leaseOptions());
  }

  /** §4.3.2: which state the client is in follows from the server identifier, requested IP and ciaddr. */
  #request(m: DhcpMessage, client: string): void {
    const now = this.#host.clock.now();
    const { serverId, requestedIp } = m.options;
    const table = this.table;
    if (serverId !== undefined) {
      // SELECTING. Another server chosen: our offer is free again.
      if (serverId !== this.#host.ip) {
        const offered = table.addressOf(client, now);
        if (offered !== undefined && table.get(offered, now)?.state === "offered") table.remove(offered);
        return;
      }
      const held = requestedIp === undefined ? undefined : table.get(requestedIp, now);
      if (requestedIp === undefined || held?.client !== client || held.state === "declined") {
        this.#nak(m, "no offer for that address");
        return;
      }
      this.#ack(m, requestedIp, client, now);
      return;
    }
    // INIT-REBOOT (requested IP, no ciaddr), or RENEWING/REBINDING (ciaddr).
    const ip = m.ciaddr !== 0 ? m.ciaddr : requestedIp;
    if (ip === undefined) {
      this.counters.drops["dhcp-no-record"]++;
      return;
    }
    const held = table.get(ip, now);
    if (held?.client === client && held.state !== "declined") {
      this.#ack(m, ip, client, now);
      return;
    }
    const onSubnet = ((ip ^ this.#host.ip) & this.#mask) === 0;
    if (!onSubnet || held !== undefined) {
      // Another network's address, or one bound to someone else: the client must start over.
      this.#nak(m, onSubnet ? "address in use" : "wrong network");
      return;
    }
    this.counters.drops["dhcp-no-record"]++;
  }

  #ack(m: DhcpMessage, ip: number, client: string, now: number): void {
    this.table.set(ip, client, "leased", now + this.#leaseMs);
    this.counters.acksOut++;
    this.#host.trace?.(`dhcp server: ${ipv4ToString(ip)} leased to ${client}`);
    this.#reply(m, DhcpMessageType.ACK, ip, this.#leaseOptions());
  }

  #nak(m: DhcpMessage, why: string): void {
    this.counters.naksOut++;
    this.#reply(m, DhcpMessageType.NAK, 0, { serverId: this.#host.ip, message: why });
  }

  /** §4.3.3: the address is in use by someone else; keep it out of the pool for a while. */
  #decline(m: DhcpMessage, client: string): void {
    const now = this.#host.clock.now();
    const ip = m.options.requestedIp;
    if (m.options.serverId !== this.#host.ip || ip === undefined || this.table.get(ip, now)?.client !== client) {
      this.counters.drops["dhcp-not-ours"]++;
      return;
    }
    this.table.set(ip, client, "declined", now + this.#declineMs);
  }

  /** §4.3.4: the client gives its address back. */
  #release(m: DhcpMessage, client: string): void {
    const now = this.#host.clock.now();
    if (this.table.get(m.ciaddr, now)?.client !== client) {
      this.counters.drops["dhcp-not-ours"]++;
      return;
    }
    this.table.remove(m.ciaddr);
  }

  #leaseOptions(): DhcpOptions {
    const t = this.#leaseTime;
    return {
      ...this.#config,
      serverId: this.#host.ip,
      leaseTime: t,
      renewalTime: Math.floor(t / 2),
      rebindingTime: Math.floor((t * 7) / 8),
    };
  }

  /** §4.1: to ciaddr when the client has an address (never for a NAK), else broadcast. */
  #reply(m: DhcpMessage, type: DhcpMessageType, yiaddr: number, options: DhcpOptions): void {
    const payload = buildDhcp({
      op: 2,
      type,
      xid: m.xid,
      secs: 0,
      broadcast: m.broadcast,
      ciaddr: type === DhcpMessageType.NAK ? 0 : m.ciaddr,
      yiaddr,
      siaddr: 0,
      giaddr: 0,
      chaddr: m.chaddr,
      options,
    });
    this.#host.send(payload, m.ciaddr !== 0 && type !== DhcpMessageType.NAK ? m.ciaddr : BROADCAST);
  }
}

/** RFC 2131 §4.2: the client identifier option when present, else the hardware address, names the client. */
function clientKey(m: DhcpMessage): string {
  const id = m.options.clientId;
  if (id === undefined) return macToString(m.chaddr);
  return `id:${[...id].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
