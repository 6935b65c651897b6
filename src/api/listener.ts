import type { Connection, Listener } from "../tcp/types.js";
import { ListenerClosedError } from "./errors.js";
import type { Hold } from "./loop-hold.js";
import type { SocketAddress, TcpStream } from "./types.js";
import { socketAddress } from "./socket-address.js";

/**
 * A listening port. Connections that finished the handshake wait in the engine's backlog (which bounds
 * them) until `accept()` takes one. It has no stream methods: `write` on it does not compile.
 */
export class TcpListener implements AsyncIterable<TcpStream<"Established">> {
  readonly #listener: Listener;
  readonly #open: (conn: Connection) => TcpStream<"Established">;
  #waiting: Array<{ resolve(s: TcpStream<"Established">): void; reject(e: unknown): void }> = [];
  readonly #onClose: () => void;
  readonly #hold: Hold;
  #closed = false;

  /** @internal Made by `Stack.listen`. */
  constructor(
    listener: Listener,
    open: (conn: Connection) => TcpStream<"Established">,
    onClose: () => void,
    hold: Hold,
  ) {
    this.#listener = listener;
    this.#open = open;
    this.#onClose = onClose;
    this.#hold = hold;
    // A listening port keeps a Node process alive until closed, as a listening `net.Server` does.
    hold.begin();
    listener.onConnection = () => this.#serve();
  }

  /** Keep the process alive while listening (the default), as `server.ref()`. */
  ref(): this {
    this.#hold.ref();
    return this;
  }

  /** Listening alone no longer keeps the process alive, as `server.unref()`. */
  unref(): this {
    this.#hold.unref();
    return this;
  }

  get localAddr(): SocketAddress {
    return socketAddress(this.#listener.localAddress, this.#listener.localPort);
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
    this.#hold.end();
    this.#onClose();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w.reject(this.#closedError());
  }

  /** `await using`: `close()` at the end of the block. */
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
