import type { Clock } from "../clock/clock.js";
import { ipv4ToString, parseIpv4 } from "../wire/ipv4-address.js";
import { dnsNameKey } from "../wire/dns-name.js";
import { DnsClass, DnsRcode, DnsType, type DnsMessage, type DnsRecord } from "../wire/dns-types.js";
import { TtlCache } from "./cache.js";
import { CnameChainError, NameNotFoundError, NoRecordsError, ResolverClosedError } from "./errors.js";
import type { ExchangeConfig, ResolverCounters, Server } from "./exchange-config.js";
import { exchange } from "./exchange.js";
import { checkHostname } from "./hostname.js";
import { ADDRESS_TYPES, type AddressType } from "./record-types.js";
import type { DatagramNetwork, StreamConnector } from "./transport.js";

export interface ResolverOptions {
  /** Recursive servers to ask, in order: "10.0.0.53", "10.0.0.53:5353" or { address, port }. Port 53 by default. */
  servers: ReadonlyArray<string | { address: string; port?: number }>;
  clock: Clock;
  /** UDP, the usual transport. Without it every query goes over TCP (RFC 7766 allows TCP-only clients). */
  udp?: DatagramNetwork;
  /** TCP, for truncated answers; or the only transport. At least one of the two is needed. */
  tcp?: StreamConnector;
  /** Milliseconds to wait for one server on one attempt (default 2000). */
  timeout?: number;
  /** Rounds over the server list (default 2, as glibc's `attempts`). */
  attempts?: number;
  /** Names kept in the cache, answers and negative answers together (default 128). */
  cacheSize?: number;
  /** Upper bound on how long an answer is cached, seconds (default 3600). */
  maxTtl?: number;
  /** Upper bound on how long NXDOMAIN and NODATA are cached, seconds (default 300; RFC 2308 section 5). */
  maxNegativeTtl?: number;
  /** CNAMEs followed before giving up (default 8). */
  maxCnameHops?: number;
  /**
   * The UDP payload size advertised with EDNS(0) (RFC 6891), default 1232 (the DNS flag day 2020 value:
   * fits an IPv6 minimum MTU unfragmented); false sends plain RFC 1035 queries, answered in 512 bytes.
   * A server that answers EDNS with FORMERR is asked without it.
   */
  udpPayload?: number | false;
  /** Uniform 32-bit integers for query IDs and source ports. Default: crypto.getRandomValues; tests pass a seeded one. */
  random?: () => number;
}

/** What `resolve()` gives: the addresses of a name, its canonical name and how long they hold. */
export interface Resolution {
  /** The name as asked for. */
  hostname: string;
  /** The end of the CNAME chain (the name itself when there is none), lowercase. */
  canonicalName: string;
  type: AddressType;
  /** Dotted quads, in the server's order, without duplicates. */
  addresses: string[];
  /** Seconds the answer stays valid: the smallest TTL along the chain, capped by `maxTtl`. */
  ttl: number;
}

type Cached =
  | { ok: true; canonicalName: string; addresses: string[] }
  | { ok: false; nxdomain: boolean; canonicalName: string };

/**
 * A stub resolver (RFC 1035 section 7, RFC 1123 section 6.1.3): asks recursive servers for address
 * records, follows CNAME chains, caches answers and negative answers for their TTL, and turns NXDOMAIN,
 * NODATA, SERVFAIL and silence into typed errors. It runs over any `DatagramNetwork` and
 * `StreamConnector`, so it knows nothing of the stack below it.
 */
export class Resolver {
  readonly counters: ResolverCounters = {
    udpQueries: 0,
    tcpQueries: 0,
    received: 0,
    mismatched: 0,
    malformed: 0,
    timeouts: 0,
    truncated: 0,
    cacheHits: 0,
    cacheMisses: 0,
  };
  readonly #config: ExchangeConfig;
  readonly #cache: TtlCache<Cached>;
  readonly #maxTtl: number;
  readonly #maxNegativeTtl: number;
  readonly #maxCnameHops: number;
  /** Lookups under way, by cache key: a second caller for the same name waits for the first's answer. */
  readonly #inflight = new Map<string, Promise<Resolution>>();
  readonly #onClose = new Set<() => void>();
  #closed = false;

