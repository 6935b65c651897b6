import type { LocalAddresses } from "../link/link.js";
import { IPV6_KEY_BASE, isIpv6Key } from "../wire/address-key.js";
import { ipv4ToString, parseIpv4 } from "../wire/ipv4-address.js";
import { ipv6Equal, ipv6InPrefix, ipv6ToString, parseIpv6, type Ipv6Address } from "../wire/ipv6-address.js";
import { IPV6_ALL_NODES, isIpv6LinkLocal, isIpv6Multicast } from "../wire/ipv6-multicast.js";
import { sipHash24Into } from "../wire/siphash.js";

interface Entry {
  readonly bytes: Ipv6Address;
  text: string | null;
  /** Holders (connections, connected sockets, ping sessions, our own addresses) that need the bytes back. */
  refs: number;
}

/** Unheld entries kept (the most recent): a flood of sources costs this many entries at most. */
const MAX_UNHELD = 1024;

/** One of our IPv6 addresses with its prefix. */
export interface LocalIpv6 {
  address: Ipv6Address;
  prefix: number;
  key: number;
}

/**
 * The stack's address keys (src/wire/address-key.ts): an IPv4 address is its 32-bit number; an IPv6
 * address is IPV6_KEY_BASE plus 48 bits of SipHash-2-4 of its bytes under a per-stack random key (an
 * off-path sender cannot aim a collision at a connection). The book maps IPv6 keys back to their bytes
 * for the packets that go out: entries held by a connection, socket or ping stay, the rest (sources
 * seen) are forgotten past MAX_UNHELD, oldest first. A key itself never changes, so forgetting one
 * costs only its bytes; SYN cookies, ISNs and path MTUs stay tied to the address.
 */
export class AddressBook {
  /** Our IPv4 address, the source towards an IPv4 key no interface's route reaches. */
  ipv4: number;
  /** The link's interface addresses (a multihomed stack's), each ours beside `ipv4`. */
  readonly interfaces: LocalAddresses | undefined;
  readonly #local6: LocalIpv6[];
  /** The key of ::, the unspecified address (RFC 4291 §2.5.2), which names no sender. */
  readonly unspecifiedKey: number;
  readonly #hashKey: Uint8Array;
  /** Where each miss's SipHash lands: reused, so a miss allocates only the entry it adds. */
  readonly #digest = new Uint32Array(2);
  readonly #entries = new Map<number, Entry>();
  /** Entries no one holds, oldest first. */
  readonly #unheld = new Set<number>();
  readonly #groups: Ipv6Address[] = [];
  /** The last two addresses looked up (a flow's source and our address): a compare instead of a hash. */
  #recent: Entry[] = [];
  #recentKeys: number[] = [];
  #flip = 0;

  constructor(
    ipv4: number,
    local6: readonly { address: Ipv6Address; prefix: number }[],
    hashKey?: Uint8Array,
    interfaces?: LocalAddresses,
  ) {
    this.ipv4 = ipv4;
    this.interfaces = interfaces;
    this.#hashKey = hashKey?.slice() ?? crypto.getRandomValues(new Uint8Array(16));
    this.unspecifiedKey = this.#intern(new Uint8Array(16));
    this.retain(this.unspecifiedKey);
    this.#local6 = [];
    for (const { address, prefix } of local6) this.addLocal(address, prefix);
  }

  /** Our IPv6 addresses: the given ones, then those neighbour discovery assigned, link-local ones last. */
  get local6(): readonly LocalIpv6[] {
    return this.#local6;
  }

  /** Whether any IPv6 address is configured. */
  get hasIpv6(): boolean {
    return this.#local6.length > 0;
  }

