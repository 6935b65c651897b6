import type { Clock } from "../clock/clock.js";
import type { Link, LocalAddresses } from "./link.js";

/** The largest IPv4 packet; a loopback-only path has no medium to bound it lower. */
const MAX_IPV4 = 65_535;

/**
 * The loopback path every OS has: a packet a stack sends to its own address comes back to it instead of
 * going out on the link (which may be absent: a loopback-only stack). Deliveries go through the clock,
 * never from inside `send`, so the stack is not re-entered mid-segment. Everything else passes to the
 * inner link untouched; without one it is dropped and counted in `unroutable`.
 */
export class LoopbackLink implements Link {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  /**
   * Bursts pass through (Link.onBurstEnd): the inner link's when it has them, else each inner packet is
   * a burst of its own; the loopback queue's flush is one burst.
   */
  onBurstEnd: (() => void) | null = null;
  /** Packets to other addresses sent while there was no inner link. */
  unroutable = 0;
  /** The inner link's interface addresses: the stack's too, and packets to them loop back as well. */
  readonly localAddresses: LocalAddresses | undefined;
  #address: number;
  readonly #addresses6: readonly Uint8Array[];
  readonly #inner: Link | null;
  readonly #clock: Clock;
  #queue: Uint8Array[] = [];
  #armed = false;
  #closed = false;
  readonly #flush = (): void => {
    this.#armed = false;
    const queue = this.#queue;
    this.#queue = [];
    let delivered = false;
    for (const p of queue) {
      const handler = this.onReceive;
      if (this.#closed || handler === null) break;
      handler(p);
      delivered = true;
    }
    if (delivered) this.onBurstEnd?.();
  };

  /**
   * `address`: the stack's own IPv4 address as a 32-bit number (10.0.0.1 is 0x0a000001); `addresses6`:
   * its IPv6 addresses (16 bytes each), whose packets loop back too.
   */
  constructor(address: number, inner: Link | null, clock: Clock, addresses6: readonly Uint8Array[] = []) {
    this.#address = address >>> 0;
    this.#addresses6 = addresses6;
    this.#inner = inner;
    this.#clock = clock;
    this.mtu = inner?.mtu ?? MAX_IPV4;
    this.localAddresses = inner?.localAddresses;
    if (inner === null) return;
    if ("onBurstEnd" in inner) {
      inner.onReceive = (packet) => this.onReceive?.(packet);
      inner.onBurstEnd = () => this.onBurstEnd?.();
    } else {
      inner.onReceive = (packet) => {
        this.onReceive?.(packet);
        this.onBurstEnd?.();
      };
    }
  }

  /** The stack's address changed (DHCP): packets to the new one loop back, to the old one go out. */
  setAddress(address: number): void {
    this.#address = address >>> 0;
  }

  /** True when there is a link beyond the loopback path. */
  get routed(): boolean {
    return this.#inner !== null;
  }

  send(packet: Uint8Array): void {
    if (this.#closed) return;
    if (this.#isOwn(packet)) {
      this.#queue.push(packet);
      if (!this.#armed) {
        this.#armed = true;
        this.#clock.schedule(0, this.#flush);
      }
      return;
    }
    if (this.#inner !== null) this.#inner.send(packet);
    else this.unroutable++;
  }

  #isOwn(packet: Uint8Array): boolean {
    if (packet.length < 20) return false;
    const version = packet[0] >> 4;
    if (version === 4) {
      const dst = destination(packet);
      return dst === this.#address || (this.localAddresses?.has(dst) ?? false);
    }
    if (version !== 6 || packet.length < 40) return false;
    for (const a of this.#addresses6) if (destinationIs6(packet, a)) return true;
    return false;
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.onReceive = null;
    this.#inner?.close();
  }
}

/** The IPv4 destination address (header bytes 16..19). */
function destination(p: Uint8Array): number {
  return ((p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19]) >>> 0;
}

/** Whether the IPv6 packet's destination (bytes 24..39) is `address`: a loop, as every packet sent asks. */
function destinationIs6(packet: Uint8Array, address: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (packet[24 + i] !== address[i]) return false;
  return true;
}
