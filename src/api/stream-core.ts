/**
 * One connection as the API sees it: the engine's callback-driven `Connection` turned into queues of
 * promises (reads, writes, waits for a state), plus the bookkeeping that makes handles linear: which
 * handle is live, which were consumed and by what. Handles (handles.ts) hold the typestate; this file
 * knows nothing of the per-state method sets.
 */
import type { Clock, Timer } from "../clock/clock.js";
import type { WirestateError } from "../errors/wirestate-error.js";
import { overwrittenBytes } from "../tcp/byte-slab.js";
import { ConnectionAbortedError, errorForReason } from "../tcp/errors.js";
import { SYNCHRONIZED, type Connection, type ConnectionInfo, type TcpState } from "../tcp/types.js";
import { CloseTimeoutError, type HandleKind, type HandleState, StaleHandleError } from "./errors.js";
import type { Hold } from "./loop-hold.js";
import { EventHub } from "./event-stream.js";
import type { ReadResult, SocketAddress } from "./types.js";
import { socketAddress } from "./socket-address.js";

/** How a handle stopped being the one that controls the connection. */
export interface Consumption {
  by: string;
  replacedBy: HandleState | undefined;
  /** Handed to an adapter (WHATWG streams, Node Duplex): inspection and abort still work. */
  delegated: boolean;
}

/** What the core needs of a handle. */
export interface Owner {
  readonly state: HandleState;
  /** The typestate family, for messages: `TcpStream` unless a half says otherwise. */
  readonly kind?: HandleKind;
  consumption: Consumption | null;
}

interface PendingRead {
  owner: Owner;
  max: number | undefined;
  /**
   * A BYOB read's view (or a handle's `readInto` buffer): the bytes go straight from the receive buffer
   * into it, and the count resolves (a view of them, for a handle). OWN_BUFFER: a chunk in an ArrayBuffer
   * of its own resolves (readOwned).
   */
  into: Uint8Array | null;
  /** Builds the successor at end-of-stream; null for adapters, which just see the end. */
  atEnd: AtEnd | null;
  /** Resolves with a handle's ReadResult (readResult) rather than the bare bytes or successor. */
  shaped: boolean;
  resolve(value: Uint8Array | Owner | number | null | ReadResult<Owner>): void;
  reject(error: unknown): void;
}

/** What a handle's read does at end-of-stream: consume the handle `by` this, for the successor `next()`. */
export interface AtEnd {
  readonly by: string;
  next(): Owner;
}

interface PendingWrite {
  data: Uint8Array;
  offset: number;
  /** Taken over (Connection.writeNoCopy) rather than copied. */
  noCopy: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

interface Waiter {
  ready(): boolean;
  resolve(): void;
  reject(error: unknown): void;
}

/** A write taken whole at once: one settled promise for all of them, not a new one per write. */
const WRITTEN: Promise<void> = Promise.resolve();

/** PendingRead.into for readOwned: a marker, never read from or written to. */
const OWN_BUFFER = new Uint8Array(0);

export function staleError(owner: Owner): StaleHandleError {
  const c = owner.consumption;
  return new StaleHandleError(owner.state, c?.by ?? "close()", c?.replacedBy, owner.kind);
}

export class StreamCore {
  readonly conn: Connection;
  readonly clock: Clock;
  readonly closeTimeout: number;
  /** What the user waits for on this connection keeps a Node process alive (see loop-hold.ts). */
  readonly hold: Hold;
  #live: Owner | null = null;
  #error: WirestateError | null = null;
  #readers: PendingRead[] = [];
  #writers: PendingWrite[] = [];
  #waiters: Waiter[] = [];
  #finRequested = false;
  #finIssued = false;
  #discarding = false;
  // The engine may signal again from inside conn.read()/write() (a window update, freed space): such
  // calls become another pass of the running loop instead of recursing into it.
  readonly #reads = new Reentrant(() => this.#drainReads());
  readonly #writes = new Reentrant(() => this.#drainWrites());
  /** This connection's event stream, made on first access (`TcpStream.events`). */
  #events: EventHub | null = null;
  /** Adapters attached to this connection (the WHATWG pair is cached so both getters give the same one). */
  web: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } | null = null;

