import type { Clock } from "../clock/clock.js";
import { neighborConfig } from "../neighbor/config.js";
import { NeighborCache } from "../neighbor/neighbor-cache.js";
import { type Ipv6Address, ipv6Equal, ipv6InPrefix } from "../wire/ipv6-address.js";
import {
  IPV6_ALL_NODES,
  IPV6_ALL_ROUTERS,
  IPV6_UNSPECIFIED,
  ipv6MulticastMac,
  isIpv6LinkLocal,
  isIpv6Multicast,
  isIpv6Unspecified,
  solicitedNodeAddress,
} from "../wire/ipv6-multicast.js";
import { type MacAddress, macHigh, macLow } from "../wire/mac-address.js";
import {
  buildNdpMessage,
  type NdpDropReason,
  type NdpMessage,
  type NeighborAdvertisement,
  type NeighborSolicitation,
  parseNdpMessage,
  type RouterAdvertisement,
} from "../wire/ndp-message.js";
import { ipv6FromHexKey, ipv6HexKey } from "./hex-key.js";
import { AddressList, type AddressRecord } from "./address-list.js";
import { type NdpConfig, type NdpOptions, ndpConfig } from "./config.js";
import { newNdpCounters, type NdpCounters } from "./counters.js";
import type { AddressOrigin, ConfiguredAddress, NdpEvent } from "./events.js";
import { randomInterfaceId, stableInterfaceId, withInterfaceId } from "./interface-id.js";
import { lifetimeMs } from "./lifetime-timer.js";
import { RouterList } from "./router-list.js";
import { RouterSolicitor } from "./router-solicitor.js";
import { Slaac } from "./slaac.js";

/** What neighbour discovery asks of the IPv6 layer and the interface under it. */
export interface NdpHost {
  /** The interface's Ethernet address: our link-layer options carry it, RFC 7217 hashes it. */
  readonly mac: MacAddress;
  /** The link's IPv6 MTU (1500 on Ethernet): an advertised MTU above it is ignored (RFC 4861 §6.3.4). */
  readonly mtu: number;
  /**
   * Send one ICMPv6 message: the IPv6 layer writes the IPv6 header (`src`, `dst`, `hopLimit`, next header
   * 58) and the ICMPv6 header (`icmpType`, `code`, the checksum over the pseudo-header), then `body`, and
   * sends it through `resolve` like any packet of its own.
   */
  send(src: Ipv6Address, dst: Ipv6Address, hopLimit: number, icmpType: number, code: number, body: Uint8Array): void;
  /** Put `packet` (given to `resolve`) on the link to `mac`: resolved now, or after waiting. */
  deliver(packet: Uint8Array, mac: MacAddress): void;
  /** `nextHop` never answered; `packets` waited for it (RFC 4861 §7.2.2: ICMPv6 address unreachable). */
  unreachable(nextHop: Ipv6Address, packets: readonly Uint8Array[]): void;
}

/** How a `NeighborDiscovery` is made. */
export interface NeighborDiscoveryOptions {
  clock: Clock;
  host: NdpHost;
  config?: NdpOptions;
  /**
   * RFC 7217's secret_key, 16 bytes. Default: random, so identifiers are stable for the life of the
   * object only; pass a stored one to keep them across restarts, as §5 intends.
   */
  secret?: Uint8Array;
  /** Uniform in [0, 1): the RFCs' random delays and ReachableTime (default Math.random). */
  random?: () => number;
  /** `n` random bytes: RFC 8981 identifiers and the default secret (default the platform CSPRNG). */
  randomBytes?: (n: number) => Uint8Array;
}

/** RFC 4861 §6.3.2: ReachableTime is BaseReachableTime times a uniform factor in [0.5, 1.5]. */
const MIN_RANDOM_FACTOR = 0.5;
const RANDOM_FACTOR_SPAN = 1;
/**
 * RFC 4861 §6.3.4: with BaseReachableTime unchanged, ReachableTime is still drawn anew "at least once
 * every few hours"; the next RA after this long redraws it.
 */
const REDRAW_REACHABLE_MS = 2 * 3_600_000;
/** CurHopLimit until a router says otherwise (RFC 4861 §6.3.2, IANA's default TTL). */
const DEFAULT_HOP_LIMIT = 64;
/**
 * RFC 4861 §6.2.1: a router advertises no ReachableTime over an hour. Taken as the bound of both timers a
 * router sets, so that no advertised value (up to 2^32 - 1 ms, 49 days) overflows a platform timer.
 */
