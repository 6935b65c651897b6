/**
 * What a link may do to the packets it carries. Every key is optional; the defaults are a perfect wire.
 * The same seed and the same sequence of sends give the same deliveries on a VirtualClock.
 */
export interface Impairment {
  /** Seed of the impairment PRNG (default 0; every run with the same seed is the same). */
  seed?: number;
  /** Probability (0..1) that a packet is lost. */
  loss?: number;
  /** One-way propagation delay in ms. */
  delay?: number;
  /**
   * Uniform random variation of the delay, +/- `jitter` ms. Jitter alone never reorders packets (a wire
   * is a FIFO); a packet that would overtake an earlier one waits for it. Use `reorder` to reorder.
   */
  jitter?: number;
  /** Probability (0..1) that a packet is held back by `reorderDelay` ms, so later packets overtake it. */
  reorder?: number;
  /** How long a reordered packet is held back, in ms (default: `delay`, at least 1 ms). */
  reorderDelay?: number;
  /** Probability (0..1) that a packet is delivered twice. */
  duplicate?: number;
  /** Probability (0..1) that one bit of a packet is flipped (a single-bit error every checksum catches). */
  corrupt?: number;
  /** Serialisation rate in bit/s (default unlimited). Packets queue behind each other at this rate. */
  bandwidth?: number;
  /**
   * Bytes that may wait for the serialiser (the rest of the packet on the wire included) when `bandwidth`
   * is set; a packet that would exceed it is tail-dropped (default 1 MiB).
   */
  queueBytes?: number;
  /**
   * An ECN marking queue (RFC 3168 §5, with `bandwidth`): a packet that finds more than this many bytes
   * waiting is marked CE if it is ECN-capable and dropped (counted as `queue`) if it is not, as an active
   * queue that marks rather than drops. IPv4 packets only: other bytes (Ethernet frames) are left to the
   * tail drop of `queueBytes`. Default: no marking.
   */
  ecnThreshold?: number;
  /** Largest packet carried, in bytes; larger ones are dropped and counted (default 1500 or the inner link's). */
  mtu?: number;
  /**
   * Packets that may be in flight in one direction at once (default 65536); more are dropped as `queue`.
   * A bound for a sender that ignores congestion on a long delay, so the link's memory stays bounded.
   */
  maxInFlight?: number;
}

/** An `Impairment` with every default filled in and every value checked. */
export interface ImpairmentConfig {
  seed: number;
  loss: number;
  delay: number;
  jitter: number;
  reorder: number;
  reorderDelay: number;
  duplicate: number;
  corrupt: number;
  bandwidth: number;
  queueBytes: number;
  ecnThreshold: number;
  mtu: number;
  maxInFlight: number;
}

/** The smallest MTU an IPv4 link may have (RFC 791). */
export const MIN_IPV4_MTU = 68;

export function impairmentConfig(options: Impairment, defaultMtu: number): ImpairmentConfig {
  const delay = nonNegative("delay", options.delay ?? 0);
  return {
    seed: finite("seed", options.seed ?? 0),
    loss: probability("loss", options.loss),
    delay,
    jitter: nonNegative("jitter", options.jitter ?? 0),
    reorder: probability("reorder", options.reorder),
    reorderDelay: nonNegative("reorderDelay", options.reorderDelay ?? Math.max(1, delay)),
    duplicate: probability("duplicate", options.duplicate),
    corrupt: probability("corrupt", options.corrupt),
    bandwidth: positive("bandwidth", options.bandwidth ?? Infinity),
    queueBytes: nonNegative("queueBytes", options.queueBytes ?? 1 << 20),
    ecnThreshold: nonNegative("ecnThreshold", options.ecnThreshold ?? Infinity),
    mtu: mtu(options.mtu ?? defaultMtu),
    maxInFlight: positive("maxInFlight", options.maxInFlight ?? 65536),
  };
}

function finite(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number, got ${v}`);
  return v;
}

function probability(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !(v >= 0 && v <= 1))
    throw new RangeError(`${name} must be a probability in 0..1, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== "number" || !(v >= 0)) throw new RangeError(`${name} must be >= 0, got ${v}`);
  return v;
}

function positive(name: string, v: number): number {
  if (typeof v !== "number" || !(v > 0)) throw new RangeError(`${name} must be > 0, got ${v}`);
  return v;
}

function mtu(v: number): number {
  if (!Number.isInteger(v) || v < MIN_IPV4_MTU)
    throw new RangeError(`mtu must be an integer >= ${MIN_IPV4_MTU}, got ${v}`);
  return v;
}
