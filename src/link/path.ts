import type { Clock, Timer } from "../clock/clock.js";
import { releaseDropped } from "./packet-release.js";
import type { ImpairmentConfig } from "./impairment.js";
import { markCongestion } from "./ecn-mark.js";
import type { Link } from "./link.js";
import { PacketQueue } from "./packet-queue.js";
import { Prng } from "./prng.js";

/** Why a path dropped a packet. */
export interface DropCounters {
  /** Lost at random (`loss`). */
  loss: number;
  /** Larger than the MTU. */
  mtu: number;
  /** Tail-dropped: the serialisation queue (`bandwidth`, `queueBytes`) or the in-flight bound was full. */
  queue: number;
  /** Sent into, or still in flight when, the path was closed. */
  closed: number;
  /** Arrived while the receiving end had no `onReceive` handler. */
  unclaimed: number;
}

/** What happened to the packets of one direction of a link. */
export interface PathCounters {
  sent: number;
  sentBytes: number;
  delivered: number;
  deliveredBytes: number;
  dropped: DropCounters;
  duplicated: number;
  corrupted: number;
  /** ECN-capable packets the marking queue (`ecnThreshold`) marked CE. */
  marked: number;
  /** Packets delivered after a packet that was sent later than them. */
  reordered: number;
}

/** A link whose two directions are counted: `tx` is what this end sent, `rx` what was sent to it. */
export interface CountedLink extends Link {
  readonly counters: { readonly tx: PathCounters; readonly rx: PathCounters };
}

/** Receives a packet at the far end; returns false when nobody claimed it. */
export type Sink = (packet: Uint8Array) => boolean;

/**
 * One direction of a link: applies the impairments to each packet, holds it until it is due, then hands it
 * to the sink. One timer at most is armed, for the earliest due packet, so a burst on a clean link costs a
 * single scheduled flush and a long delayed stream costs one timer at a time.
 *
 * Packets stay in send order except the ones chosen for reordering, which wait in a second FIFO. Both
 * FIFOs are sorted by due time by construction (due times only grow), so no heap is needed.
 */
export class ImpairedPath {
  readonly counters: PathCounters = {
    sent: 0,
    sentBytes: 0,
    delivered: 0,
    deliveredBytes: 0,
    dropped: { loss: 0, mtu: 0, queue: 0, closed: 0, unclaimed: 0 },
    duplicated: 0,
    corrupted: 0,
    marked: 0,
    reordered: 0,
  };
  readonly #clock: Clock;
  readonly #config: ImpairmentConfig;
  readonly #mustDefer: boolean;
  /** Whether any impairment makes a packet wait (bandwidth, delay, jitter, reordering). */
  readonly #timed: boolean;
  readonly #sink: Sink;
  /** Called after a flush delivered at least one packet (Link.onBurstEnd). */
  readonly #burstEnd: (() => void) | null;
  /**
   * Called after packets left the queue, delivered or dropped at `stop` (Link.onTransmitted, the sender's
   * side), on a path with nothing timed (`transmitQueued`).
   */
  readonly #transmitted: (() => void) | null;
  readonly #rng: Prng;
  readonly #inOrder = new PacketQueue();
  readonly #heldBack = new PacketQueue();
  #timer: Timer | null = null;
  #nextIndex = 0;
  #highestDelivered = -1;
  /** When the serialiser is free again (bandwidth). */
  #wireFreeAt = -Infinity;
  #stopped = false;
  #accepting = true;

  /**
   * `mustDefer`: never call the sink from inside `push`, even when a packet is due at once (the sender's
   * stack is still on the call stack, and delivering now would re-enter it through its peer).
   */
  constructor(
    clock: Clock,
    config: ImpairmentConfig,
    stream: number,
    sink: Sink,
    mustDefer: boolean,
    burstEnd: (() => void) | null = null,
    transmitted: (() => void) | null = null,
  ) {
    this.#clock = clock;
    this.#burstEnd = burstEnd;
    this.#transmitted = transmitted;
    this.#config = config;
    this.#mustDefer = mustDefer;
    this.#timed = config.bandwidth !== Infinity || config.delay > 0 || config.jitter > 0 || config.reorder > 0;
    this.#sink = sink;
    this.#rng = new Prng(config.seed, stream);
  }

  /** Packets waiting to be delivered. */
  get inFlight(): number {
    return this.#inOrder.size + this.#heldBack.size;
  }

  /**
   * Packets waiting to be transmitted (Link.transmitQueued). On a path with nothing timed a packet waits
   * for the flush, which is its transmission and delivery at once: all in flight are queued. A timed path
   * (bandwidth, delay, jitter, reordering) models a wire and its router queue, whose tail drops and
   * latency the path simulations measure; it reports none, so no stack bounds what it queues there.
   */
  get transmitQueued(): number {
    return this.#timed ? 0 : this.inFlight;
  }