const MAX_ADVERTISED_TIME = 3_600_000;
/** RFC 8200 §5: no link carries less. */
const IPV6_MIN_MTU = 1280;
const LINK_LOCAL_PREFIX = Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

const cryptoBytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

/**
 * IPv6 neighbour discovery on one interface, for a host: address resolution and neighbour
 * unreachability detection (RFC 4861 §7) on the shared neighbour cache, router discovery and the
 * default router and prefix lists (§6), the link-local address, duplicate address detection and SLAAC
 * (RFC 4862) with RFC 7217 or RFC 8981 identifiers, and the multicast groups those need. It knows the ND
 * message bodies only: the IPv6 layer owns headers and checksums, calls `receive` with each ICMPv6
 * message of types 133 to 137 and `resolve` with each packet it sends, and sends what `host.send` asks.
 * Redirects are validated and counted, not followed. No MLD reports are sent (RFC 3810): a link with
 * multicast snooping would not forward our groups to us.
 */
export class NeighborDiscovery {
  readonly config: NdpConfig;
  readonly counters: NdpCounters = newNdpCounters();
  /** The neighbour cache, keyed by `ipv6HexKey` of the neighbour's address. */
  readonly cache: NeighborCache<string>;
  /** Every change of addresses, routers, MTU, hop limit or groups. */
  onEvent: ((e: NdpEvent) => void) | null = null;
  readonly #clock: Clock;
  readonly #host: NdpHost;
  readonly #random: () => number;
  readonly #randomBytes: (n: number) => Uint8Array;
  readonly #secret: Uint8Array;
  readonly #netIface: Uint8Array;
  readonly #addresses: AddressList;
  readonly #routers: RouterList;
  readonly #slaac: Slaac;
  readonly #solicitor: RouterSolicitor;
  #hopLimit = DEFAULT_HOP_LIMIT;
  #mtu: number;
  #baseReachableTime: number;
  #reachableTime = 0;
  /** When ReachableTime was last drawn. */
  #reachableDrawnAt = 0;
  #retransTimer: number;
  #started = false;
  #solicited = false;
  /** The prefixes of the user's addresses: on-link as the user said (RFC 5942 §4: not from SLAAC's). */
  readonly #manualPrefixes: [Ipv6Address, number][] = [];

