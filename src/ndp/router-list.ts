import type { Clock, Timer } from "../clock/clock.js";
import { type Ipv6Address, ipv6InPrefix } from "../wire/ipv6-address.js";
import { isIpv6LinkLocal, isIpv6Multicast } from "../wire/ipv6-multicast.js";
import { ipv6HexKey } from "./hex-key.js";
import { scheduleLong } from "../clock/long-timer.js";

interface Router {
  readonly address: Ipv6Address;
  timer: Timer;
}

interface Prefix {
  readonly prefix: Ipv6Address;
  readonly length: number;
  timer: Timer;
}

/** What `update` did, for counters and events. */
export type ListChange = "added" | "refreshed" | "removed" | "full" | "unchanged";

/**
 * RFC 4861 §5.1's Default Router List and Prefix List, filled from router advertisements (§6.3.4) with
 * each entry timed out by its advertised lifetime, and the next-hop determination of §5.2 over them.
 * Both are bounded: an advertisement beyond the bound is counted, not stored.
 */
export class RouterList {
  readonly #routers = new Map<string, Router>();
  readonly #prefixes = new Map<string, Prefix>();
  readonly #clock: Clock;
  readonly #maxRouters: number;
  readonly #maxPrefixes: number;
  readonly #expired: (router: Ipv6Address) => void;
  /** Where the round-robin of §6.3.6 starts next. */
  #turn = 0;

  constructor(clock: Clock, maxRouters: number, maxPrefixes: number, expired: (router: Ipv6Address) => void) {
    this.#clock = clock;
    this.#maxRouters = maxRouters;
    this.#maxPrefixes = maxPrefixes;
    this.#expired = expired;
  }

  /** The default routers, oldest first. */
  routers(): Ipv6Address[] {
    return [...this.#routers.values()].map((r) => r.address.slice());
  }

  /** The on-link prefixes, as [prefix, length]. */
  prefixes(): [Ipv6Address, number][] {
    return [...this.#prefixes.values()].map((p) => [p.prefix.slice(), p.length]);
  }

  /** §6.3.4: a router's advertised lifetime (ms): 0 removes it, else it is added or its timer reset. */
  updateRouter(address: Ipv6Address, lifetime: number): ListChange {
    const key = ipv6HexKey(address);
    const held = this.#routers.get(key);
    if (lifetime === 0) {
      if (held === undefined) return "unchanged";
      this.removeRouter(address);
      return "removed";
    }
    // `address` may be a view into the frame, which the link reuses: the timer keeps the entry's copy.
    const own = held?.address ?? address.slice();
    const timer = scheduleLong(this.#clock, lifetime, () => {
      this.#routers.delete(key);
      this.#expired(own.slice());
    });
    if (held !== undefined) {
      held.timer.cancel();
      held.timer = timer;
      return "refreshed";
    }
    if (this.#routers.size >= this.#maxRouters) {
      timer.cancel();
      return "full";
    }
    this.#routers.set(key, { address: own, timer });
    return "added";
  }

  /** Forgets a router (its lifetime ended, or an advertisement said it is a router no more, §7.2.5). */
  removeRouter(address: Ipv6Address): boolean {
    const key = ipv6HexKey(address);
    const held = this.#routers.get(key);
    if (held === undefined) return false;
    held.timer.cancel();
    this.#routers.delete(key);
    return true;
  }

  /** §6.3.4: an on-link prefix with its valid lifetime (ms); 0 times it out at once. */
  updatePrefix(prefix: Ipv6Address, length: number, lifetime: number): ListChange {
    const key = `${ipv6HexKey(prefix)}/${length}`;
    const held = this.#prefixes.get(key);
    held?.timer.cancel();
    if (lifetime === 0) {
      if (held === undefined) return "unchanged";
      this.#prefixes.delete(key);
      return "removed";
    }
    const timer = scheduleLong(this.#clock, lifetime, () => this.#prefixes.delete(key));
    if (held !== undefined) {
      held.timer = timer;
      return "refreshed";
    }
    if (this.#prefixes.size >= this.#maxPrefixes) {
      timer.cancel();
      return "full";
    }
    this.#prefixes.set(key, { prefix: prefix.slice(), length, timer });
    return "added";
  }

  /** Whether `dst` is on the link: link-local, multicast, or in an on-link prefix (§5.2). */
  isOnLink(dst: Ipv6Address): boolean {
    if (isIpv6LinkLocal(dst) || isIpv6Multicast(dst)) return true;
    for (const p of this.#prefixes.values()) if (ipv6InPrefix(dst, p.prefix, p.length)) return true;
    return false;
  }

  /**
   * §5.2 next-hop determination: `dst` itself when on-link, else a default router chosen as §6.3.6 says
   * (the first one `probablyReachable`, else the next in turn), else null: no route (RFC 4943 ended the
   * old rule that took every destination as on-link without a router).
   */
  nextHop(dst: Ipv6Address, probablyReachable: (router: Ipv6Address) => boolean): Ipv6Address | null {
    if (this.isOnLink(dst)) return dst;
    if (this.#routers.size === 0) return null;
    for (const r of this.#routers.values()) if (probablyReachable(r.address)) return r.address;
    const r = [...this.#routers.values()][this.#turn++ % this.#routers.size];
    return r.address;
  }

  clear(): void {
    for (const r of this.#routers.values()) r.timer.cancel();
    for (const p of this.#prefixes.values()) p.timer.cancel();
    this.#routers.clear();
    this.#prefixes.clear();
  }
}
