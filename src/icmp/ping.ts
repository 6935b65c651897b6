import type { Clock, Timer } from "../clock/clock.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";

/** One probe's outcome: a reply with its round-trip time, or why none came. */
export type PingResult =
  | {
      readonly ok: true;
      readonly seq: number;
      readonly address: string;
      readonly bytes: number;
      readonly ttl: number;
      readonly rtt: number;
    }
  | { readonly ok: false; readonly seq: number; readonly address: string; readonly reason: "timeout" | IcmpErrorKind };

/** What `stack.ping(host, options)` takes. */
export interface PingOptions {
  /** Echo requests to send (default 4). */
  count?: number;
  /** Milliseconds to wait for each reply (default 1000). */
  timeout?: number;
  /** Bytes of echo data (default 56, as ping's, making 84-byte packets). */
  size?: number;
  /** Milliseconds between requests (default 1000). */
  interval?: number;
}

/** What a session needs from ICMP: send one echo request. */
export interface PingHost {
  readonly clock: Clock;
  sendEcho(dst: number, id: number, seq: number, data: Uint8Array): void;
  finished(session: PingSession): void;
}

function positiveInteger(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} must be an integer in 0..${max}, got ${value}`);
  return value;
}

/**
 * One `ping` run (RFC 792 echo): `count` requests with identifier `id` and sequence numbers 1..count,
 * `interval` apart; each settles as a reply, an ICMP error quoting it, or a timeout, in that order of
 * arrival. Results go to `onResult`; `onDone` follows the last.
 */
export class PingSession {
  readonly id: number;
  readonly dst: number;
  readonly address: string;
  readonly count: number;
  readonly #host: PingHost;
  readonly #timeout: number;
  readonly #interval: number;
  readonly #data: Uint8Array;
  /** Sent and unsettled: seq -> when sent, and its timeout. */
  readonly #pending = new Map<number, { at: number; timer: Timer }>();
  #sent = 0;
  #settled = 0;
  #next: Timer | null = null;
  #done = false;
  onResult: ((r: PingResult) => void) | null = null;
  onDone: (() => void) | null = null;

  constructor(host: PingHost, id: number, dst: number, address: string, options: PingOptions = {}) {
    this.#host = host;
    this.id = id;
    this.dst = dst;
    this.address = address;
    this.count = positiveInteger("count", options.count ?? 4, 65535);
    this.#timeout = positiveInteger("timeout", options.timeout ?? 1000, 2 ** 31 - 1);
    this.#interval = positiveInteger("interval", options.interval ?? 1000, 2 ** 31 - 1);
    // ping's pattern: byte i is i, so a reply with other data is not ours.
    this.#data = Uint8Array.from({ length: positiveInteger("size", options.size ?? 56, 65507 - 8) }, (_, i) => i & 255);
  }

  get done(): boolean {
    return this.#done;
  }

  start(): void {
    if (this.count === 0) this.#finish();
    else this.#sendNext();
  }

  /** An echo reply with our identifier. False when it is not one we wait for (a duplicate, late, or altered). */
  reply(seq: number, data: Uint8Array, ttl: number): boolean {
    const p = this.#pending.get(seq);
    if (p === undefined || !equal(data, this.#data)) return false;
    this.#settle(seq, {
      ok: true,
      seq,
      address: this.address,
      bytes: data.length + 8,
      ttl,
      rtt: this.#host.clock.now() - p.at,
    });
    return true;
  }

  /** An ICMP error quoting our request `seq`. */
  error(seq: number, kind: IcmpErrorKind): boolean {
    if (!this.#pending.has(seq)) return false;
    this.#settle(seq, { ok: false, seq, address: this.address, reason: kind });
    return true;
  }

  /** Stop: nothing more is sent or reported. */
  cancel(): void {
    if (this.#done) return;
    for (const p of this.#pending.values()) p.timer.cancel();
    this.#pending.clear();
    this.#next?.cancel();
    this.#finish();
  }

  #sendNext(): void {
    this.#next = null;
    const seq = ++this.#sent;
    const timer = this.#host.clock.schedule(this.#timeout, () => {
      this.#settle(seq, { ok: false, seq, address: this.address, reason: "timeout" });
    });
    this.#pending.set(seq, { at: this.#host.clock.now(), timer });
    this.#host.sendEcho(this.dst, this.id, seq, this.#data);
    if (this.#sent < this.count) this.#next = this.#host.clock.schedule(this.#interval, () => this.#sendNext());
  }

  #settle(seq: number, result: PingResult): void {
    const p = this.#pending.get(seq);
    if (p === undefined || this.#done) return;
    p.timer.cancel();
    this.#pending.delete(seq);
    this.#settled++;
    this.onResult?.(result);
    if (this.#settled === this.count) this.#finish();
  }

  #finish(): void {
    this.#done = true;
    this.#host.finished(this);
    this.onDone?.();
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
