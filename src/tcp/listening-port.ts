import type { TcpConnection } from "./connection.js";
import type { Listener } from "./types.js";

/**
 * A passive OPEN on one port: its half-open connections (SYN-RECEIVED) and the established ones waiting
 * for `accept`, together bounded by the backlog.
 */
export class ListeningPort implements Listener {
  readonly localAddress: string;
  readonly localPort: number;
  readonly backlog: number;
  onConnection: (() => void) | null = null;
  readonly #halfOpen = new Set<TcpConnection>();
  readonly #ready: TcpConnection[] = [];
  readonly #onClose: (l: ListeningPort) => void;
  #closed = false;

  constructor(localAddress: string, localPort: number, backlog: number, onClose: (l: ListeningPort) => void) {
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.backlog = backlog;
    this.#onClose = onClose;
  }

  get backlogLength(): number {
    return this.#ready.length;
  }

  get full(): boolean {
    return this.#halfOpen.size + this.#ready.length >= this.backlog;
  }

  /** A SYN made `conn` (SYN-RECEIVED); it joins the queue once its handshake completes. */
  adopt(conn: TcpConnection): void {
    this.#halfOpen.add(conn);
    conn.onEstablished = (c) => {
      c.onEstablished = null;
      if (!this.#halfOpen.delete(c)) return;
      this.#ready.push(c);
      this.onConnection?.();
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