  /**
   * `address` is ours from now on (neighbour discovery assigned it: RFC 4862 §5.4 after DAD). A
   * link-local one goes last, so that `sourceFor` picks a global source for an off-link destination
   * (RFC 6724 §5 rule 2, scope). False when it was ours already.
   */
  addLocal(address: Ipv6Address, prefix: number): boolean {
    if (this.#local6.some((l) => ipv6Equal(l.address, address))) return false;
    const key = this.#intern(address);
    if (key < 0) return false;
    this.retain(key);
    const entry = { address: address.slice(), prefix, key };
    const at = isIpv6LinkLocal(address) ? -1 : this.#local6.findIndex((l) => isIpv6LinkLocal(l.address));
    this.#local6.splice(at < 0 ? this.#local6.length : at, 0, entry);
    return true;
  }

  /** `address` is ours no more (its lifetime ended, or DAD found it elsewhere). False when it was not. */
  removeLocal(address: Ipv6Address): boolean {
    const i = this.#local6.findIndex((l) => ipv6Equal(l.address, address));
    if (i < 0) return false;
    this.release(this.#local6[i].key);
    this.#local6.splice(i, 1);
    return true;
  }

  /**
   * The key of the IPv6 address at `bytes[at..at+16]`, remembered (unheld) so its bytes can be found
   * again; -1 in the vanishing case of two addresses with the same 48-bit digest (the packet is dropped).
   */
  keyOf(bytes: Uint8Array, at: number): number {
    return this.#intern(bytes, at);
  }

  /** The key of `address` text, either family (throws a TypeError for neither). */
  parse(text: string): number {
    if (!text.includes(":")) return parseIpv4(text);
    const key = this.#intern(parseIpv6(text));
    if (key < 0) throw new TypeError(`address ${text} cannot be used on this stack (digest collision)`);
    return key;
  }

  /** The RFC 5952 text of an IPv6 key, or the dotted quad of an IPv4 one. */
  text(key: number): string {
    if (!isIpv6Key(key)) return ipv4ToString(key);
    const e = this.#entries.get(key);
    if (e === undefined) return `[ipv6 #${(key - IPV6_KEY_BASE).toString(16)}]`;
    e.text ??= ipv6ToString(e.bytes);
    return e.text;
  }

  /** The bytes of an IPv6 key, or undefined when forgotten (nobody held it). */
  bytes(key: number): Ipv6Address | undefined {
    return this.#entries.get(key)?.bytes;
  }

  /**
   * Whether the IPv6 address at `bytes[at..]` is ours, all nodes (ff02::1, which every host is in), or a
   * group joined (neighbour discovery's solicited-node groups, RFC 4861 §7.2.1, join through `join`).
   */
  accepts(bytes: Uint8Array, at: number): boolean {
    if (equalAt(bytes, at, IPV6_ALL_NODES)) return true;
    for (const l of this.#local6) if (equalAt(bytes, at, l.address)) return true;
    for (const g of this.#groups) if (equalAt(bytes, at, g)) return true;
    return false;
  }

  /** Takes packets to the multicast group `group` from now on (until `leave`). */
  join(group: Ipv6Address): void {
    if (!isIpv6Multicast(group)) throw new RangeError(`${ipv6ToString(group)} is not a multicast group`);
    if (!this.#groups.some((g) => ipv6Equal(g, group))) this.#groups.push(group.slice());
  }

  leave(group: Ipv6Address): void {
    const i = this.#groups.findIndex((g) => ipv6Equal(g, group));
    if (i >= 0) this.#groups.splice(i, 1);
  }

  /** Whether `ip` is one of our IPv4 addresses: the stack's, or an interface's. */
  isLocal4(ip: number): boolean {
    return ip === this.ipv4 || (this.interfaces?.has(ip) ?? false);
  }

  /** Whether `key` is one of our own IPv6 addresses. */
  isLocal(key: number): boolean {
    for (const l of this.#local6) if (l.key === key) return true;
    return false;
  }

  /**
   * Our source address towards `remote`: for an IPv4 key, the address of the interface its route leaves
   * by (RFC 1122 §3.3.4.3, as Linux picks it), else the stack's; for an IPv6 one (RFC 6724 in its
   * simplest form) an address whose prefix holds the destination, else the first; -1 without one.
   */
  sourceFor(remote: number): number {
    if (!isIpv6Key(remote)) return this.interfaces?.sourceFor(remote) || this.ipv4;
    const bytes = this.bytes(remote);
    if (this.#local6.length === 0) return -1;
    if (bytes !== undefined) for (const l of this.#local6) if (ipv6InPrefix(bytes, l.address, l.prefix)) return l.key;
    return this.#local6[0].key;
  }

  /** A holder needs the bytes of `key` until it calls `release` (IPv4 keys need nothing). */
  retain(key: number): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    if (e.refs++ === 0) this.#unheld.delete(key);
  }

  release(key: number): void {
    const e = this.#entries.get(key);
    if (e === undefined || e.refs === 0) return;
    if (--e.refs === 0) this.#forgetLater(key);
  }

  /** IPv6 entries remembered (held or not). */
  get size(): number {
    return this.#entries.size;
  }

  /** The key of the address at `bytes[at..at+16]`; a recent one is found without a copy or a hash. */
  #intern(bytes: Uint8Array, at = 0): number {
    const recent = this.#recent;
    for (let i = 0; i < recent.length; i++) {
      if (equalAt(bytes, at, recent[i].bytes) && this.#entries.get(this.#recentKeys[i]) === recent[i]) {
        return this.#recentKeys[i];
      }
    }
    const digest = sipHash24Into(this.#hashKey, bytes, this.#digest, at, 16);
    const key = IPV6_KEY_BASE + (digest[0] & 0xffff) * 2 ** 32 + digest[1];
    let e = this.#entries.get(key);
    if (e !== undefined && !equalAt(bytes, at, e.bytes)) return -1;
    if (e === undefined) {
      e = { bytes: bytes.slice(at, at + 16), text: null, refs: 0 };
      this.#entries.set(key, e);
      this.#forgetLater(key);
    }
    // The slot replaced alternates, so a source and a destination both stay.
    const slot = this.#flip;
    this.#flip ^= 1;
    recent[slot] = e;
    this.#recentKeys[slot] = key;
    return key;
  }

  #forgetLater(key: number): void {
    const unheld = this.#unheld;
    unheld.delete(key);
    unheld.add(key);
    if (unheld.size <= MAX_UNHELD) return;
    const oldest = unheld.values().next().value as number;
    unheld.delete(oldest);
    this.#entries.delete(oldest);
  }
}

/** Whether the 16 bytes at `bytes[at..]` are `address` (no subarray: this runs for every packet). */
function equalAt(bytes: Uint8Array, at: number, address: Ipv6Address): boolean {
  for (let i = 0; i < 16; i++) if (bytes[at + i] !== address[i]) return false;
  return true;
}
