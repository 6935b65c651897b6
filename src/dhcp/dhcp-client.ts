import type { Clock, Timer } from "../clock/clock.js";
import { scheduleLong } from "../clock/long-timer.js";
import { ipv4ToString, parseIpv4 as parse } from "../wire/ipv4-address.js";
import type { MacAddress } from "../wire/mac-address.js";
import { renewalRetransmission, retransmissionDelay } from "./backoff.js";
import {
  DhcpMessageType,
  buildDhcp,
  maskToPrefix,
  parseDhcp,
  zeroCounts,
  type DhcpMessage,
  type DhcpParseError,
} from "./dhcp-message.js";
import { DhcpOption, type DhcpOptions } from "./dhcp-options.js";
import type { DhcpEventSink, DhcpPhase } from "./dhcp-events.js";

/**
 * RFC 2131 §4.4 figure 5's states, and "probing": the ARP check of an ACKed address before it is used
 * (§4.4.1), "stopped" after `stop()`.
 */
export type DhcpState =
  | "init"
  | "selecting"
  | "requesting"
  | "probing"
  | "bound"
  | "renewing"
  | "rebinding"
  | "init-reboot"
  | "rebooting"
  | "stopped";

/** A lease the client holds: the address and what came with it. Times are the clock's, in ms. */
export interface DhcpLease {
  /** The leased address, dotted quad, and its subnet's prefix length (from the subnet mask, else /24). */
  address: string;
  prefix: number;
  /** The first router the server named (the default gateway), or null. */
  router: string | null;
  /** The DNS servers the server named, in its order. */
  dns: string[];
  /** The server's identifier (its address). */
  server: string;
  /** Seconds: the lease, T1 and T2 as the server gave them or RFC 2131 §4.4.5's defaults. */
  leaseTime: number;
  renewalTime: number;
  rebindingTime: number;
  /** When the lease began (the time its REQUEST was sent, §4.4.1) and when it ends (Infinity: never). */
  start: number;
  expires: number;
}

/** Why a DHCP message was counted and dropped by the client. */
export type DhcpClientDrop =
  | DhcpParseError
  | "dhcp-not-reply" // a BOOTREQUEST (another client's broadcast)
  | "dhcp-other-transaction" // another xid or chaddr: for another client or an exchange given up
  | "dhcp-unexpected" // a message type this state does not take
  | "dhcp-bad-offer"; // an OFFER or ACK without an address, a server id or (ACK) a lease time

/** What the client counts. */
export interface DhcpClientCounters {
  discoversOut: number;
  requestsOut: number;
  declinesOut: number;
  releasesOut: number;
  /** Of the messages above, how many were retransmissions. */
  retransmissions: number;
  offersIn: number;
  acksIn: number;
  naksIn: number;
  /** Leases that ran out without a renewal. */
  expirations: number;
  /** Addresses an ARP probe found in use (each DECLINEd). */
  conflicts: number;
  drops: Record<DhcpClientDrop, number>;
}

/** What the client needs from the stack it configures. */
export interface DhcpClientHost {
  readonly clock: Clock;
  /** The interface's hardware address (chaddr). */
  readonly mac: MacAddress;
  /** Send one message to the server port of `dst` (0xffffffff: the limited broadcast), from our address. */
  send(payload: Uint8Array, dst: number): void;
  /** A lease was gained or renewed: configure the address, routes and DNS. `previous`: the lease it replaces. */
  bound(lease: DhcpLease, previous: DhcpLease | null): void;
  /** The lease ended (expired, NAKed, released): remove the address. */
  unbound(lease: DhcpLease): void;
  /**
   * Ask whether `ip` is in use (RFC 5227 probe) before binding it: `done("in-use")` when someone answered,
   * `"free"` when nobody did, `"superseded"` when another probe on the interface cut this one short (the
   * address was not checked). Returns a cancel function. Absent: no check.
   */
  probe?(ip: number, done: (result: "free" | "in-use" | "superseded") => void): () => void;
  /** Uniform in [0, 1): the backoff's jitter and the transaction ids. */
  random(): number;
  /** Where the lease's changes go as typed events (dhcp-events.ts), while it is `listening`. */
  events?: DhcpEventSink;
}

/** The client's options. */
export interface DhcpClientOptions {
  /** The host name to send (option 12). */
  hostname?: string;
  /** The address the client held before: start in INIT-REBOOT asking for it (RFC 2131 §3.2). */
  previousAddress?: string;
  /** The REQUEST is sent this many times in REQUESTING or REBOOTING before starting over (§3.1 step 5). Default 4. */
  requestAttempts?: number;
}