  constructor(conn: Connection, clock: Clock, closeTimeout: number, hold: Hold) {
    this.conn = conn;
    this.clock = clock;
    this.closeTimeout = closeTimeout;
    this.hold = hold;
    conn.events = {
      onStateChange: () => this.#checkWaiters(),
      onReadable: () => this.#reads.run(),
      // Every ACK that frees send space signals; with nothing queued and no FIN to issue there is no pass.
      onWritable: () => {
        if (this.#writers.length > 0 || (this.#finRequested && !this.#finIssued)) this.#writes.run();
      },
      onError: (reason) => this.#fail(errorForReason(reason, this.#describe())),
    };
  }

  /** The engine hands this connection's events over only while the stream has listeners. */
  get events(): EventHub {
    if (this.#events !== null) return this.#events;
    const hub: EventHub = new EventHub((active) => {
      this.conn.events.onEvent = active ? (event) => hub.emit(event) : undefined;
    });
    return (this.#events = hub);
  }

  get engineState(): TcpState {
    return this.conn.state;
  }

  /** Both FINs exchanged and ours acknowledged (or the connection is gone). */
  get finished(): boolean {
    const s = this.conn.state;
    return s === "TIME-WAIT" || s === "CLOSED";
  }

  get finAcknowledged(): boolean {
    const s = this.conn.state;
    return this.#finIssued && (s === "FIN-WAIT-2" || s === "TIME-WAIT" || s === "CLOSED");
  }

  get peerAddr(): SocketAddress {
    return socketAddress(this.conn.remoteAddress, this.conn.remotePort);
  }

  get localAddr(): SocketAddress {
    return socketAddress(this.conn.localAddress, this.conn.localPort);
  }

  info(): ConnectionInfo {
    return this.conn.info();
  }

  // ---- linearity ----

  /** Make `owner` the handle in control (the first handle of a connection, or a close()'s result). */
  adopt<H extends Owner>(owner: H): H {
    this.#live = owner;
    return owner;
  }

  /**
   * Consume `owner` and make `next` the live handle: the one step every transition goes through, done
   * synchronously so two racing transitions of one handle cannot both succeed.
   */
  replace<H extends Owner>(owner: Owner, by: string, next: H): H {
    this.consume(owner, by, next.state);
    this.#live = next;
    return next;
  }

  /** Consume `owner` with no successor yet (close() resolves with one later). */
  consume(owner: Owner, by: string, replacedBy?: HandleState): void {
    if (owner.consumption !== null) throw staleError(owner);
    owner.consumption = { by, replacedBy, delegated: false };
    if (this.#live === owner) this.#live = null;
  }

  /** Hand the connection's bytes to an adapter; the handle keeps inspection and abort. */
  delegate(owner: Owner, by: string): void {
    if (owner.consumption !== null) throw staleError(owner);
    owner.consumption = { by, replacedBy: undefined, delegated: true };
  }

  throwIfFailed(): void {
    if (this.#error !== null) throw this.#error;
  }

  // ---- waiting for the engine ----

  /**
   * Resolves when `ready()` holds after some engine event; rejects on failure. With `closeTimeoutMs`, a
   * close that has not finished by then aborts the connection and rejects with CloseTimeoutError.
   */
  until(ready: () => boolean, closeTimeoutMs?: number): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: Timer | null = null;
      const waiter: Waiter = {
        ready,
        resolve: () => {
          timer?.cancel();
          resolve();
        },
        reject: (e) => {
          timer?.cancel();
          reject(e);
        },
      };
      this.#waiters.push(waiter);
      if (closeTimeoutMs !== undefined) {
        timer = this.clock.schedule(closeTimeoutMs, () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          this.abort();
          reject(
            new CloseTimeoutError(`close did not finish within ${closeTimeoutMs} ms; aborted ${this.#describe()}`),
          );
        });
      }
    });
  }

  /** Resolves once the handshake completes; rejects with the engine's reason if it fails. */
  established(): Promise<void> {
    return this.until(() => SYNCHRONIZED.has(this.conn.state));
  }

  #checkWaiters(): void {
    if (this.#error !== null || this.#waiters.length === 0) return;
    const closed = this.conn.state === "CLOSED";
    const keep: Waiter[] = [];
    const due: Waiter[] = [];
    for (const w of this.#waiters) (w.ready() ? due : keep).push(w);
    this.#waiters = closed ? [] : keep;
    for (const w of due) w.resolve();
    if (closed) {
      const error = new ConnectionAbortedError(`connection closed: ${this.#describe()}`);
      for (const w of keep) w.reject(error);
    }
  }

  // ---- reading ----

  /**
   * Bytes available now (up to `max`), else wait. At end-of-stream: adapters get null; a handle is
   * consumed and gets its successor, unless a transition consumed it while it waited, in which case the
   * end stays unread for the live handle.
   */
  read(owner: Owner, max: number | undefined, atEnd: AtEnd | null): Promise<Uint8Array | Owner | null> {
    return this.#read(owner, max, atEnd, false) as Promise<Uint8Array | Owner | null>;
  }

  /**
   * A handle's read, as `read` but settled with the ReadResult itself: the result is made where the read
   * settles, not in a `then` after it, which would cost a promise and a microtask per read (two of each
   * per 1-byte round trip).
   */
  readResult(owner: Owner, max: number | undefined, atEnd: AtEnd): Promise<ReadResult<Owner>> {
    return this.#read(owner, max, atEnd, true) as Promise<ReadResult<Owner>>;
  }

  /**
   * A handle's read into `target` (its `readInto`): settles with a ReadResult whose value is a view of the
   * bytes copied into the start of `target`, or the successor at end-of-stream.
   */
  readIntoResult(owner: Owner, target: Uint8Array, atEnd: AtEnd): Promise<ReadResult<Owner>> {
    return this.#readInto(owner, target, atEnd, true) as Promise<ReadResult<Owner>>;
  }

  /** `read` and `readResult`: `shaped` settles with the ReadResult instead of the bytes or successor. */
  #read(owner: Owner, max: number | undefined, atEnd: AtEnd | null, shaped: boolean): Promise<unknown> {
    if (this.#error !== null) return Promise.reject(this.#error);
    let checked = false;
    if (this.#readers.length === 0 && !this.#discarding) {
      // Bytes already here: no pending entry, and no hold on the loop for a promise already settled.
      const bytes = this.conn.read(max);
      if (bytes !== null) return Promise.resolve(shaped ? { done: false, value: bytes } : bytes);
      checked = !this.conn.readEnded;
    }
    return new Promise((resolve, reject) => {
      const r: PendingRead = { owner, max, into: null, atEnd, shaped, resolve, reject };
      this.#wait(r, checked);
    });
  }

  /**
   * An adapter's read of what has arrived (up to `max`) into an ArrayBuffer of its own, for a consumer
   * that transfers it (a WHATWG byte stream): resolves with the chunk, or null at end-of-stream.
   */
  readOwned(owner: Owner, max?: number): Promise<Uint8Array | null> {
    if (this.#error !== null) return Promise.reject(this.#error);
    return new Promise<Uint8Array | null>((resolve, reject) => {
      this.#wait({
        owner,
        max,
        into: OWN_BUFFER,
        atEnd: null,
        shaped: false,
        resolve: resolve as PendingRead["resolve"],
        reject,
      });
    });
  }

  /**
   * An adapter's read into `target` (a BYOB view), copied once, from the receive buffer into it: resolves
   * with the count, or null at end-of-stream.
   */
  readInto(owner: Owner, target: Uint8Array): Promise<number | null> {
    return this.#readInto(owner, target, null, false) as Promise<number | null>;
  }

  /** `readInto` and `readIntoResult`, as `#read` is `read`'s and `readResult`'s. */
  #readInto(owner: Owner, target: Uint8Array, atEnd: AtEnd | null, shaped: boolean): Promise<unknown> {
    if (this.#error !== null) return Promise.reject(this.#error);
    let checked = false;
    if (this.#readers.length === 0 && !this.#discarding) {
      // Bytes already here: copied at once, with no pending entry and no hold on the loop.
      const n = this.conn.readInto(target);
      if (n > 0) return Promise.resolve(shaped ? { done: false, value: target.subarray(0, n) } : n);
      checked = !this.conn.readEnded;
    }
    return new Promise((resolve, reject) => {
      const r: PendingRead = { owner, max: target.length, into: target, atEnd, shaped, resolve, reject };
      this.#wait(r, checked);
    });
  }

  /**
   * Queues a read; the connection's hold counts it until it is settled (#settle). `checked`: the caller
   * just found nothing to read and no end with no read queued ahead, so a drain now would find nothing.
   */
  #wait(r: PendingRead, checked = false): void {
    this.hold.begin();
    this.#readers.push(r);
    if (!checked) this.#reads.run();
  }

