import type { Clock, Timer } from "../clock/clock.js";

/**
 * The smallest path MTU believed (Linux's `min_pmtu`): a frag-needed message naming less is taken as 552,
 * so a forged ICMP cannot shrink segments to a few bytes (RFC 1191 §3 and RFC 8201's 1280 for IPv6
 * give the idea; 552 is the value Linux ships).
 */
export const MIN_PATH_MTU = 552;
/** RFC 1191 §6.3: "the timeout should be set to 10 minutes", after which the larger MTU is tried again. */
export const PATH_MTU_EXPIRY_MS = 10 * 60_000;
/** RFC 1191 §7's plateaus: a router that names no next-hop MTU makes us try the one below the datagram's. */
const PLATEAUS = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];
/** Destinations remembered at once; the oldest is forgotten first (it then just starts at the link MTU). */
const MAX_ENTRIES = 1024;

/**
 * The path MTU a frag-needed message about a datagram of `quotedLength` bytes means, when it names
 * `nextHopMtu` (0 from a router older than RFC 1191: then the plateau below the datagram), never under
 * MIN_PATH_MTU.
 */
export function reportedPathMtu(nextHopMtu: number, quotedLength: number): number {
  const reported = nextHopMtu >= 68 ? nextHopMtu : (PLATEAUS.find((p) => p < quotedLength) ?? 68);
  return Math.max(MIN_PATH_MTU, reported);
}

interface Entry {
  mtu: number;
  timer: Timer;
}

/**
 * Path MTUs learned from ICMP "fragmentation needed and DF set" (RFC 1191), per destination, each
 * forgotten 10 minutes after it was last lowered; `changed` hears every change (the stack tells TCP).
 */
export class PathMtuCache {
  readonly #clock: Clock;
  readonly #linkMtu: number;
  readonly #changed: (dst: number, mtu: number) => void;
  /** By destination, in insertion order (the first is the oldest). */
  readonly #entries = new Map<number, Entry>();

  constructor(clock: Clock, linkMtu: number, changed: (dst: number, mtu: number) => void) {
    this.#clock = clock;
    this.#linkMtu = linkMtu;
    this.#changed = changed;
  }

  /** The path MTU towards `dst`: the learned one, else the link's. */
  mtu(dst: number): number {
    return this.#entries.get(dst)?.mtu ?? this.#linkMtu;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records `mtu` (from `reportedPathMtu`) as the path MTU towards `dst`, when lower than the one known
   * (RFC 1191 §6.3: ICMP never raises it). Returns whether it went down.
   */
  lower(dst: number, mtu: number): boolean {
    if (mtu >= this.mtu(dst)) return false;
    this.#entries.get(dst)?.timer.cancel();
    this.#entries.delete(dst);
    if (this.#entries.size >= MAX_ENTRIES) {
      const [oldest, e] = this.#entries.entries().next().value as [number, Entry];
      e.timer.cancel();
      this.#entries.delete(oldest);
    }
    const timer = this.#clock.schedule(PATH_MTU_EXPIRY_MS, () => this.#expire(dst));
    this.#entries.set(dst, { mtu, timer });
    this.#changed(dst, mtu);
    return true;
  }

  close(): void {
    for (const e of this.#entries.values()) e.timer.cancel();
    this.#entries.clear();
  }

  #expire(dst: number): void {
    this.#entries.delete(dst);
    this.#changed(dst, this.#linkMtu);
  }
}