  constructor(options: ResolverOptions) {
    if (options.servers.length === 0) throw new RangeError("a resolver needs at least one server");
    if (options.udp === undefined && options.tcp === undefined)
      throw new TypeError("a resolver needs udp, tcp or both");
    const servers = options.servers.map(serverOf);
    this.#maxTtl = positive(options.maxTtl ?? 3600, "maxTtl");
    this.#maxNegativeTtl = positive(options.maxNegativeTtl ?? 300, "maxNegativeTtl");
    this.#maxCnameHops = integer(options.maxCnameHops ?? 8, "maxCnameHops");
    this.#cache = new TtlCache(options.cacheSize ?? 128, options.clock);
    this.#config = {
      servers,
      clock: options.clock,
      udp: options.udp ?? null,
      tcp: options.tcp ?? null,
      timeout: positive(options.timeout ?? 2000, "timeout"),
      attempts: Math.max(1, integer(options.attempts ?? 2, "attempts")),
      udpPayload: udpPayloadOf(options.udpPayload ?? 1232),
      plainServers: new Set(),
      random: options.random ?? cryptoRandom,
      counters: this.counters,
      onClose: (abort) => {
        this.#onClose.add(abort);
        return () => this.#onClose.delete(abort);
      },
    };
  }

  /**
   * The addresses of `hostname`. A dotted quad is its own answer. Rejects with `InvalidHostnameError`,
   * `NameNotFoundError` (NXDOMAIN), `NoRecordsError` (NODATA), `ServerFailureError`, `DnsTimeoutError`,
   * `TruncatedResponseError`, `CnameChainError` or `ResolverClosedError`.
   */
  async resolve(hostname: string, type: AddressType = "A"): Promise<Resolution> {
    if (this.#closed) throw new ResolverClosedError(hostname, "the resolver is closed");
    if (type === "A" && isIpv4(hostname))
      return { hostname, canonicalName: hostname, type, addresses: [hostname], ttl: 0 };
    const name = checkHostname(hostname);
    const key = `${type} ${name}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return answerOf(hostname, type, cached.value, cached.ttl);
    }
    this.counters.cacheMisses++;
    const running = this.#inflight.get(key);
    if (running !== undefined) return { ...(await running), hostname };
    const lookup = this.#lookup(hostname, name, type, key).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, lookup);
    return lookup;
  }

  /** Entries in the cache (bounded by `cacheSize`). */
  get cacheSize(): number {
    return this.#cache.size;
  }

  /** Ends every lookup under way with `ResolverClosedError` and empties the cache. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const abort of [...this.#onClose]) abort();
    this.#cache.clear();
  }

  /** `await using`: `close()` at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  async #lookup(hostname: string, name: string, type: AddressType, key: string): Promise<Resolution> {
    const { code, address } = ADDRESS_TYPES[type];
    let current = name;
    let ttl = this.#maxTtl;
    let hops = 0;
    const seen = new Set([name]);
    for (;;) {
      const { message } = await exchange(this.#config, hostname, current, code);
      let advanced = false;
      for (;;) {
        // Only records about the name being followed count; anything else in the answer is ignored, so an
        // answer cannot plant records for names that were not asked about.
        const owned = message.answers.filter((r) => r.class === DnsClass.IN && dnsNameKey(r.name) === current);
        const found = owned.filter((r) => r.type === code);
        const addresses = [...new Set(found.map((r) => address(r.data)).filter((a) => a !== null))];
        if (addresses.length > 0) {
          ttl = Math.min(ttl, ...found.map(ttlOf));
          const value: Cached = { ok: true, canonicalName: current, addresses };
          this.#cache.set(key, value, ttl);
          return answerOf(hostname, type, value, ttl);
        }
        const cname = owned.find((r) => r.type === DnsType.CNAME && r.data.kind === "name");
        if (cname === undefined || cname.data.kind !== "name") break;
        const target = dnsNameKey(cname.data.name);
        if (++hops > this.#maxCnameHops) {
          throw new CnameChainError(hostname, `${hostname}: CNAME chain longer than ${this.#maxCnameHops}`);
        }
        if (seen.has(target)) throw new CnameChainError(hostname, `${hostname}: CNAME chain loops at ${target}`);
        seen.add(target);
        ttl = Math.min(ttl, ttlOf(cname));
        current = target;
        advanced = true;
      }
      const nxdomain = message.rcode === DnsRcode.NXDOMAIN;
      // A chain that ends in a name the answer says nothing more about: ask about that name ourselves
      // (a server without recursion for it stops at the CNAME). NXDOMAIN is about the chain's end already.
      if (advanced && !nxdomain) continue;
      const negative: Cached = { ok: false, nxdomain, canonicalName: current };
      this.#cache.set(key, negative, Math.min(ttl, this.#negativeTtl(message, current)));
      return answerOf(hostname, type, negative, 0);
    }
  }

  /** RFC 2308 section 5: the SOA's TTL or its MINIMUM, whichever is less; no SOA, no caching. */
  #negativeTtl(message: DnsMessage, name: string): number {
    const soa = message.authorities.find(
      (r) => r.type === DnsType.SOA && r.data.kind === "SOA" && isAtOrBelow(name, dnsNameKey(r.name)),
    );
    if (soa === undefined || soa.data.kind !== "SOA") return 0;
    return Math.min(ttlOf(soa), soa.data.minimum, this.#maxNegativeTtl);
  }
}

