/**
 * One memory budget per stack: every connection (its TCB, so the SYN queue too) and every send and
 * receive ring (the reassembly space of out-of-order data is in the receive ring) draws from it. A peer
 * cannot make the stack grow past it, and one connection cannot take it all:
 * - a buffer may always hold its first ring (`FLOOR_BYTES`), so every connection keeps moving;
 * - past that a buffer grows only within its fair share, the limit split over every buffer of every
 *   connection, and only while the budget has room: windows then stop opening (window 0 at worst);
 * - a new connection is admitted only when its TCB and both first rings fit.
 * Growth that was already promised (in-order data inside a window we advertised) is charged even past the
 * limit, so the accounting can exceed it by what the windows offered before pressure; everything else is
 * refused first, out-of-order data included, with a counted reason.
 */
import { ON_NODE } from "../wire/platform.js";
import type { StackEventInit } from "./tcp-events.js";

/** What a connection's objects (TCB, timers, maps, option state) cost, roughly: charged per connection. */
export const CONNECTION_BYTES = 2048;
/** The ring a buffer may always hold (sized-ring.ts INITIAL_RING). */
export const FLOOR_BYTES = 4096;

/** Past this share of the limit the budget is under pressure (an event once per episode). */
const PRESSURE = 0.75;

/** A default limit for the platform: a browser tab shares one process with the page, Node has more room. */
export function defaultMemoryLimit(): number {
  return (ON_NODE ? 256 : 64) * 1024 * 1024;
}

export class MemoryBudget {
  readonly limit: number;
  #used = 0;
  #peak = 0;
  #connections = 0;
  #pressured = false;
  #exhausted = false;
  readonly #report: ((init: StackEventInit) => void) | undefined;
  /** Episodes of pressure (past 75% of the limit) and of exhaustion (no room for any growth). */
  pressureEpisodes = 0;
  exhaustedEpisodes = 0;

  constructor(limit: number, report?: (init: StackEventInit) => void) {
    if (!Number.isInteger(limit) || limit < CONNECTION_BYTES + 2 * FLOOR_BYTES) {
      throw new RangeError(`memoryLimit must be an integer of at least ${CONNECTION_BYTES + 2 * FLOOR_BYTES} bytes`);
    }
    this.limit = limit;
    this.#report = report;
  }

  /** Bytes charged now, and the most ever charged at once. */
  get used(): number {
    return this.#used;
  }

  get peak(): number {
    return this.#peak;
  }

  get connections(): number {
    return this.#connections;
  }

  /** A new connection's TCB, if it and its first rings fit; false refuses the connection. */
  admit(): boolean {
    if (this.#used + CONNECTION_BYTES + 2 * FLOOR_BYTES > this.limit) {
      this.#noteExhausted();
      return false;
    }
    this.#connections++;
    this.charge(CONNECTION_BYTES);
    return true;
  }

  leave(): void {
    this.#connections--;
    this.release(CONNECTION_BYTES);
  }

  /** Bytes a buffer holding `held` bytes of ring may still grow by now. */
  room(held: number): number {
    const floor = FLOOR_BYTES - held;
    const share = Math.floor(this.limit / (2 * Math.max(1, this.#connections))) - held;
    const free = this.limit - this.#used;
    if (free <= 0) this.#noteExhausted();
    return Math.max(0, floor, Math.min(free, share));
  }

  charge(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.#peak) this.#peak = this.#used;
    if (!this.#pressured && this.#used > this.limit * PRESSURE) {
      this.#pressured = true;
      this.pressureEpisodes++;
      this.#report?.({ type: "memory", phase: "pressure", used: this.#used, limit: this.limit });
    }
  }

  release(bytes: number): void {
    this.#used -= bytes;
    if (this.#pressured && this.#used <= this.limit * PRESSURE * 0.9) {
      this.#pressured = false;
      this.#exhausted = false;
      this.#report?.({ type: "memory", phase: "relieved", used: this.#used, limit: this.limit });
    }
  }

  #noteExhausted(): void {
    if (this.#exhausted) return;
    this.#exhausted = true;
    this.exhaustedEpisodes++;
    this.#report?.({ type: "memory", phase: "exhausted", used: this.#used, limit: this.limit });
  }
}
