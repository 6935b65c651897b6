import type { Datagram } from "../../src/dns/index.js";

/** A socket's receive side for test networks: datagrams queue until `receive()` asks; `close()` ends it. */
export class DatagramInbox {
  readonly #queue: Datagram[] = [];
  readonly #waiting: Array<(d: Datagram | null) => void> = [];
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  deliver(d: Datagram): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter === undefined) this.#queue.push(d);
    else waiter(d);
  }

  receive(): Promise<Datagram | null> {
    if (this.#closed) return Promise.resolve(null);
    const d = this.#queue.shift();
    if (d !== undefined) return Promise.resolve(d);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Pending and later `receive()` calls resolve null. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) w(null);
  }
}
