import type { Clock, Timer } from "../clock/clock.js";
import type { MacAddress } from "../wire/mac-address.js";
import type { NeighborConfig } from "./config.js";
import { newNeighborCounters, type NeighborCounters } from "./counters.js";

/**
 * The states of RFC 4861 §7.3.2: resolving, confirmed, unconfirmed (still used), waiting for an upper
 * layer to confirm a stale entry in use (DELAY), and being re-validated by unicast requests (RFC 1122
 * §2.3.2.1's poll, for ARP too). ARP has no upper-layer confirmation, so its configuration has no DELAY
 * (`delayFirstProbeTime` 0): a stale entry in use is probed at once.
 */
export type NeighborState = "incomplete" | "reachable" | "stale" | "delay" | "probe";

/** What the cache asks of its protocol (ARP, IPv6 ND) and its interface. */
export interface NeighborHooks<K> {
  /** Send a request for `key`: broadcast (or multicast) when `unicast` is null, else to that address. */
  solicit(key: K, unicast: MacAddress | null): void;
  /** Send `packet` to the link-layer address `mac`: the cache resolved (or already knew) its next hop. */
  deliver(packet: Uint8Array, mac: MacAddress): void;
  /** Nobody answered for `key`: `packets` were queued for it and are dropped (the interface reports why). */
  unreachable(key: K, packets: readonly Uint8Array[]): void;
}

interface Entry<K> {
  readonly key: K;
  state: NeighborState;
  mac: MacAddress;
  queue: Uint8Array[];
  /** Requests sent in the current incomplete or probe state. */
  probes: number;
  timer: Timer | null;
  lastUsed: number;
}

/** A read-only view of one entry, for tests and `ip neigh`-style listings. */
export interface NeighborEntry<K> {
  key: K;
  state: NeighborState;
  mac: MacAddress | null;
  queued: number;
}

/**
 * One interface's neighbour cache: protocol address (K) to link-layer address, with no knowledge of the
 * protocol's packets, so ARP and IPv6 neighbour discovery can share it as they share Linux's
 * net/core/neighbour.c. Bounded in entries and in packets queued per entry; requests are paced per address
 * (retransTime) and over all addresses (requestRate). Only a reply to a request of ours (`confirm` while
 * incomplete or probing, ARP), a solicited advertisement (`advertised`, IPv6 ND) or an upper layer's word
 * (`confirmReachable`) makes an entry reachable.
 */
export class NeighborCache<K> {
  readonly counters: NeighborCounters = newNeighborCounters();
  readonly #entries = new Map<K, Entry<K>>();
  readonly #clock: Clock;
  readonly #config: NeighborConfig;
  readonly #hooks: NeighborHooks<K>;
  #tokens: number;
  #tokensAt: number;
  #reachableTime: number;
  #retransTime: number;

  constructor(clock: Clock, config: NeighborConfig, hooks: NeighborHooks<K>) {
    this.#clock = clock;
    this.#config = config;
    this.#hooks = hooks;
    this.#reachableTime = config.reachableTime;
    this.#retransTime = config.retransTime;
    this.#tokens = config.requestRate;
    this.#tokensAt = clock.now();
  }

  /**
   * New timers from the link (RFC 4861 §6.3.4: a router advertises RetransTimer and BaseReachableTime;
   * ND passes the randomized ReachableTime of §6.3.2). Timers already running keep their deadline.
   */
  setTimes(reachableTime: number, retransTime: number): void {
    this.#reachableTime = reachableTime;
    this.#retransTime = retransTime;
  }

  get size(): number {
    return this.#entries.size;
  }