/** The options a client asks for (55): subnet mask, router, DNS, host name, lease, T1, T2. */
const WANTED = [
  DhcpOption.SUBNET_MASK,
  DhcpOption.ROUTER,
  DhcpOption.DNS,
  DhcpOption.HOSTNAME,
  DhcpOption.LEASE_TIME,
  DhcpOption.RENEWAL_TIME,
  DhcpOption.REBINDING_TIME,
];
const BROADCAST = 0xffffffff;
const INFINITE = 0xffffffff;
/** RFC 2131 §3.1 step 5: after a DECLINE, wait at least ten seconds before starting over. */
const DECLINE_WAIT_MS = 10_000;

/**
 * A DHCP client (RFC 2131 §4.4) for one Ethernet interface: DISCOVER, OFFER, REQUEST, ACK; retransmission
 * with §4.1's randomized exponential backoff (4 s doubling to 64 s, ±1 s), forever while it has no
 * address; NAK starts over; renewal at T1 by unicast to the server, rebinding at T2 by broadcast; the
 * address goes when the lease runs out. An ACKed address is probed by ARP first when the host can, and
 * DECLINEd if taken. Messages arrive through `input`; bad ones are counted and dropped.
 */
export class DhcpClient {
  readonly counters: DhcpClientCounters;
  readonly #host: DhcpClientHost;
  readonly #options: DhcpClientOptions;
  #state: DhcpState = "init";
  #lease: DhcpLease | null = null;
  #xid = 0;
  /** When the current exchange began (for `secs`), and when its latest REQUEST went out (a lease's start). */
  #exchangeStart = 0;
  #requestSentAt = 0;
  #attempt = 0;
  /** The OFFER being requested (REQUESTING, probing). */
  #offer: DhcpMessage | null = null;
  #consecutiveNaks = 0;
  #retransmitTimer: Timer | null = null;
  #leaseTimer: Timer | null = null;
  #cancelProbe: (() => void) | null = null;

  constructor(host: DhcpClientHost, options: DhcpClientOptions = {}) {
    this.#host = host;
    this.#options = options;
    const drops = zeroCounts<DhcpClientDrop>([
      "dhcp-not-reply",
      "dhcp-other-transaction",
      "dhcp-unexpected",
      "dhcp-bad-offer",
    ]);
    this.counters = {
      discoversOut: 0,
      requestsOut: 0,
      declinesOut: 0,
      releasesOut: 0,
      retransmissions: 0,
      offersIn: 0,
      acksIn: 0,
      naksIn: 0,
      expirations: 0,
      conflicts: 0,
      drops,
    };
  }

  get state(): DhcpState {
    return this.#state;
  }

  /** The lease in use (BOUND, RENEWING, REBINDING), else null. */
  get lease(): DhcpLease | null {
    return this.#lease;
  }