/** The answer for `value`, or the typed error a negative one stands for. */
function answerOf(hostname: string, type: AddressType, value: Cached, ttl: number): Resolution {
  if (value.ok) return { hostname, canonicalName: value.canonicalName, type, addresses: [...value.addresses], ttl };
  const via = value.canonicalName === hostname.toLowerCase().replace(/\.$/, "") ? "" : ` (via ${value.canonicalName})`;
  if (value.nxdomain) throw new NameNotFoundError(hostname, `${hostname}: no such name${via} (NXDOMAIN)`);
  throw new NoRecordsError(hostname, `${hostname}: the name has no ${type} records${via}`);
}

/** RFC 2181 section 8: a TTL with the top bit set is read as 0. */
function ttlOf(r: DnsRecord): number {
  return r.ttl > 0x7fffffff ? 0 : r.ttl;
}

function isAtOrBelow(name: string, zone: string): boolean {
  return zone === "." || name === zone || name.endsWith(`.${zone}`);
}

function isIpv4(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

/** A server as the resolver keeps it: the address in canonical dotted quad, as datagrams report senders. */
function serverOf(s: string | { address: string; port?: number }): Server {
  const m = typeof s === "string" ? /^([^:]+)(?::(\d+))?$/.exec(s) : null;
  if (typeof s === "string" && m === null)
    throw new TypeError(`not a DNS server (ADDRESS or ADDRESS:PORT): ${JSON.stringify(s)}`);
  const address = typeof s === "string" ? m![1] : s.address;
  const port = typeof s === "string" ? (m![2] === undefined ? 53 : Number(m![2])) : (s.port ?? 53);
  if (!(Number.isInteger(port) && port > 0 && port < 65536))
    throw new RangeError(`bad DNS server port in ${JSON.stringify(s)}`);
  return { address: ipv4ToString(parseIpv4(address)), port };
}

function udpPayloadOf(v: number | false): number | null {
  if (v === false) return null;
  // Less than 512 would be read as 512 (RFC 6891 section 6.2.3), so it is a mistake; CLASS holds 16 bits.
  if (!(Number.isInteger(v) && v >= 512 && v <= 0xffff))
    throw new RangeError(`udpPayload must be 512-65535 or false, got ${v}`);
  return v;
}

function positive(v: number, what: string): number {
  if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`${what} must be a positive number, got ${v}`);
  return v;
}

function integer(v: number, what: string): number {
  if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`${what} must be an integer >= 0, got ${v}`);
  return v;
}

function cryptoRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