  constructor(options: NeighborDiscoveryOptions) {
    const config = ndpConfig(options.config);
    this.config = config;
    this.#clock = options.clock;
    this.#host = options.host;
    this.#random = options.random ?? Math.random;
    this.#randomBytes = options.randomBytes ?? cryptoBytes;
    this.#secret = options.secret ?? this.#randomBytes(16);
    if (this.#secret.length !== 16) throw new RangeError("neighbour discovery: the secret must be 16 bytes");
    const mac = options.host.mac;
    const high = macHigh(mac);
    const low = macLow(mac);
    this.#netIface = Uint8Array.of(high >>> 8, high & 0xff, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low);
    this.#mtu = options.host.mtu;
    this.#baseReachableTime = config.baseReachableTime;
    this.#drawReachableTime();
    this.#retransTimer = config.retransTimer;
    this.cache = new NeighborCache<string>(
      this.#clock,
      neighborConfig({
        ...config.neighbor,
        reachableTime: this.#reachableTime,
        retransTime: this.#retransTimer,
        maxProbes: config.maxMulticastSolicit,
        maxUnicastProbes: config.maxUnicastSolicit,
        delayFirstProbeTime: config.delayFirstProbeTime,
      }),
      {
        solicit: (key, unicast) => this.#solicit(ipv6FromHexKey(key), unicast !== null),
        deliver: (packet, dst) => this.#host.deliver(packet, dst),
        unreachable: (key, packets) => this.#host.unreachable(ipv6FromHexKey(key), packets),
      },
    );
    this.#addresses = new AddressList(
      this.#clock,
      config.maxAddresses,
      config.dupAddrDetectTransmits,
      () => this.#retransTimer,
      {
        solicitDad: (target) => {
          this.counters.dadSolicitationsOut++;
          this.#sendNd(IPV6_UNSPECIFIED, solicitedNodeAddress(target), {
            kind: "neighbor-solicitation",
            target,
            sourceLinkLayer: null,
          });
        },
        duplicate: (removed) => this.#duplicate(removed),
        deprecated: (record) => this.#slaac.deprecated(record),
        event: (e) => this.#event(e),
      },
    );
    this.#routers = new RouterList(this.#clock, config.maxRouters, config.maxPrefixes, (router) =>
      this.#event({ type: "router", router, lifetime: 0 }),
    );
    this.#slaac = new Slaac(
      this.#clock,
      this.#addresses,
      {
        temporary: config.interfaceIds === "random",
        tempValidLifetime: config.tempValidLifetime,
        tempPreferredLifetime: config.tempPreferredLifetime,
        maxPrefixes: config.maxPrefixes,
      },
      (prefix, validUntil, preferredUntil) => {
        const origin = config.interfaceIds === "random" ? "temporary" : "stable";
        this.#form(prefix, origin, validUntil, preferredUntil, this.#clock.now(), 0, 0);
      },
    );
    this.#solicitor = new RouterSolicitor(this.#clock, config, this.#random, () => this.#solicitRouters());
  }

  /**
   * Starts the interface's IPv6 (RFC 4862 §5.3): the link-local address, tentative, with DAD after a
   * random delay up to MAX_RTR_SOLICITATION_DELAY (§5.4.2); router solicitation once it is assigned.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const now = this.#clock.now();
    const delay = this.#random() * this.config.maxRtrSolicitationDelay;
    const inf = Number.POSITIVE_INFINITY;
    this.#form(LINK_LOCAL_PREFIX, "link-local", inf, inf, now, 0, 0, delay);
  }

  /**
   * Adds `address`/`prefixLength`, the user's, for good: tentative under DAD like the others (RFC 4862
   * §5.4), then ours; not replaced when found duplicate (§5.4.5: the user must choose another). False when
   * the list is full or already holds it.
   */
  addManual(address: Ipv6Address, prefixLength: number): boolean {
    const inf = Number.POSITIVE_INFINITY;
    const init = {
      address: address.slice(),
      prefixLength,
      origin: "manual" as const,
      validUntil: inf,
      preferredUntil: inf,
    };
    const delay = this.#random() * this.config.maxRtrSolicitationDelay;
    const added = this.#addresses.add({ ...init, createdAt: this.#clock.now(), attempt: 0, dadCounter: 0 }, delay);
    if (added === null) {
      this.counters.tableFull++;
      return false;
    }
    this.#manualPrefixes.push([init.address, prefixLength]);
    return true;
  }

  /** Stops every timer and forgets addresses, routers and neighbours (the interface closed). */
  stop(): void {
    this.#started = false;
    this.#solicited = false;
    this.#solicitor.stop();
    this.#addresses.clear();
    this.#routers.clear();
    this.#slaac.clear();
    this.#manualPrefixes.length = 0;
    this.cache.clear();
  }

  /**
   * One ICMPv6 message of type 133 to 137 from the IPv6 layer, its checksum already verified: `body` is
   * what follows the 4-byte ICMPv6 header, `src`, `dst` and `hopLimit` come from the IPv6 header. Returns
   * null when the message was valid (acted on, or ignored as the RFCs say), else why it was dropped
   * (also counted in `counters.drops`). `body` is not kept.
   */
  receive(
    src: Ipv6Address,
    dst: Ipv6Address,
    hopLimit: number,
    icmpType: number,
    code: number,
    body: Uint8Array,
  ): NdpDropReason | null {
    const m = parseNdpMessage(icmpType, code, body, { source: src, destination: dst, hopLimit });
    if (typeof m === "string") {
      this.counters.drops[m]++;
      return m;
    }
    switch (m.kind) {
      case "router-solicitation":
        this.counters.routerSolicitationsIgnored++;
        break;
      case "router-advertisement":
        this.#routerAdvertisement(src, m);
        break;
      case "neighbor-solicitation":
        this.#neighborSolicitation(src, m);
        break;
      case "neighbor-advertisement":
        this.#neighborAdvertisement(m);
        break;
      case "redirect":
        this.counters.redirectsIgnored++;
        break;
    }
    return null;
  }

  /**
   * Sends `packet` to the link-layer address of `nextHop` (from `nextHop()`): a multicast group's MAC at
   * once (RFC 2464 §7), a neighbour's from the cache, or queued while it resolves (RFC 4861 §7.2.2). The
   * packet goes to `host.deliver` then, or to `host.unreachable` if nobody answers.
   */
  resolve(nextHop: Ipv6Address, packet: Uint8Array): void {
    if (isIpv6Multicast(nextHop)) this.#host.deliver(packet, ipv6MulticastMac(nextHop));
    else this.cache.send(ipv6HexKey(nextHop), packet);
  }

  /** RFC 4861 §5.2: the next hop towards `dst`, or null when no route (no default router). */
  nextHop(dst: Ipv6Address): Ipv6Address | null {
    for (const [prefix, length] of this.#manualPrefixes) if (ipv6InPrefix(dst, prefix, length)) return dst;
    return this.#routers.nextHop(dst, this.#probablyReachable);
  }

  /** §6.3.6: a router whose entry is past INCOMPLETE; one function for all packets, not one each. */
  readonly #probablyReachable = (router: Ipv6Address): boolean => {
    const e = this.cache.entry(ipv6HexKey(router));
    return e !== undefined && e.state !== "incomplete";
  };

  /** RFC 4861 §7.3.1: an upper layer saw forward progress with `neighbor` (TCP: new data acknowledged). */
  confirmReachable(neighbor: Ipv6Address): void {
    this.cache.confirmReachable(ipv6HexKey(neighbor));
  }

  /** The interface's addresses with their states. */
  addresses(): ConfiguredAddress[] {
    return this.#addresses.list();
  }

  /**
   * Whether a packet to `dst` is ours: an assigned address or a joined group. A tentative address takes
   * only neighbour discovery messages (`nd` true), for DAD (RFC 4862 §5.4).
   */
  acceptsDestination(dst: Ipv6Address, nd: boolean): boolean {
    if (isIpv6Multicast(dst)) return this.#addresses.isJoined(dst);
    const a = this.#addresses.find(dst);
    return a !== undefined && (a.state !== "tentative" || nd);
  }

  /** Whether a frame to `mac` is for one of our groups (the Ethernet multicast filter). */
  acceptsMac(mac: MacAddress): boolean {
    return this.#addresses.joinedMac(mac);
  }

  /** The multicast groups joined: all-nodes and each address's solicited-node group. */
  groups(): Ipv6Address[] {
    return this.#addresses.groups();
  }

  /**
   * A source address for a packet to `dst`, the short form of RFC 6724 §5: `dst` itself if ours (rule
   * 1), an address of the same scope (rule 2: link-local for link-local and link-scope multicast), a
   * preferred one before a deprecated one (rule 3), then the longest matching prefix (rule 8). Null when
   * no address is assigned.
   */
  sourceAddress(dst: Ipv6Address): Ipv6Address | null {
    const linkScope = isIpv6LinkLocal(dst) || (isIpv6Multicast(dst) && (dst[1] & 0x0f) <= 2);
    let best: ConfiguredAddress | null = null;
    let bestScore = -1;
    for (const a of this.#addresses.list()) {
      if (a.state === "tentative") continue;
      if (ipv6Equal(a.address, dst)) return a.address;
      const sameScope = isIpv6LinkLocal(a.address) === linkScope;
      const score = (sameScope ? 1000 : 0) + (a.state === "preferred" ? 500 : 0) + commonPrefix(a.address, dst);
      if (score > bestScore) {
        best = a;
        bestScore = score;
      }
    }
    return best === null ? null : best.address;
  }

  /** The default routers (RFC 4861 §6.3.4), oldest first. */
  routers(): Ipv6Address[] {
    return this.#routers.routers();
  }

  /** The on-link prefixes, as [prefix, length]. */
  prefixes(): [Ipv6Address, number][] {
    return this.#routers.prefixes();
  }

  /** CurHopLimit: the hop limit of our packets (64 until a router advertises one). */
  get hopLimit(): number {
    return this.#hopLimit;
  }

  /** The link MTU: the host's, or a smaller one a router advertised. */
  get mtu(): number {
    return this.#mtu;
  }

  /** ReachableTime, randomized from BaseReachableTime (RFC 4861 §6.3.2). */
  get reachableTime(): number {
    return this.#reachableTime;
  }

  /** RetransTimer (RFC 4861 §6.3.2). */
  get retransTimer(): number {
    return this.#retransTimer;
  }

  #drawReachableTime(): void {
    this.#reachableTime = this.#baseReachableTime * (MIN_RANDOM_FACTOR + this.#random() * RANDOM_FACTOR_SPAN);
    this.#reachableDrawnAt = this.#clock.now();
  }

  /** Adds an address of `prefix` with an identifier of `origin`'s kind (RFC 7217 for all but temporary). */
  #form(
    prefix: Ipv6Address,
    origin: AddressOrigin,
    validUntil: number,
    preferredUntil: number,
    createdAt: number,
    attempt: number,
    dadCounter: number,
    dadDelay = 0,
  ): void {
    let iid: Uint8Array;
    let counter = dadCounter;
    if (origin === "temporary") iid = randomInterfaceId(this.#randomBytes);
    else ({ iid, dadCounter: counter } = stableInterfaceId(this.#secret, prefix, this.#netIface, dadCounter));
    const address = withInterfaceId(prefix, iid);
    const added = this.#addresses.add(
      { address, prefixLength: 64, origin, validUntil, preferredUntil, createdAt, attempt, dadCounter: counter },
      dadDelay,
    );
    if (added === null) this.counters.tableFull++;
  }

  /** RFC 7217 §6: a duplicate is replaced by the identifier of the next DAD_Counter, IDGEN_RETRIES times. */
  #duplicate(removed: AddressRecord): void {
    this.counters.dadConflicts++;
    if (removed.origin === "manual" || removed.attempt >= this.config.idgenRetries) {
      this.counters.dadFailures++;
      // Without a link-local address, routers are still solicited, from :: (§6.3.7).
      if (removed.origin === "link-local") this.#startSoliciting();
      return;
    }
    const prefix = removed.origin === "link-local" ? LINK_LOCAL_PREFIX : removed.address;
    this.#form(
      prefix,
      removed.origin,
      removed.validUntil,
      removed.preferredUntil,
      removed.createdAt,
      removed.attempt + 1,
      removed.dadCounter + 1,
    );
  }

  #event(e: NdpEvent): void {
    // Router solicitation starts once the link-local address is assigned, so it goes out from it with
    // our link-layer address (§6.3.7 allows :: before, but then without the option).
    if (e.type === "address" && e.address.origin === "link-local" && e.address.state !== "tentative")
      this.#startSoliciting();
    this.onEvent?.(e);
  }

  #startSoliciting(): void {
    if (!this.#started || this.#solicited) return;
    this.#solicited = true;
    this.#solicitor.start();
  }

  /** An address we may send neighbour discovery from: the link-local one, else any assigned one. */
  #ndSource(): Ipv6Address | null {
    let other: Ipv6Address | null = null;
    for (const a of this.#addresses.list()) {
      if (a.state === "tentative") continue;
      if (isIpv6LinkLocal(a.address)) return a.address;
      other ??= a.address;
    }
    return other;
  }

  #sendNd(src: Ipv6Address, dst: Ipv6Address, m: NdpMessage): void {
    const out = buildNdpMessage(m);
    this.#host.send(src, dst, 255, out.icmpType, out.code, out.body);
  }

  /** RFC 4861 §7.2.2 (multicast, to the solicited-node group) and §7.3.3 PROBE (unicast) solicitations. */
  #solicit(target: Ipv6Address, unicast: boolean): void {
    const src = this.#ndSource();
    if (src === null) {
      this.counters.noSourceAddress++;
      return;
    }
    const dst = unicast ? target : solicitedNodeAddress(target);
    this.#sendNd(src, dst, { kind: "neighbor-solicitation", target, sourceLinkLayer: this.#host.mac });
  }

  /** §6.3.7: from the link-local address with our link-layer address, or from :: without it. */
  #solicitRouters(): void {
    this.counters.routerSolicitationsOut++;
    const src = this.#ndSource();
    this.#sendNd(src ?? IPV6_UNSPECIFIED, IPV6_ALL_ROUTERS, {
      kind: "router-solicitation",
      sourceLinkLayer: src === null ? null : this.#host.mac,
    });
  }

  /** RFC 4861 §6.3.4, and RFC 4862 §5.5.3 for its autonomous prefixes. */
  #routerAdvertisement(src: Ipv6Address, m: RouterAdvertisement): void {
    this.counters.routerAdvertisementsIn++;
    if (m.routerLifetime !== 0) this.#solicitor.stop();
    if (m.curHopLimit !== 0 && m.curHopLimit !== this.#hopLimit) {
      this.#hopLimit = m.curHopLimit;
      this.#event({ type: "hop-limit", hopLimit: m.curHopLimit });
    }
    // §6.3.4: ReachableTime is drawn again when the advertised base "differs from the previous value"
    // (redrawing on every RA would let a router's cadence synchronize NUD), and every few hours anyway.
    const base = m.reachableTime === 0 ? this.#baseReachableTime : Math.min(m.reachableTime, MAX_ADVERTISED_TIME);
    const redraw =
      base !== this.#baseReachableTime || this.#clock.now() - this.#reachableDrawnAt >= REDRAW_REACHABLE_MS;
    if (redraw) {
      this.#baseReachableTime = base;
      this.#drawReachableTime();
    }
    if (m.retransTimer !== 0) this.#retransTimer = Math.min(m.retransTimer, MAX_ADVERTISED_TIME);
    if (redraw || m.retransTimer !== 0) this.cache.setTimes(this.#reachableTime, this.#retransTimer);
    // The router's own link-layer address, "creating an entry if necessary" (stale until used).
    if (m.sourceLinkLayer !== null) this.cache.learn(ipv6HexKey(src), m.sourceLinkLayer, true);
    const lifetime = m.routerLifetime * 1000;
    const change = this.#routers.updateRouter(src, lifetime);
    if (change === "full") this.counters.tableFull++;
    else if (change !== "unchanged") this.#event({ type: "router", router: src.slice(), lifetime });
    if (m.mtu !== null) {
      if (m.mtu >= IPV6_MIN_MTU && m.mtu <= this.#host.mtu) {
        if (m.mtu !== this.#mtu) {
          this.#mtu = m.mtu;
          this.#event({ type: "mtu", mtu: m.mtu });
        }
      } else this.counters.mtuIgnored++;
    }
    for (const p of m.prefixes) {
      if (p.prefixLength > 128) {
        this.counters.prefixesIgnored++;
        continue;
      }
      if (p.onLink && !isIpv6LinkLocal(p.prefix)) {
        const change = this.#routers.updatePrefix(p.prefix, p.prefixLength, lifetimeMs(p.validLifetime));
        if (change === "full") this.counters.tableFull++;
      }
      if (this.config.autoconf && this.#slaac.prefix(p) === "ignored") this.counters.prefixesIgnored++;
    }
  }

  /** RFC 4861 §7.2.3-4 and RFC 4862 §5.4.3. */
  #neighborSolicitation(src: Ipv6Address, m: NeighborSolicitation): void {
    this.counters.neighborSolicitationsIn++;
    const ours = this.#addresses.find(m.target);
    if (ours === undefined) {
      this.counters.notForUs++;
      return;
    }
    const fromUnspecified = isIpv6Unspecified(src);
    if (ours.state === "tentative") {
      // From ::, another node's DAD for the same address: ours is the duplicate. From a unicast
      // address, address resolution of an address we do not have yet: not answered.
      if (fromUnspecified) this.#addresses.duplicate(ours);
      else this.counters.tentativeTargetIgnored++;
      return;
    }
    if (!fromUnspecified && m.sourceLinkLayer !== null) this.cache.learn(ipv6HexKey(src), m.sourceLinkLayer, true);
    // §7.2.4: to the solicitor, solicited; to all nodes, unsolicited, when the solicitor has no address.
    this.counters.neighborAdvertisementsOut++;
    this.#sendNd(m.target, fromUnspecified ? IPV6_ALL_NODES : src, {
      kind: "neighbor-advertisement",
      router: false,
      solicited: !fromUnspecified,
      override: true,
      target: m.target,
      targetLinkLayer: this.#host.mac,
    });
  }

  /** RFC 4861 §7.2.5 and RFC 4862 §5.4.4. */
  #neighborAdvertisement(m: NeighborAdvertisement): void {
    this.counters.neighborAdvertisementsIn++;
    const ours = this.#addresses.find(m.target);
    if (ours !== undefined) {
      if (ours.state === "tentative") this.#addresses.duplicate(ours);
      else this.counters.addressConflicts++;
      return;
    }
    const applied = this.cache.advertised(ipv6HexKey(m.target), m.targetLinkLayer, m.solicited, m.override);
    // The IsRouter flag went from true to false: the node is no default router any more.
    if (applied && !m.router && this.#routers.removeRouter(m.target))
      this.#event({ type: "router", router: m.target.slice(), lifetime: 0 });
  }
}

/** The leading bits `a` and `b` share, up to the 64 of a prefix (RFC 6724 §2.2 CommonPrefixLen). */
function commonPrefix(a: Ipv6Address, b: Ipv6Address): number {
  let n = 0;
  while (n < 64 && ipv6InPrefix(a, b, n + 1)) n++;
  return n;
}
