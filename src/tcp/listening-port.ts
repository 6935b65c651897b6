import type { TcpConnection } from "./connection.js";
import type { Listener } from "./types.js";

/** The bounds of a passive OPEN's two queues. */
export interface ListenBounds {
  /** Established connections waiting for `accept` (the kernel's somaxconn). */
  backlog: number;
  /** Half-open connections, SYN-RECEIVED (the kernel's tcp_max_syn_backlog). */
  synBacklog: number;
}

/**
 * A passive OPEN on one port, with the kernel's two queues: the SYN queue of half-open connections
 * (SYN-RECEIVED), in arrival order so the oldest can be given up first, and the accept queue of established
 * ones waiting for `accept`. Each has its own bound; listen.ts decides what a SYN past them gets.
 */
export class ListeningPort implements Listener {
  readonly localAddress: string;
  readonly localPort: number;
  readonly backlog: number;
  readonly synBacklog: number;
  onConnection: (() => void) | null = null;
  /** When the SYN queue last overflowed (-Infinity: never): cookie ACKs are looked for only after one. */
  overflowedAt = Number.NEGATIVE_INFINITY;
  /** A Set keeps insertion order: the first entry is the oldest half-open connection. */
  readonly #halfOpen = new Set<TcpConnection>();
  readonly #ready: TcpConnection[] = [];
  readonly #onClose: (l: ListeningPort) => void;
  /** Called when a handshake completes into a full accept queue (the connection is then reset). */
  readonly #onOverflow: (conn: TcpConnection) => void;
  #closed = false;

  constructor(
    localAddress: string,
    localPort: number,
    bounds: ListenBounds,
    onClose: (l: ListeningPort) => void,
    onOverflow: (conn: TcpConnection) => void,
  ) {
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.backlog = bounds.backlog;
    this.synBacklog = bounds.synBacklog;
    this.#onClose = onClose;
    this.#onOverflow = onOverflow;
  }

  get backlogLength(): number {
    return this.#ready.length;
  }

  get halfOpenCount(): number {
    return this.#halfOpen.size;
  }

  get acceptQueueFull(): boolean {
    return this.#ready.length >= this.backlog;
  }

  get synQueueFull(): boolean {
    return this.#halfOpen.size >= this.synBacklog;
  }

  /** The half-open connection that has waited longest, or null. */
  oldestHalfOpen(): TcpConnection | null {
    for (const c of this.#halfOpen) return c;
    return null;
  }

  /** A SYN (or a valid cookie) made `conn`; it joins the accept queue once its handshake completes. */
  adopt(conn: TcpConnection): void {
    this.#halfOpen.add(conn);
    conn.onEstablished = (c) => {
      c.onEstablished = null;
      if (!this.#halfOpen.delete(c)) return true;
      // The accept queue is bounded too: a handshake completing into a full one is refused, as Linux does
      // with tcp_abort_on_overflow, so an application that stops accepting cannot make it grow.
      if (this.acceptQueueFull) {
        this.#onOverflow(c);
        return false;
      }
      this.#ready.push(c);
      this.onConnection?.();
      return c.state !== "CLOSED";
    };
  }

  /** The connection closed before it was accepted. */
  forget(conn: TcpConnection): void {
    if (this.#halfOpen.delete(conn)) return;
    const i = this.#ready.indexOf(conn);
    if (i >= 0) this.#ready.splice(i, 1);
  }

  accept(): TcpConnection | null {
    return this.#ready.shift() ?? null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose(this);
    const all = [...this.#halfOpen, ...this.#ready];
    this.#halfOpen.clear();
    this.#ready.length = 0;
    for (const c of all) c.abort();
  }
}
