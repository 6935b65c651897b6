/**
 * A link whose loss and delay can change while traffic flows (the page's sliders). The library's
 * `impair()` fixes its impairment at construction, so a change wraps the same inner link in a fresh
 * `impair()`: packets already delayed by the old one still arrive on schedule, new ones take the new path,
 * the way a re-routed wire behaves.
 */
import { impair, type CountedLink, type Link } from "../src/api/index.js";
import type { Impairment, LinkCounters } from "./messages.js";

export class TunableLink implements Link {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  readonly #inner: Link;
  readonly #paths: CountedLink[] = [];
  readonly #seed: number;
  #current: CountedLink;

  /** `seed` picks which packets are lost, so each side and each run loses different ones. */
  constructor(inner: Link, impairment: Impairment, seed: number) {
    this.#inner = inner;
    this.#seed = seed;
    this.#current = this.#wrap(impairment);
    this.mtu = this.#current.mtu;
  }

  retune(impairment: Impairment): void {
    this.#current = this.#wrap(impairment);
  }

  send(packet: Uint8Array): void {
    this.#current.send(packet);
  }

  /** Totals over every impairment this link has had. */
  get counters(): LinkCounters {
    const c = { sent: 0, lost: 0, received: 0 };
    for (const p of this.#paths) {
      c.sent += p.counters.tx.sent;
      c.lost += p.counters.tx.dropped.loss;
      c.received += p.counters.rx.delivered;
    }
    return c;
  }

  close(): void {
    this.#current.close();
  }

  #wrap({ loss, delay }: Impairment): CountedLink {
    // Only what this side sends is impaired; the peer's worker impairs the other direction.
    const path = impair(this.#inner, { loss, delay, direction: "tx", seed: this.#seed + this.#paths.length });
    path.onReceive = (packet) => this.onReceive?.(packet);
    this.#paths.push(path);
    return path;
  }
}
