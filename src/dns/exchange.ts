import type { Clock } from "../clock/clock.js";
import { buildDnsMessage, dnsQuery } from "../wire/dns-build.js";
import { dnsNameKey } from "../wire/dns-name.js";
import { parseDnsHeader, parseDnsMessage } from "../wire/dns-parse.js";
import { DnsClass, DnsRcode, DnsType, type DnsMessage } from "../wire/dns-types.js";
import {
  DnsTimeoutError,
  InvalidHostnameError,
  ResolverClosedError,
  ServerFailureError,
  TruncatedResponseError,
} from "./errors.js";
import { FrameReader, frameMessage } from "./tcp-frames.js";
import type { Datagram, DatagramNetwork, DatagramSocket, StreamConnection, StreamConnector } from "./transport.js";

export interface Server {
  address: string;
  port: number;
}

export interface ResolverCounters {
  /** Queries sent, by transport. */
  udpQueries: number;
  tcpQueries: number;
  /** Datagrams received on query sockets. */
  received: number;
  /** Dropped: wrong source, ID or question (RFC 5452 section 9.1), or not a response. */
  mismatched: number;
  /** Dropped: from the right server with the right ID, but not a parseable message. */
  malformed: number;
  /** Attempts that got no answer in time. */
  timeouts: number;
  /** Answers with TC set (asked again over TCP when a connector is given). */
  truncated: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface ExchangeConfig {
  servers: readonly Server[];
  clock: Clock;
  udp: DatagramNetwork | null;
  tcp: StreamConnector | null;
  /** Milliseconds to wait for each server on each attempt. */
  timeout: number;
  /** Rounds over the server list. */
  attempts: number;
  /** The EDNS(0) UDP payload size to advertise over UDP, or null for plain RFC 1035 queries. */
  udpPayload: number | null;
  /** "address:port" of servers that answered EDNS with FORMERR: asked without it from then on. */
  plainServers: Set<string>;
  /** Uniform 32-bit integers; query IDs and source ports come from it. */
  random: () => number;
  counters: ResolverCounters;
  /** Registers what to do at `close()`; returns the deregistration. */
  onClose: (abort: () => void) => () => void;
}

export interface Answer {
  message: DnsMessage;
  server: Server;
}

/** What went wrong with one attempt; the last non-timeout one names the final error. */
type Failure =
  | { kind: "timeout" }
  | { kind: "closed" }
  | { kind: "rcode"; rcode: number }
  | { kind: "truncated" }
  | { kind: "stream"; cause: unknown };

const CLOSED = Symbol("closed");
/** Source ports are drawn from 1024-65535 (RFC 6056 section 3.2); this many tries when ports are taken. */
const BIND_TRIES = 8;

/**
 * Asks the servers one question until one gives an answer worth reading (NOERROR or NXDOMAIN): each
 * server in turn, `attempts` rounds, over UDP from one random source port with a fresh random ID per
 * send, TCP when an answer is truncated (RFC 7766 section 5) or when there is no UDP at all. An answer
 * is taken only from the server it was sent to, with the ID and question sent (RFC 5452 section 9.1);
 * a late answer to an earlier send counts too. Anything else is dropped and counted, so a forged or
 * broken datagram cannot end the lookup early.
 */
export async function exchange(
  config: ExchangeConfig,
  hostname: string,
  qname: string,
  qtype: number,
): Promise<Answer> {
  const qkey = dnsNameKey(qname);
  const buildQuery = (id: number, udpPayload?: number): Uint8Array => {
    const built = buildDnsMessage(dnsQuery(id, qname, qtype, { udpPayload }));
    if (!built.ok) throw new InvalidHostnameError(hostname, `cannot ask for ${JSON.stringify(qname)}: ${built.detail}`);
    return built.bytes;
  };
  const answers = (m: DnsMessage, id: number) =>
    m.id === id &&
    m.qr &&
    m.opcode === 0 &&
    m.questions.length === 1 &&
    m.questions[0].type === qtype &&
    m.questions[0].class === DnsClass.IN &&
    dnsNameKey(m.questions[0].name) === qkey;

  const nextId = () => config.random() & 0xffff;
  const overTcp = async (server: Server): Promise<Answer | Failure> => {
    const id = nextId();
    const r = await tcpExchange(config, server, buildQuery(id), (m) => answers(m, id));
    return "kind" in r ? r : { message: r, server };
  };
  const ednsFor = (server: Server) =>
    config.udpPayload === null || config.plainServers.has(serverKey(server)) ? undefined : config.udpPayload;
  const udp = config.udp === null ? null : await UdpQuery.open(config, answers);
  const attempt = async (server: Server): Promise<Answer | Failure> => {
    if (udp === null) return overTcp(server);
    const id = nextId();
    const got = await udp.ask(server, id, buildQuery(id, ednsFor(server)));
    if (got === CLOSED || got === null) return { kind: got === null ? "timeout" : "closed" };
    if (!got.message.tc) return got;
    config.counters.truncated++;
    // The server that truncated is the one to ask over TCP (RFC 7766 section 5), with a fresh ID.
    return config.tcp === null ? { kind: "truncated" } : overTcp(got.server);
  };
  let closed = false;
  const unregister = config.onClose(() => (closed = true));
  const failures: Failure[] = [];
  try {
    for (let round = 0; round < config.attempts; round++) {
      for (const server of config.servers) {
        let r = await attempt(server);
        if (!closed && !("kind" in r) && refusedEdns(r, ednsFor(r.server))) {
          // RFC 6891 section 7: a server that does not know EDNS answers FORMERR without an OPT; ask it
          // again, and from now on, without one.
          config.plainServers.add(serverKey(r.server));
          r = await attempt(r.server);
        }
        if (closed || ("kind" in r && r.kind === "closed")) {
          throw new ResolverClosedError(hostname, `resolver closed while asking for ${hostname}`);
        }
        if ("kind" in r) {
          if (r.kind === "timeout") config.counters.timeouts++;
          failures.push(r);
          continue;
        }
        const rcode = r.message.rcode;
        if (rcode === DnsRcode.NOERROR || rcode === DnsRcode.NXDOMAIN) return r;
        failures.push({ kind: "rcode", rcode });
      }
    }
  } finally {
    unregister();
    udp?.close();
  }
  throw finalError(hostname, failures, config);
}

function refusedEdns(r: Answer, sentPayload: number | undefined): boolean {
  return (
    sentPayload !== undefined &&
    r.message.rcode === DnsRcode.FORMERR &&
    !r.message.additionals.some((rr) => rr.type === DnsType.OPT)
  );
}

function serverKey(s: Server): string {
  return `${s.address}:${s.port}`;
}

function finalError(hostname: string, failures: Failure[], config: ExchangeConfig): Error {
  const last = failures.findLast(
    (f): f is Exclude<Failure, { kind: "timeout" | "closed" }> => f.kind !== "timeout" && f.kind !== "closed",
  );
  const servers = config.servers.map((s) => `${s.address}:${s.port}`).join(", ");
  if (last === undefined) {
    return new DnsTimeoutError(
      hostname,
      `no answer for ${hostname} from ${servers} (${config.attempts} attempts, ${config.timeout} ms each)`,
    );
  }
  switch (last.kind) {
    case "rcode":
      return new ServerFailureError(hostname, `${hostname}: the server answered ${rcodeName(last.rcode)}`, last.rcode);
    case "truncated":
      return new TruncatedResponseError(
        hostname,
        `${hostname}: the answer was truncated and there is no TCP to ask again`,
      );
    case "stream":
      return new ServerFailureError(hostname, `${hostname}: DNS over TCP failed: ${String(last.cause)}`, undefined, {
        cause: last.cause,
      });
  }
}

function rcodeName(rcode: number): string {
  const name = Object.entries(DnsRcode).find(([, v]) => v === rcode)?.[0];
  return name ?? `RCODE ${rcode}`;
}

/**
 * One UDP socket for the whole exchange. A pump reads every datagram; one that answers an outstanding
 * send wakes the waiting attempt.
 */
class UdpQuery {
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

/** One query over a fresh TCP connection, bounded by the timeout from connect to the last byte. */
async function tcpExchange(
  config: ExchangeConfig,
  server: Server,
  query: Uint8Array,
  answers: (m: DnsMessage) => boolean,
): Promise<DnsMessage | Failure> {
  config.counters.tcpQueries++;
  let conn: StreamConnection | null = null;
  let finished = false;
  let timer: { cancel(): void } | null = null;
  let unregister = () => {};
  const stop = (): void => {
    finished = true;
    timer?.cancel();
    unregister();
  };
  const deadline = new Promise<Failure>((resolve) => {
    timer = config.clock.schedule(config.timeout, () => {
      finished = true;
      conn?.abort();
      resolve({ kind: "timeout" });
    });
    unregister = config.onClose(() => {
      finished = true;
      conn?.abort();
      resolve({ kind: "closed" });
    });
  });
  const work = (async (): Promise<DnsMessage | Failure> => {
    const c = await config.tcp!(server.address, server.port);
    if (finished) {
      c.abort();
      return { kind: "timeout" };
    }
    conn = c;
    await c.write(frameMessage(query));
    const frames = new FrameReader();
    for (;;) {
      const r = await c.read();
      if (r.done) {
        void r.stream.close().catch(() => {});
        return {
          kind: "stream",
          cause: new Error(`the server closed the connection ${frames.buffered} bytes into a message`),
        };
      }
      const [first] = frames.push(r.value);
      if (first === undefined) continue;
      // One query per connection, so the first message is the answer or the server is broken.
      void c.close().catch(() => {});
      const parsed = parseDnsMessage(first);
      if (!parsed.ok) return { kind: "stream", cause: new Error(`unparseable answer over TCP: ${parsed.reason}`) };
      if (!answers(parsed.message))
        return { kind: "stream", cause: new Error("the answer over TCP is not to our question") };
      return parsed.message;
    }
  })().catch((cause: unknown): Failure => ({ kind: "stream", cause }));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    stop();
  }
}