  /** Begin: INIT-REBOOT with a previous address, else INIT (DISCOVER at once). */
  start(): void {
    if (this.#state !== "init") return;
    const previous = this.#options.previousAddress;
    if (previous === undefined) this.#discover();
    else this.#reboot(previous);
  }

  /** RFC 2131 §4.4.6: RELEASE the lease (when `release` and one is held), then stop every timer. */
  stop(release = true): void {
    if (this.#state === "stopped") return;
    const lease = this.#lease;
    if (lease !== null && release) {
      this.counters.releasesOut++;
      const server = parse(lease.server);
      this.#send(
        DhcpMessageType.RELEASE,
        server,
        { ciaddr: parse(lease.address), xid: this.#newXid() },
        {
          serverId: server,
        },
      );
    }
    this.#clearTimers();
    this.#state = "stopped";
    if (lease !== null) {
      this.#lease = null;
      this.#host.unbound(lease);
    }
  }

  /** One UDP payload that arrived on port 68. Never throws on its content. */
  input(payload: Uint8Array): void {
    if (this.#state === "stopped") return;
    const m = parseDhcp(payload);
    if (typeof m === "string") {
      this.counters.drops[m]++;
      return;
    }
    if (m.op !== 2) {
      this.counters.drops["dhcp-not-reply"]++;
      return;
    }
    if (m.xid !== this.#xid || m.chaddr !== this.#host.mac) {
      this.counters.drops["dhcp-other-transaction"]++;
      return;
    }
    switch (m.type) {
      case DhcpMessageType.OFFER:
        this.#offered(m);
        return;
      case DhcpMessageType.ACK:
        this.#acked(m);
        return;
      case DhcpMessageType.NAK:
        this.#naked(m);
        return;
      default:
        this.counters.drops["dhcp-unexpected"]++;
    }
  }

  // INIT -> SELECTING

  #discover(): void {
    this.#state = "selecting";
    this.#offer = null;
    this.#begin();
    this.#sendDiscover();
  }

  #sendDiscover(): void {
    this.counters.discoversOut++;
    this.#send(DhcpMessageType.DISCOVER, BROADCAST, { broadcast: true }, this.#wants());
    this.#retransmitAfter(retransmissionDelay(this.#attempt++, this.#host.random), () => {
      this.counters.retransmissions++;
      this.#sendDiscover();
    });
  }

  /** SELECTING: the first acceptable OFFER is taken (§4.4.1 lets the client choose; waiting gains nothing here). */
  #offered(m: DhcpMessage): void {
    this.counters.offersIn++;
    if (this.#state !== "selecting") {
      this.counters.drops["dhcp-unexpected"]++;
      return;
    }
    if (m.yiaddr === 0 || m.options.serverId === undefined) {
      this.counters.drops["dhcp-bad-offer"]++;
      return;
    }
    this.#offer = m;
    this.#state = "requesting";
    this.#attempt = 0;
    this.#sendSelectingRequest();
  }

  /** §4.3.2 SELECTING: broadcast, 'server identifier' and 'requested IP address' set, ciaddr 0, same xid. */
  #sendSelectingRequest(): void {
    const offer = this.#offer as DhcpMessage;
    this.#sendRequest(BROADCAST, 0, { serverId: offer.options.serverId, requestedIp: offer.yiaddr }, () =>
      this.#sendSelectingRequest(),
    );
  }

  // INIT-REBOOT -> REBOOTING

  #reboot(previous: string): void {
    this.#state = "rebooting";
    this.#begin();
    this.#sendRebootRequest(parse(previous));
  }

  /** §4.3.2 INIT-REBOOT: broadcast, 'requested IP address' the previous one, no server identifier. */
  #sendRebootRequest(ip: number): void {
    this.#sendRequest(BROADCAST, 0, { requestedIp: ip }, () => this.#sendRebootRequest(ip));
  }

  /**
   * A REQUEST of SELECTING or INIT-REBOOT, retransmitted with the backoff `requestAttempts` times in all,
   * then INIT (§3.1 step 5, §3.2 step 5).
   */
  #sendRequest(dst: number, ciaddr: number, options: DhcpOptions, again: () => void): void {
    this.counters.requestsOut++;
    const attempt = this.#attempt++;
    // §4.4.1: the lease runs from the original REQUEST, whichever copy the ACK answers.
    if (attempt === 0) this.#requestSentAt = this.#host.clock.now();
    this.#send(DhcpMessageType.REQUEST, dst, { broadcast: ciaddr === 0, ciaddr }, { ...this.#wants(), ...options });
    this.#retransmitAfter(retransmissionDelay(attempt, this.#host.random), () => {
      if (attempt + 1 >= (this.#options.requestAttempts ?? 4)) {
        if (this.#listening) this.#emit({ phase: "restart" });
        this.#discover();
        return;
      }
      this.counters.retransmissions++;
      again();
    });
  }

  // ACK and NAK

  #acked(m: DhcpMessage): void {
    this.counters.acksIn++;
    const state = this.#state;
    if (!this.#requested()) {
      this.counters.drops["dhcp-unexpected"]++;
      return;
    }
    const lease = this.#leaseFrom(m);
    if (lease === null) {
      this.counters.drops["dhcp-bad-offer"]++;
      return;
    }
    this.#consecutiveNaks = 0;
    this.#clearRetransmit();
    const probe = this.#host.probe;
    // §4.4.1: a new address is checked before use; a renewal keeps the one in use (and a reboot's is ours).
    if (state === "requesting" && probe !== undefined) {
      this.#state = "probing";
      this.#cancelProbe = probe.call(this.#host, m.yiaddr, (result) => {
        this.#cancelProbe = null;
        if (result === "free") this.#bind(lease);
        else if (result === "in-use") this.#decline(m);
        // Unchecked, so not used; nothing is known against it either, so no DECLINE: ask again.
        else this.#discover();
      });
      return;
    }
    this.#bind(lease);
  }

  /** A REQUEST is outstanding: the states an ACK or a NAK answers. */
  #requested(): boolean {
    const state = this.#state;
    return state === "requesting" || state === "rebooting" || state === "renewing" || state === "rebinding";
  }

  #leaseFrom(m: DhcpMessage): DhcpLease | null {
    const o = m.options;
    const serverId = o.serverId ?? (this.#lease === null ? undefined : parse(this.#lease.server));
    if (m.yiaddr === 0 || serverId === undefined || o.leaseTime === undefined || o.leaseTime === 0) return null;
    // A /32 is fine (cloud servers lease one, with a router reached by ARP all the same); a mask of 0 or a
    // non-contiguous one is refused. Without a mask option the lease is taken as a /24, as most servers imply.
    const prefix = o.subnetMask === undefined ? 24 : maskToPrefix(o.subnetMask);
    if (prefix < 1) return null;
    const leaseTime = o.leaseTime;
    // §4.4.5's defaults, also when the server's T1 < T2 < lease does not hold.
    let t1 = o.renewalTime ?? Math.floor(leaseTime * 0.5);
    let t2 = o.rebindingTime ?? Math.floor(leaseTime * 0.875);
    if (!(t1 < t2 && t2 < leaseTime) && leaseTime !== INFINITE) {
      t1 = Math.floor(leaseTime * 0.5);
      t2 = Math.floor(leaseTime * 0.875);
    }
    const start = this.#requestSentAt;
    return {
      address: ipv4ToString(m.yiaddr),
      prefix,
      router: o.routers === undefined ? null : ipv4ToString(o.routers[0]),
      dns: (o.dns ?? []).map(ipv4ToString),
      server: ipv4ToString(serverId),
      leaseTime,
      renewalTime: t1,
      rebindingTime: t2,
      start,
      expires: leaseTime === INFINITE ? Number.POSITIVE_INFINITY : start + leaseTime * 1000,
    };
  }

  #bind(lease: DhcpLease): void {
    const previous = this.#lease;
    this.#state = "bound";
    this.#offer = null;
    this.#lease = lease;
    if (this.#listening) {
      const { address, prefix, server, leaseTime } = lease;
      this.#emit({ phase: "bound", address, prefix, server, leaseTime });
    }
    if (previous !== null && previous.address !== lease.address) {
      // A different address on renewal: the old one goes first.
      this.#host.unbound(previous);
      this.#host.bound(lease, null);
    } else {
      this.#host.bound(lease, previous);
    }
    this.#armLease();
  }

  /** §4.4.1: the address is in use: DECLINE it, and start over after ten seconds. */
  #decline(m: DhcpMessage): void {
    this.counters.conflicts++;
    this.counters.declinesOut++;
    if (this.#listening) this.#emit({ phase: "declined", address: ipv4ToString(m.yiaddr) });
    this.#send(
      DhcpMessageType.DECLINE,
      BROADCAST,
      {},
      { serverId: m.options.serverId, requestedIp: m.yiaddr, message: "address in use" },
    );
    this.#state = "init";
    this.#retransmitAfter(DECLINE_WAIT_MS, () => this.#discover());
  }

  /** NAK: the address (if any) goes, and the client starts over; repeated NAKs back off (§4.1's delays). */
  #naked(m: DhcpMessage): void {
    this.counters.naksIn++;
    const state = this.#state;
    if (!this.#requested()) {
      this.counters.drops["dhcp-unexpected"]++;
      return;
    }
    // In REQUESTING only the chosen server's NAK counts: another one's is about another offer.
    if (state === "requesting" && m.options.serverId !== this.#offer?.options.serverId) {
      this.counters.drops["dhcp-other-transaction"]++;
      return;
    }
    if (this.#listening) this.#emit({ phase: "nak", message: m.options.message ?? null });
    this.#unbind();
    const naks = this.#consecutiveNaks++;
    this.#state = "init";
    this.#clearTimers();
    if (naks === 0) this.#discover();
    else this.#retransmitAfter(retransmissionDelay(naks - 1, this.#host.random), () => this.#discover());
  }

  // BOUND -> RENEWING -> REBINDING -> INIT

  /** The next of T1, T2 and the lease's end, by one timer (a lease may outlast a platform timer's longest wait). */
  #armLease(): void {
    this.#leaseTimer?.cancel();
    this.#leaseTimer = null;
    const lease = this.#lease;
    if (lease === null || lease.expires === Number.POSITIVE_INFINITY) return;
    const clock = this.#host.clock;
    const deadline =
      this.#state === "bound" ? this.#t1(lease) : this.#state === "renewing" ? this.#t2(lease) : lease.expires;
    this.#leaseTimer = scheduleLong(clock, Math.max(0, deadline - clock.now()), () => {
      this.#leaseTimer = null;
      this.#leaseDeadline();
    });
  }

  #leaseDeadline(): void {
    const lease = this.#lease as DhcpLease;
    switch (this.#state) {
      case "bound":
        this.#state = "renewing";
        this.#begin();
        if (this.#listening) this.#emit({ phase: "renewing", address: lease.address, server: lease.server });
        this.#sendRenewal();
        break;
      case "renewing":
        this.#state = "rebinding";
        this.#begin();
        if (this.#listening) this.#emit({ phase: "rebinding", address: lease.address });
        this.#sendRenewal();
        break;
      default:
        this.counters.expirations++;
        if (this.#listening) this.#emit({ phase: "expired", address: lease.address });
        this.#unbind();
        this.#clearTimers();
        this.#discover();
        return;
    }
    this.#armLease();
  }

  /** §4.3.2 RENEWING (unicast to the server) and REBINDING (broadcast): ciaddr set, no server id, no requested IP. */
  #sendRenewal(): void {
    const lease = this.#lease as DhcpLease;
    const renewing = this.#state === "renewing";
    this.counters.requestsOut++;
    // The exchange's first REQUEST, at T1 or T2 (§4.4.1's rule, as in REQUESTING).
    this.#requestSentAt = this.#exchangeStart;
    this.#send(
      DhcpMessageType.REQUEST,
      renewing ? parse(lease.server) : BROADCAST,
      { ciaddr: parse(lease.address) },
      this.#wants(),
    );
    const wait = renewalRetransmission(this.#host.clock.now(), renewing ? this.#t2(lease) : lease.expires);
    if (wait !== null) {
      this.#retransmitAfter(wait, () => {
        this.counters.retransmissions++;
        this.#sendRenewal();
      });
    }
  }

  #t1(lease: DhcpLease): number {
    return lease.start + lease.renewalTime * 1000;
  }

  #t2(lease: DhcpLease): number {
    return lease.start + lease.rebindingTime * 1000;
  }

  #unbind(): void {
    const lease = this.#lease;
    if (lease === null) return;
    this.#lease = null;
    this.#host.unbound(lease);
  }

  // Sending and timers

  /** A new exchange: a new xid, the `secs` clock restarted, the backoff from the start. */
  #begin(): void {
    this.#xid = this.#newXid();
    this.#exchangeStart = this.#host.clock.now();
    this.#attempt = 0;
  }

  #newXid(): number {
    return Math.floor(this.#host.random() * 0x1_0000_0000) >>> 0;
  }

  #wants(): DhcpOptions {
    const hostname = this.#options.hostname;
    return { parameterList: WANTED, maxMessageSize: 1500, ...(hostname === undefined ? {} : { hostname }) };
  }

  #send(
    type: DhcpMessageType,
    dst: number,
    fields: { broadcast?: boolean; ciaddr?: number; xid?: number },
    options: DhcpOptions,
  ): void {
    const secs = Math.min(0xffff, Math.floor((this.#host.clock.now() - this.#exchangeStart) / 1000));
    const payload = buildDhcp({
      op: 1,
      type,
      xid: fields.xid ?? this.#xid,
      secs,
      broadcast: fields.broadcast ?? false,
      ciaddr: fields.ciaddr ?? 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: 0,
      chaddr: this.#host.mac,
      options,
    });
    this.#host.send(payload, dst);
  }

  #retransmitAfter(ms: number, fn: () => void): void {
    this.#retransmitTimer?.cancel();
    this.#retransmitTimer = this.#host.clock.schedule(ms, () => {
      this.#retransmitTimer = null;
      fn();
    });
  }

  #clearRetransmit(): void {
    this.#retransmitTimer?.cancel();
    this.#retransmitTimer = null;
  }

  #clearTimers(): void {
    this.#clearRetransmit();
    this.#leaseTimer?.cancel();
    this.#leaseTimer = null;
    this.#cancelProbe?.();
    this.#cancelProbe = null;
  }

  /** Whether anyone observes the events: they are built only then. */
  get #listening(): boolean {
    return this.#host.events?.listening === true;
  }

  #emit(phase: DhcpPhase): void {
    this.#host.events?.emit({ type: "dhcp", time: this.#host.clock.now(), connection: null, ...phase });
  }
}