  entry(key: K): NeighborEntry<K> | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    return { key, state: e.state, mac: e.state === "incomplete" ? null : e.mac, queued: e.queue.length };
  }

  entries(): NeighborEntry<K>[] {
    return [...this.#entries.keys()].map((k) => this.entry(k) as NeighborEntry<K>);
  }

  /** Send `packet` to neighbour `key`: at once when its address is known, else queued while it resolves. */
  send(key: K, packet: Uint8Array): void {
    const now = this.#clock.now();
    let e = this.#entries.get(key);
    if (e === undefined) {
      const created = this.#create(key, "incomplete", 0);
      if (created === null) {
        this.counters.cacheFull++;
        return;
      }
      e = created;
      e.lastUsed = now;
      this.#enqueue(e, packet);
      this.#request(e, null);
      return;
    }
    e.lastUsed = now;
    switch (e.state) {
      case "incomplete":
        this.#enqueue(e, packet);
        return;
      case "stale":
        // RFC 4861 §7.3.3: a stale address is still used, and its use starts re-validation (after
        // DELAY_FIRST_PROBE_TIME, in which an upper layer may confirm it, when there is one).
        this.#hooks.deliver(packet, e.mac);
        if (this.#config.delayFirstProbeTime > 0) this.#enter(e, "delay");
        else this.#probe(e);
        return;
      case "reachable":
      case "delay":
      case "probe":
        this.#hooks.deliver(packet, e.mac);
        return;
    }
  }

  /**
   * A reply for `key` from `mac`. Accepted only while we asked (incomplete or probing); anything else is
   * an unsolicited reply, counted and ignored. Returns whether it was accepted.
   */
  confirm(key: K, mac: MacAddress): boolean {
    const e = this.#entries.get(key);
    if (e === undefined || (e.state !== "incomplete" && e.state !== "probe")) {
      this.counters.unsolicitedReplies++;
      return false;
    }
    this.counters.confirmations++;
    e.mac = mac;
    this.#enter(e, "reachable");
    this.#flush(e);
    return true;
  }

  /**
   * RFC 4861 §7.2.5: a Neighbor Advertisement for `key`, with its target link-layer address (null when it
   * carried none) and its Solicited and Override flags. No entry: ignored (an advertisement never creates
   * one). Returns whether it was applied, so the caller updates the entry's IsRouter flag only then.
   */
  advertised(key: K, mac: MacAddress | null, solicited: boolean, override: boolean): boolean {
    const e = this.#entries.get(key);
    if (e === undefined) {
      this.counters.unsolicitedReplies++;
      return false;
    }
    if (e.state === "incomplete") {
      // Without an address it resolves nothing: the RFC's SHOULD discard.
      if (mac === null) return false;
      if (solicited) this.counters.confirmations++;
      e.mac = mac;
      this.#enter(e, solicited ? "reachable" : "stale");
      this.#flush(e);
      return true;
    }
    const changed = mac !== null && mac !== e.mac;
    if (changed && !override) {
      // Another address without the Override flag: the entry keeps its address, and a reachable one
      // becomes stale so that its next use asks again.
      this.counters.overridesRefused++;
      if (e.state === "reachable") this.#enter(e, "stale");
      return false;
    }
    if (changed) e.mac = mac;
    if (solicited) {
      this.counters.confirmations++;
      this.#enter(e, "reachable");
    } else if (changed) this.#enter(e, "stale");
    return true;
  }

  /**
   * RFC 4861 §7.3.1: an upper layer saw forward progress with `key` (TCP new data acknowledged), which
   * confirms it as a solicited advertisement would. An unknown or unresolved address is left alone.
   */
  confirmReachable(key: K): void {
    const e = this.#entries.get(key);
    if (e === undefined || e.state === "incomplete") return;
    this.counters.upperLayerConfirmations++;
    this.#enter(e, "reachable");
  }

  /**
   * `key` is at `mac` by its own word but unconfirmed: a request it sent to us (RFC 826's merge, which
   * creates the entry since it will likely talk to us), or its announcement (`create` false: only an
   * entry we already have is updated). A changed or new address is stale, so its first use re-validates.
   */
  learn(key: K, mac: MacAddress, create: boolean): void {
    const e = this.#entries.get(key);
    if (e === undefined) {
      if (create) this.#create(key, "stale", mac);
      return;
    }
    if (e.state === "incomplete") {
      e.mac = mac;
      this.#enter(e, "stale");
      this.#flush(e);
      return;
    }
    if (e.mac === mac) return;
    e.mac = mac;
    this.#enter(e, "stale");
  }

  /** Forget everything (the interface's address changed or it closed); queued packets are dropped silently. */
  clear(): void {
    for (const e of this.#entries.values()) e.timer?.cancel();
    this.#entries.clear();
  }

  #create(key: K, state: NeighborState, mac: MacAddress): Entry<K> | null {
    if (this.#entries.size >= this.#config.maxEntries && !this.#evict()) return null;
    const e: Entry<K> = { key, state, mac, queue: [], probes: 0, timer: null, lastUsed: this.#clock.now() };
    this.#entries.set(key, e);
    this.#enter(e, state);
    return e;
  }

  /** Drops the least recently used entry that is not resolving; false when every one is resolving. */
  #evict(): boolean {
    let victim: Entry<K> | null = null;
    for (const e of this.#entries.values())
      if (e.state !== "incomplete" && (victim === null || e.lastUsed < victim.lastUsed)) victim = e;
    if (victim === null) return false;
    this.counters.evictions++;
    this.#remove(victim);
    return true;
  }

  #remove(e: Entry<K>): void {
    e.timer?.cancel();
    this.#entries.delete(e.key);
  }

  #enqueue(e: Entry<K>, packet: Uint8Array): void {
    if (e.queue.length >= this.#config.queueLength) {
      e.queue.shift();
      this.counters.queueOverflows++;
    }
    e.queue.push(packet);
  }

  #flush(e: Entry<K>): void {
    const queue = e.queue;
    e.queue = [];
    for (const p of queue) this.#hooks.deliver(p, e.mac);
  }

  /** Sets the state and its one timer. */
  #enter(e: Entry<K>, state: NeighborState): void {
    e.state = state;
    e.timer?.cancel();
    e.timer = null;
    const c = this.#config;
    if (state === "reachable") e.timer = this.#clock.schedule(this.#reachableTime, () => this.#enter(e, "stale"));
    else if (state === "stale") e.timer = this.#clock.schedule(c.staleTime, () => this.#staleExpired(e));
    else if (state === "delay") e.timer = this.#clock.schedule(c.delayFirstProbeTime, () => this.#probe(e));
  }

  /** RFC 4861 §7.3.3: PROBE, the first unicast request at once. */
  #probe(e: Entry<K>): void {
    e.state = "probe";
    e.probes = 0;
    this.#request(e, e.mac);
  }

  #staleExpired(e: Entry<K>): void {
    const idle = this.#clock.now() - e.lastUsed;
    if (idle >= this.#config.staleTime) this.#remove(e);
    else e.timer = this.#clock.schedule(this.#config.staleTime - idle, () => this.#staleExpired(e));
  }

  /** One request, then a retransmission timer: RFC 1122 §2.3.2.1's one a second per address. */
  #request(e: Entry<K>, unicast: MacAddress | null): void {
    e.probes++;
    if (this.#takeToken()) {
      this.counters.requestsOut++;
      this.#hooks.solicit(e.key, unicast);
    } else this.counters.requestsRateLimited++;
    e.timer?.cancel();
    e.timer = this.#clock.schedule(this.#retransTime, () => this.#retransmit(e));
  }

  #retransmit(e: Entry<K>): void {
    e.timer = null;
    // MAX_MULTICAST_SOLICIT while resolving, MAX_UNICAST_SOLICIT while probing (RFC 4861 §7.3.3).
    const limit = e.state === "probe" ? this.#config.maxUnicastProbes : this.#config.maxProbes;
    if (e.probes < limit) {
      this.#request(e, e.state === "probe" ? e.mac : null);
      return;
    }
    this.#remove(e);
    if (e.state === "probe") {
      this.counters.probeFailures++;
      return;
    }
    this.counters.resolutionFailures++;
    this.#hooks.unreachable(e.key, e.queue);
  }

  #takeToken(): boolean {
    const rate = this.#config.requestRate;
    const now = this.#clock.now();
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#tokensAt) * rate) / 1000);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
