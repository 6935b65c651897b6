import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import { type Impairment, impairmentConfig } from "./impairment.js";
import type { Link } from "./link.js";
import { type CountedLink, ImpairedPath, type PathCounters } from "./path.js";

export interface ImpairOptions extends Impairment {
  /** Clock that times deliveries (default: a RealClock). */
  clock?: Clock;
  /** Which way the impairments apply: packets sent (`tx`), received (`rx`) or `both` (default). */
  direction?: "tx" | "rx" | "both";
}

/**
 * Middleware: a link that behaves like `inner` seen through a bad wire. Wraps any link (a UDP tunnel, a
 * WebSocket, one end of a memory pair). The unimpaired direction is a counted pass-through. The wrapper's
 * MTU is the smaller of `options.mtu` and the inner link's, in both directions.
 *
 * The wrapper owns `inner.onReceive`; set `onReceive` on the wrapper instead.
 */
export function impair(inner: Link, options: ImpairOptions = {}): CountedLink {
  return new ImpairedLink(inner, options);
}

class ImpairedLink implements CountedLink {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  readonly #inner: Link;
  readonly #tx: ImpairedPath;
  readonly #rx: ImpairedPath;

  constructor(inner: Link, options: ImpairOptions) {
    const clock = options.clock ?? new RealClock();
    const direction = options.direction ?? "both";
    const mtu = Math.min(options.mtu ?? inner.mtu, inner.mtu);
    const config = impairmentConfig({ ...options, mtu }, mtu);
    const clean = impairmentConfig({ mtu }, mtu);
    this.mtu = mtu;
    this.#inner = inner;
    // The inner link already delivers asynchronously, so a packet due now may be handed on at once.
    this.#tx = new ImpairedPath(clock, direction === "rx" ? clean : config, 0, (p) => this.#toInner(p), false);
    this.#rx = new ImpairedPath(clock, direction === "tx" ? clean : config, 1, (p) => this.#toUser(p), false);
    inner.onReceive = (p) => this.#rx.push(p);
  }

  get counters(): { tx: PathCounters; rx: PathCounters } {
    return { tx: this.#tx.counters, rx: this.#rx.counters };
  }

  send(packet: Uint8Array): void {
    this.#tx.push(packet);
  }

  close(): void {
    this.#tx.stop();
    this.#rx.stop();
    this.#inner.onReceive = null;
    this.#inner.close();
  }

  #toInner(packet: Uint8Array): boolean {
    this.#inner.send(packet);
    return true;
  }

  #toUser(packet: Uint8Array): boolean {
    const handler = this.onReceive;
    if (handler === null) return false;
    handler(packet);
    return true;
  }
}
