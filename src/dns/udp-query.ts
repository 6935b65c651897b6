import { parseDnsHeader, parseDnsMessage } from "../wire/dns-parse.js";
import type { DnsMessage } from "../wire/dns-types.js";
import type { ExchangeConfig, Server } from "./exchange-config.js";
import type { Datagram, DatagramSocket } from "./transport.js";

/** What `ask` gives back when the resolver closed meanwhile. */
export const CLOSED = Symbol("closed");
/** Source ports are drawn from 1024-65535 (RFC 6056 section 3.2); this many tries when ports are taken. */
const BIND_TRIES = 8;

/**
 * One UDP socket for the whole exchange. A pump reads every datagram; one that answers an outstanding
 * send wakes the waiting attempt.
 */
export class UdpQuery {
  readonly #config: ExchangeConfig;
  readonly #socket: DatagramSocket;
  readonly #answers: (m: DnsMessage, id: number) => boolean;
  /** Sends not yet answered: their ID and server. */
  readonly #outstanding: Array<{ id: number; server: Server }> = [];
  #wake: ((got: { message: DnsMessage; server: Server } | typeof CLOSED) => void) | null = null;
  /**
   * An answer accepted while no attempt waits: it arrived in the same instant its timeout fired. The
   * next `ask` returns it instead of sending again.
   */
  #early: { message: DnsMessage; server: Server } | null = null;
  readonly #unregister: () => void;
  #closed = false;

  private constructor(config: ExchangeConfig, socket: DatagramSocket, answers: (m: DnsMessage, id: number) => boolean) {
    this.#config = config;
    this.#socket = socket;
    this.#answers = answers;
    this.#unregister = config.onClose(() => {
      this.close();
      this.#wake?.(CLOSED);
    });
    void this.#pump();
  }

  static async open(config: ExchangeConfig, answers: (m: DnsMessage, id: number) => boolean): Promise<UdpQuery> {
    for (let i = 1; ; i++) {
      const port = 1024 + (config.random() % (65536 - 1024));
      try {
        return new UdpQuery(config, await config.udp!.bind(port), answers);
      } catch (err) {
        if (i >= BIND_TRIES) throw err;
      }
    }
  }

  /** Sends and waits up to the timeout: the accepted answer (to this send or an earlier one), or null. */
  async ask(
    server: Server,
    id: number,
    query: Uint8Array,
  ): Promise<{ message: DnsMessage; server: Server } | null | typeof CLOSED> {
    if (this.#closed) return CLOSED;
    const early = this.#early;
    this.#early = null;
    if (early !== null) return early;
    this.#outstanding.push({ id, server });
    this.#config.counters.udpQueries++;
    const answered = new Promise<{ message: DnsMessage; server: Server } | null | typeof CLOSED>((resolve) => {
      const timer = this.#config.clock.schedule(this.#config.timeout, () => {
        this.#wake = null;
        resolve(null);
      });
      this.#wake = (got) => {
        timer.cancel();
        this.#wake = null;
        resolve(got);
      };
    });
    try {
      await this.#socket.send(query, server.address, server.port);
    } catch {
      // A send the network refuses is an attempt without an answer: the timeout moves on to the next.
    }
    return answered;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unregister();
    this.#socket.close();
  }

  async #pump(): Promise<void> {
    for (;;) {
      let d: Datagram | null;
      try {
        d = await this.#socket.receive();
      } catch {
        d = null;
      }
      if (d === null) return;
      this.#config.counters.received++;
      this.#take(d);
    }
  }

  #take(d: Datagram): void {
    const counters = this.#config.counters;
    const header = parseDnsHeader(d.data);
    const index =
      header === null
        ? -1
        : this.#outstanding.findIndex(
            (o) => o.id === header.id && o.server.address === d.address && o.server.port === d.port,
          );
    if (header === null || index < 0 || !header.qr) {
      counters.mismatched++;
      return;
    }
    const { id, server } = this.#outstanding[index];
    const parsed = parseDnsMessage(d.data);
    let message: DnsMessage;
    if (parsed.ok) {
      if (!this.#answers(parsed.message, id)) {
        counters.mismatched++;
        return;
      }
      message = parsed.message;
    } else if (header.tc) {
      // Cut mid-record: only the header is readable. A forged TC costs no more than a TCP query.
      message = { ...header, questions: [], answers: [], authorities: [], additionals: [] };
    } else {
      counters.malformed++;
      return;
    }
    this.#outstanding.splice(index, 1);
    if (this.#wake === null) this.#early ??= { message, server };
    else this.#wake({ message, server });
  }
}