  /** A queued read leaves the queue: its hold on the loop goes with it. */
  #settle(r: PendingRead, value: Uint8Array | Owner | number | null): void {
    this.hold.end();
    if (!r.shaped) r.resolve(value);
    else if (value instanceof Uint8Array) r.resolve({ done: false, value });
    else r.resolve({ done: true, value: undefined, stream: value as Owner });
  }

  #refuse(r: PendingRead, error: unknown): void {
    this.hold.end();
    r.reject(error);
  }

  #drainReads(): void {
    if (this.#discarding) while (this.conn.read() !== null);
    while (this.#readers.length > 0 && this.#error === null) {
      const r = this.#readers[0];
      if (r.into === OWN_BUFFER) {
        const n = Math.min(this.conn.readableLength, r.max ?? Number.MAX_SAFE_INTEGER);
        if (n > 0) {
          const chunk = overwrittenBytes(n);
          this.conn.readInto(chunk);
          this.#readers.shift();
          this.#settle(r, chunk);
          continue;
        }
      } else if (r.into !== null) {
        const n = this.conn.readInto(r.into);
        if (n > 0) {
          this.#readers.shift();
          // A handle's readInto settles with the bytes' view (a ReadResult), an adapter's with the count.
          this.#settle(r, r.shaped ? r.into.subarray(0, n) : n);
          continue;
        }
      } else {
        const bytes = this.conn.read(r.max);
        if (bytes !== null) {
          this.#readers.shift();
          this.#settle(r, bytes);
          continue;
        }
      }
      if (!this.conn.readEnded) return;
      this.#readers.shift();
      if (r.atEnd === null) this.#settle(r, null);
      else if (r.owner.consumption !== null) this.#refuse(r, staleError(r.owner));
      else this.#settle(r, this.replace(r.owner, r.atEnd.by, r.atEnd.next()));
    }
  }

  /** From now on incoming bytes are read and dropped, so the peer is never blocked by a full window. */
  stopReading(): void {
    this.#discarding = true;
    const readers = this.#readers;
    this.#readers = [];
    for (const r of readers) {
      // Every handle was consumed before finishing began; only adapters' reads see a plain end.
      if (r.atEnd === null) this.#settle(r, null);
      else this.#refuse(r, staleError(r.owner));
    }
    this.#reads.run();
  }

  // ---- writing ----

  /** Queues `data`, copied into the send buffer, or with `noCopy` kept as it is (WriteOptions.noCopy). */
  write(data: Uint8Array, noCopy = false): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (data.length === 0) return Promise.resolve();
    let offset = 0;
    if (this.#writers.length === 0) {
      // Nothing queued ahead: what fits goes in now, and a write that fits whole is done without a
      // pending entry or a hold on the loop (the common case; a 1-byte request and reply is two of them).
      offset = noCopy ? this.conn.writeNoCopy(data) : this.conn.write(data);
      if (this.#error !== null) return Promise.reject(this.#error);
      if (offset === data.length) return WRITTEN;
    }
    return this.hold.during(
      new Promise((resolve, reject) => {
        this.#writers.push({ data, offset, noCopy, resolve, reject });
        this.#writes.run();
      }),
    );
  }

  #drainWrites(): void {
    while (this.#writers.length > 0 && this.#error === null) {
      const w = this.#writers[0];
      const rest = w.offset === 0 ? w.data : w.data.subarray(w.offset);
      w.offset += w.noCopy ? this.conn.writeNoCopy(rest) : this.conn.write(rest);
      if (w.offset < w.data.length) return;
      this.#writers.shift();
      w.resolve();
    }
    if (this.#writers.length === 0 && this.#finRequested && !this.#finIssued && this.#error === null) {
      this.#finIssued = true;
      this.conn.shutdown();
    }
  }

  /** Queue our FIN behind every pending write (RFC 9293 CLOSE: "queue this until all preceding SENDs"). */
  requestFin(): void {
    this.#finRequested = true;
    this.#writes.run();
  }

  // ---- ending ----

  /** Send FIN, drop what still arrives, and wait for both sides to finish, aborting after `timeoutMs`. */
  finish(timeoutMs: number = this.closeTimeout): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    this.requestFin();
    this.stopReading();
    return this.until(() => this.finished, timeoutMs);
  }

  abort(): void {
    if (this.conn.state !== "CLOSED") this.conn.abort();
    // The engine reports a local abort through onError("aborted"); make sure pending calls end regardless.
    if (this.#error === null) this.#fail(errorForReason("aborted", this.#describe()));
  }

  /**
   * `await using` on any handle of the connection: send FIN after the queued bytes and resolve once the
   * peer has acknowledged it, i.e. everything we wrote was delivered. Waiting for the peer's own FIN goes
   * on in the background (incoming bytes dropped), bounded by the close timeout and then an abort, as a
   * kernel lingers for a closed socket. Never throws: a reset or timeout also ends the connection.
   */
  async dispose(): Promise<void> {
    const live = this.#live;
    if (live !== null && live.consumption === null) this.consume(live, "[Symbol.asyncDispose]()");
    if (this.#error !== null || this.finished) return;
    const finished = this.finish();
    finished.catch(() => {});
    try {
      // The caller waits for delivery, so that holds the process; the lingering rest does not.
      await this.hold.during(Promise.race([finished, this.until(() => this.finAcknowledged)]));
    } catch {
      // Reset, or timed out and aborted: the connection is over, which is all disposal promises.
    }
  }

  #fail(error: WirestateError): void {
    if (this.#error !== null) return;
    this.#error = error;
    const readers = this.#readers;
    const writers = this.#writers;
    const waiters = this.#waiters;
    this.#readers = [];
    this.#writers = [];
    this.#waiters = [];
    for (const r of readers) this.#refuse(r, error);
    for (const w of writers) w.reject(error);
    for (const w of waiters) w.reject(error);
  }

  #describe(): string {
    const c = this.conn;
    return `${c.localAddress}:${c.localPort} -> ${c.remoteAddress}:${c.remotePort}`;
  }
}

/** Runs `work` until a pass ends with no re-entrant request for another. */
class Reentrant {
  readonly #work: () => void;
  #running = false;
  #again = false;

  constructor(work: () => void) {
    this.#work = work;
  }

  run(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      do {
        this.#again = false;
        this.#work();
      } while (this.#again);
    } finally {
      this.#running = false;
    }
  }
}
