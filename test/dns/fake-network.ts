import type { VirtualClock } from "../../src/clock/index.js";
import { Prng } from "../../src/link/prng.js";
import { DatagramInbox } from "../helpers/datagram-inbox.js";
import type { Datagram, DatagramNetwork, DatagramSocket } from "../../src/dns/index.js";
import { buildDnsMessage, DnsType, type DnsMessage, type DnsRecord, parseDnsMessage } from "../../src/wire/index.js";

/** What a fake server does with a query: answer (a message or raw bytes), or stay silent (null). */
export type Handler = (query: DnsMessage) => DnsMessage | Uint8Array | null;

export interface Sent {
  to: string;
  toPort: number;
  fromPort: number;
  query: DnsMessage;
}

/**
 * An in-memory UDP network on the virtual clock: resolver sockets on one side, DNS servers (functions)
 * on the other, every datagram delayed by `delay` ms. Tests also inject datagrams of their own (forgeries).
 */
export class FakeDnsNetwork implements DatagramNetwork {
  readonly sent: Sent[] = [];
  readonly servers = new Map<string, Handler>();
  readonly #sockets = new Map<number, FakeSocket>();
  /** Ports `bind` refuses, as if taken. */
  readonly taken = new Set<number>();

  constructor(
    readonly clock: VirtualClock,
    readonly delay = 5,
  ) {}

  /** A server at `address:port` answering with `handler`. */
  serve(address: string, handler: Handler, port = 53): this {
    this.servers.set(`${address}:${port}`, handler);
    return this;
  }

  bind(port: number): DatagramSocket {
    if (this.taken.has(port) || this.#sockets.has(port)) throw new Error(`port ${port} in use`);
    const socket = new FakeSocket(this, port, () => this.#sockets.delete(port));
    this.#sockets.set(port, socket);
    return socket;
  }

  /** Ports with an open socket. */
  get openPorts(): number[] {
    return [...this.#sockets.keys()];
  }

  /** Delivers `data` to the socket on `port` as if from `address:fromPort`, after the delay. */
  inject(port: number, data: Uint8Array, address: string, fromPort = 53, delay = this.delay): void {
    this.clock.schedule(delay, () => this.#sockets.get(port)?.deliver({ data, address, port: fromPort }));
  }

  carry(socket: FakeSocket, data: Uint8Array, address: string, port: number): void {
    const parsed = parseDnsMessage(data);
    if (!parsed.ok) throw new Error(`the resolver sent an unparseable query: ${parsed.reason}`);
    this.sent.push({ to: address, toPort: port, fromPort: socket.port, query: parsed.message });
    const handler = this.servers.get(`${address}:${port}`);
    if (handler === undefined) return;
    this.clock.schedule(this.delay, () => {
      const reply = handler(parsed.message);
      if (reply === null) return;
      const bytes = reply instanceof Uint8Array ? reply : encode(reply);
      this.inject(socket.port, bytes, address, port);
    });
  }
}

class FakeSocket implements DatagramSocket {
  readonly #inbox = new DatagramInbox();

  constructor(
    readonly network: FakeDnsNetwork,
    readonly port: number,
    readonly onClose: () => void,
  ) {}

  send(data: Uint8Array, address: string, port: number): void {
    if (this.#inbox.closed) throw new Error("send on a closed socket");
    this.network.carry(this, data, address, port);
  }

  receive(): Promise<Datagram | null> {
    return this.#inbox.receive();
  }

  deliver(d: Datagram): void {
    this.#inbox.deliver(d);
  }

  close(): void {
    if (this.#inbox.closed) return;
    this.#inbox.close();
    this.onClose();
  }
}

export function encode(m: DnsMessage): Uint8Array {
  const built = buildDnsMessage(m);
  if (!built.ok) throw new Error(built.detail);
  return built.bytes;
}

/** The response to `query`: its ID and question, RD echoed, RA set, with these sections. */
export function reply(
  query: DnsMessage,
  answers: DnsRecord[],
  extra: Partial<Pick<DnsMessage, "rcode" | "tc" | "authorities">> = {},
): DnsMessage {
  return {
    ...query,
    qr: true,
    ra: true,
    rcode: extra.rcode ?? 0,
    tc: extra.tc ?? false,
    answers,
    authorities: extra.authorities ?? [],
    additionals: [],
  };
}

export const a = (name: string, address: string, ttl = 300): DnsRecord => ({
  name,
  type: DnsType.A,
  class: 1,
  ttl,
  data: { kind: "A", address },
});

export const cname = (name: string, target: string, ttl = 300): DnsRecord => ({
  name,
  type: DnsType.CNAME,
  class: 1,
  ttl,
  data: { kind: "name", name: target },
});

export const soa = (zone: string, ttl: number, minimum: number): DnsRecord => ({
  name: zone,
  type: DnsType.SOA,
  class: 1,
  ttl,
  data: {
    kind: "SOA",
    mname: `ns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum,
  },
});

/** A deterministic 32-bit source for IDs and ports, so runs are reproducible. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.uint32();
}
