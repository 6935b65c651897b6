import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import { type Impairment, impairmentConfig } from "./impairment.js";
import { type CountedLink, ImpairedPath, type PathCounters } from "./path.js";

export interface MemoryLinkOptions extends Impairment {
  /** Clock that times deliveries (default: a RealClock). Pass the stacks' VirtualClock in simulations. */
  clock?: Clock;
}

/**
 * Two ends of a wire in one process. Each direction applies the same impairments from its own PRNG stream
 * (so traffic one way does not change what happens to the other). Deliveries always go through the clock,
 * never from inside `send`: a stack's send would otherwise re-enter its peer, and the peer's reply the
 * sender, while the sender is still mid-segment.
 *
 * `close()` on one end: it sends and receives nothing more; packets it already sent still arrive.
 */
export function memoryLinkPair(options: MemoryLinkOptions = {}): [CountedLink, CountedLink] {
  const clock = options.clock ?? new RealClock();
  const config = impairmentConfig(options, 1500);
  const a = new MemoryEnd(config.mtu);
  const b = new MemoryEnd(config.mtu);
  const aToB = new ImpairedPath(
    clock,
    config,
    0,
    (p) => b.receive(p),
    true,
    () => b.burstEnd(),
    () => a.transmitted(),
  );
  const bToA = new ImpairedPath(
    clock,
    config,
    1,
    (p) => a.receive(p),
    true,
    () => a.burstEnd(),
    () => b.transmitted(),
  );
  a.attach(aToB, bToA);
  b.attach(bToA, aToB);
  return [a, b];
}

class MemoryEnd implements CountedLink {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  /** Each flush of the path towards this end is one burst (Link.onBurstEnd). */
  onBurstEnd: (() => void) | null = null;
  /** Each flush of the path from this end that took packets out of it (Link.onTransmitted). */
  onTransmitted: (() => void) | null = null;
  #tx!: ImpairedPath;
  #rx!: ImpairedPath;
  #closed = false;

  constructor(mtu: number) {
    this.mtu = mtu;
  }

  attach(tx: ImpairedPath, rx: ImpairedPath): void {
    this.#tx = tx;
    this.#rx = rx;
  }

  get counters(): { tx: PathCounters; rx: PathCounters } {
    return { tx: this.#tx.counters, rx: this.#rx.counters };
  }

  /** Packets this end sent that wait to be transmitted (Link.transmitQueued; none on a timed path). */
  get transmitQueued(): number {
    return this.#tx.transmitQueued;
  }

  send(packet: Uint8Array): void {
    this.#tx.push(packet);
  }

  receive(packet: Uint8Array): boolean {
    const handler = this.onReceive;
    if (this.#closed || handler === null) return false;
    handler(packet);
    return true;
  }

  burstEnd(): void {
    if (!this.#closed) this.onBurstEnd?.();
  }

  transmitted(): void {
    if (!this.#closed) this.onTransmitted?.();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onReceive = null;
    this.onBurstEnd = null;
    this.onTransmitted = null;
    this.#tx.drain();
    this.#rx.stop();
  }
}
