import type { Connection, Listener } from "../tcp/types.js";
import { ListenerClosedError } from "./errors.js";
import type { SocketAddress, TcpStream } from "./types.js";

/**
 * A listening port. Connections that finished the handshake wait in the engine's backlog (which bounds
 * them) until `accept()` takes one. It has no stream methods: `write` on it does not compile.
 */
export class TcpListener implements AsyncIterable<TcpStream<"Established">> {
  readonly #listener: Listener;
  readonly #open: (conn: Connection) => TcpStream<"Established">;
  #waiting: Array<{ resolve(s: TcpStream<"Established">): void; reject(e: unknown): void }> = [];
  readonly #onClose: () => void;
  #closed = false;

  /** Internal: made by `Stack.listen`. */
  constructor(listener: Listener, open: (conn: Connection) => TcpStream<"Established">, onClose: () => void) {
    this.#listener = listener;
    this.#open = open;
    this.#onClose = onClose;
    listener.onConnection = () => this.#serve();
  }

  get localAddr(): SocketAddress {
    return { address: this.#listener.localAddress, port: this.#listener.localPort };
  }

  /** Handshakes completed and not yet accepted. */
  get backlogLength(): number {
    return this.#listener.backlogLength;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The next established connection; rejects with `ListenerClosedError` once the listener is closed. */
  accept(): Promise<TcpStream<"Established">> {
    if (this.#closed) return Promise.reject(this.#closedError());
    const conn = this.#waiting.length === 0 ? this.#listener.accept() : null;
    if (conn !== null) return Promise.resolve(this.#open(conn));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Accepts until the listener closes. Leaving the loop early does not close the listener. */
  async *[Symbol.asyncIterator](): AsyncIterator<TcpStream<"Established">> {
    for (;;) {
      let stream: TcpStream<"Established">;
      try {
        stream = await this.accept();
      } catch (e) {
        if (e instanceof ListenerClosedError) return;
        throw e;
      }
      yield stream;
    }
  }

  /** Stop listening: the port is released and every connection still in the backlog is refused (RST). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    this.#onClose();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w.reject(this.#closedError());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  #serve(): void {
    while (this.#waiting.length > 0) {
      const conn = this.#listener.accept();
      if (conn === null) return;
      this.#waiting.shift()!.resolve(this.#open(conn));
    }
  }

  #closedError(): ListenerClosedError {
    return new ListenerClosedError(`listener on port ${this.#listener.localPort} is closed`);
  }
}
