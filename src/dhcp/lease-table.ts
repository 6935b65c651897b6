import { parseIpv4 } from "../wire/ipv4-address.js";

/** What a server holds about one address of its pool. */
export interface Binding {
  /** The client's key: its client identifier (61) in hex, else its MAC. */
  client: string;
  state: "offered" | "leased" | "declined";
  /** Clock ms: an offer's reservation, a lease's end, a declined address's quarantine. */
  expires: number;
}

/** The most addresses one pool may hold, so the table's bound is a known size. */
export const MAX_POOL = 65_536;

/**
 * A server's pool and its bindings, by address and by client: never larger than the pool (one binding per
 * address, one address per client). Lapsed bindings are reclaimed when their address is looked at.
 */
export class LeaseTable {
  readonly first: number;
  readonly last: number;
  readonly #byIp = new Map<number, Binding>();
  readonly #byClient = new Map<string, number>();
  /** Where the search for a free address starts: just past the last one given. */
  #cursor: number;

  constructor(pool: string | { start: string; end: string }) {
    const [start, end] = typeof pool === "string" ? pool.split("-").map((s) => s.trim()) : [pool.start, pool.end];
    if (end === undefined) throw new RangeError(`dhcp server: pool must be "FIRST-LAST", got "${String(pool)}"`);
    this.first = parseIpv4(start);
    this.last = parseIpv4(end);
    const size = this.last - this.first + 1;
    if (!(size >= 1 && size <= MAX_POOL))
      throw new RangeError(`dhcp server: a pool of 1..${MAX_POOL} addresses, got ${size}`);
    this.#cursor = this.first;
  }

  get size(): number {
    return this.last - this.first + 1;
  }

  /** Bindings held (lapsed ones included until reclaimed). */
  get count(): number {
    return this.#byIp.size;
  }

  contains(ip: number): boolean {
    return ip >= this.first && ip <= this.last;
  }

  /** The live binding of `ip`, or undefined (a lapsed one is reclaimed here). */
  get(ip: number, now: number): Binding | undefined {
    const b = this.#byIp.get(ip);
    if (b === undefined || b.expires > now) return b;
    this.#delete(ip, b);
    return undefined;
  }

  /** The address bound to `client` (offered or leased, not lapsed), or undefined. */
  addressOf(client: string, now: number): number | undefined {
    const ip = this.#byClient.get(client);
    return ip !== undefined && this.get(ip, now) !== undefined ? ip : undefined;
  }

  /**
   * A free address that `usable` allows: `wanted` when it is in the pool and free, else the next free one;
   * null: none is.
   */
  free(now: number, usable: (ip: number) => boolean, wanted?: number): number | null {
    const ok = (ip: number) => usable(ip) && this.get(ip, now) === undefined;
    if (wanted !== undefined && this.contains(wanted) && ok(wanted)) return wanted;
    for (let i = 0; i < this.size; i++) {
      const ip = this.#cursor;
      this.#cursor = ip === this.last ? this.first : ip + 1;
      if (ok(ip)) return ip;
    }
    return null;
  }

  /** Binds `ip` to `client` (replacing whatever `client` held before). */
  set(ip: number, client: string, state: Binding["state"], expires: number): void {
    const before = this.#byClient.get(client);
    if (before !== undefined && before !== ip) this.remove(before);
    const other = this.#byIp.get(ip);
    if (other !== undefined) this.#delete(ip, other);
    this.#byIp.set(ip, { client, state, expires });
    // A declined address belongs to nobody: the client that declined it asks again for another.
    if (state !== "declined") this.#byClient.set(client, ip);
  }

  remove(ip: number): void {
    const b = this.#byIp.get(ip);
    if (b !== undefined) this.#delete(ip, b);
  }

  /** The live leases, for the owner's inspection: address and client key. */
  *leases(now: number): Generator<{ ip: number; client: string; expires: number }> {
    for (const [ip, b] of this.#byIp)
      if (b.state === "leased" && b.expires > now) yield { ip, client: b.client, expires: b.expires };
  }

  #delete(ip: number, b: Binding): void {
    this.#byIp.delete(ip);
    if (this.#byClient.get(b.client) === ip) this.#byClient.delete(b.client);
  }
}