  push(packet: Uint8Array): void {
    const c = this.counters;
    const cfg = this.#config;
    c.sent++;
    c.sentBytes += packet.length;
    if (!this.#accepting) {
      c.dropped.closed++;
      return releaseDropped(packet);
    }
    if (packet.length > cfg.mtu) {
      c.dropped.mtu++;
      return releaseDropped(packet);
    }
    if (this.inFlight >= cfg.maxInFlight) {
      c.dropped.queue++;
      return releaseDropped(packet);
    }
    const index = this.#nextIndex++;
    // Randomness is drawn only for the impairments asked for, so a clean link costs a few comparisons, and
    // no clock read: when nothing makes packets wait they are due at once (-Infinity, in send order).
    const now = this.#timed ? this.#clock.now() : -Infinity;
    let due = now;
    if (cfg.bandwidth !== Infinity) {
      const start = Math.max(now, this.#wireFreeAt);
      const backlogBytes = ((start - now) * cfg.bandwidth) / 8000;
      if (start > now && backlogBytes + packet.length > cfg.queueBytes) {
        c.dropped.queue++;
        return releaseDropped(packet);
      }
      if (backlogBytes > cfg.ecnThreshold) {
        const outcome = markCongestion(packet);
        if (outcome === "not-ect") {
          c.dropped.queue++;
          return releaseDropped(packet);
        }
        if (outcome === "marked") c.marked++;
      }
      this.#wireFreeAt = start + (packet.length * 8000) / cfg.bandwidth;
      due = this.#wireFreeAt;
    }
    // A packet lost on the wire has still used the serialiser's time.
    if (cfg.loss > 0 && this.#rng.chance(cfg.loss)) {
      c.dropped.loss++;
      return releaseDropped(packet);
    }
    const jitter = cfg.jitter > 0 ? (this.#rng.float() * 2 - 1) * cfg.jitter : 0;
    due = Math.max(due + Math.max(0, cfg.delay + jitter), this.#inOrder.tailDue);
    const queue = cfg.reorder > 0 && this.#rng.chance(cfg.reorder) ? this.#heldBack : this.#inOrder;
    if (queue === this.#heldBack) due = Math.max(due + cfg.reorderDelay, this.#heldBack.tailDue);
    this.#mutate(packet, queue, due, index);
  }

  /** Refuses further packets (counted as closed); the ones in flight still arrive. */
  drain(): void {
    this.#accepting = false;
  }

  /** Drops everything in flight (counted as closed) and refuses further packets. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#accepting = false;
    this.#timer?.cancel();
    this.#timer = null;
    const dropped = this.#inOrder.clear(releaseDropped) + this.#heldBack.clear(releaseDropped);
    this.counters.dropped.closed += dropped;
    // The sender's connections held back for room resume (and find the path refusing): none waits forever.
    // Through the clock: `stop` may run inside the sender's own stack, which must not be re-entered.
    const transmitted = this.#transmitted;
    if (dropped > 0 && !this.#timed && transmitted !== null) this.#clock.schedule(0, transmitted);
  }

  /** Duplicate and corrupt, then queue (or hand over at once when nothing requires waiting). */
  #mutate(packet: Uint8Array, queue: PacketQueue, due: number, index: number): void {
    const cfg = this.#config;
    let copy: Uint8Array | null = null;
    if (cfg.duplicate > 0 && this.#rng.chance(cfg.duplicate)) {
      // The copy is taken before corruption: the wire duplicated what the sender sent.
      copy = packet.slice();
      this.counters.duplicated++;
    }
    if (cfg.corrupt > 0 && packet.length > 0 && this.#rng.chance(cfg.corrupt)) {
      const bit = this.#rng.below(packet.length * 8);
      packet[bit >>> 3] ^= 1 << (bit & 7);
      this.counters.corrupted++;
    }
    if (!this.#mustDefer && this.inFlight === 0 && (due === -Infinity || due <= this.#clock.now())) {
      this.#deliver(packet, index);
      if (copy !== null) this.#deliver(copy, index);
      return;
    }
    queue.push(packet, due, index);
    if (copy !== null) queue.push(copy, due, index);
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== null || this.#stopped) return;
    const due = Math.min(this.#inOrder.headDue, this.#heldBack.headDue);
    if (due === Infinity) return;
    this.#timer = this.#clock.schedule(due === -Infinity ? 0 : due - this.#clock.now(), this.#flush);
  }

  readonly #flush = (): void => {
    this.#timer = null;
    const now = this.#clock.now();
    // Only packets queued before this flush: one queued by a sink reacting to a delivery waits its turn.
    let budget = this.inFlight;
    let delivered = false;
    try {
      while (budget-- > 0 && !this.#stopped) {
        const a = this.#inOrder;
        const b = this.#heldBack;
        // The earlier head of the two queues (the in-order one on a tie), if it is due.
        const queue = a.dueFirst(b, now) ? a : b.dueFirst(a, now) ? b : null;
        if (queue === null) break;
        const index = queue.headIndex;
        delivered = true;
        this.#deliver(queue.shift(), index);
      }
    } finally {
      // A receiver that throws must not stall the packets behind the one it choked on, nor the end of
      // the burst the ones before it were part of.
      try {
        if (delivered) this.#burstEnd?.();
      } finally {
        try {
          // After the receiver's burst: what it answered is queued the other way before the sender refills.
          if (delivered && !this.#timed) this.#transmitted?.();
        } finally {
          this.#arm();
        }
      }
    }
  };

  #deliver(packet: Uint8Array, index: number): void {
    const c = this.counters;
    if (index < this.#highestDelivered) c.reordered++;
    else this.#highestDelivered = index;
    const length = packet.length;
    if (this.#sink(packet)) {
      c.delivered++;
      c.deliveredBytes += length;
    } else {
      c.dropped.unclaimed++;
      releaseDropped(packet);
    }
  }
}
