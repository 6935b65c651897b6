import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import { CaptureLink, type CaptureLinkOptions } from "../link/capture.js";
import type { Link } from "../link/link.js";
import { LoopbackLink } from "../link/loopback.js";
import type { CaptureWriter } from "../pcap/writer.js";
import { IpStack, StackClosedError, type IpStackOptions, type StackCounters, type TcpConfig } from "../stack/index.js";
import { HostUnreachableError } from "../errors/unreachable.js";
import { AddressInUseError } from "../tcp/errors.js";
import type { Connection, ConnectOptions, ListenOptions } from "../tcp/types.js";
import type { DhcpClient } from "../dhcp/dhcp-client.js";
import type { DhcpBinding, StackDhcpOptions } from "./dhcp-binding.js";
import { DHCP_CLIENT, type DhcpCapable } from "./dhcp-hook.js";
import { parseIpv4 } from "../wire/ipv4-address.js";
import { isIpv6, ipv6ToString, parseIpv6, parseIpv6Prefix } from "../wire/ipv6-address.js";
import { eventText, isTraced } from "../stack/event-text.js";
import { Resolver, type ResolverOptions, type Resolution } from "../dns/resolver.js";
import { fromIterableSocket } from "../dns/iterable-socket.js";
import type { PingOptions, PingResult } from "../icmp/ping.js";
import { AddressNotAvailableError } from "../udp/errors.js";
import type { UdpQueueLimits } from "../udp/udp-socket.js";
import { NoResolverError } from "./errors.js";
import { pingResults } from "./ping.js";
import { openUdpSocket } from "./udp-handle.js";
import type { UdpSocket } from "./udp-types.js";
import { openStream } from "./handles.js";
import { race, resolveBoth, type Attempt } from "./happy-eyeballs.js";
import { TcpListener } from "./listener.js";
import { ethernetInterfaceOf, startNeighborDiscovery } from "./ndp-binding.js";
import type { NeighborDiscovery } from "../ndp/neighbor-discovery.js";
import type { NdpEvent } from "../ndp/events.js";
import { Hold, LoopHolds } from "./loop-hold.js";
import { EventHub, type EventStream } from "./event-stream.js";
import { StreamCore } from "./stream-core.js";
import type { TcpStream } from "./types.js";

export interface CaptureOptions extends CaptureLinkOptions {
  writer: CaptureWriter;
}

/** What `new Stack(options)` takes: an address, and usually a link. */
export interface StackOptions {
  /**
   * This stack's address, or its addresses of both families: "10.0.0.1", or
   * `["10.0.0.1/24", "fd00::1/64"]` (at most one IPv4 address; IPv6 ones with their prefixes, RFC 4291
   * text). Connecting to one takes the loopback path, not the link. `"dhcp"`: the IPv4 address, subnet,
   * default route and DNS servers come from a DHCP server on the link (an `ethernetLink`); `await
   * stack.ready` for the address. On an `ethernetLink` IPv6 runs with neighbour discovery (RFC 4861: a
   * link-local address, DAD, the default router from router advertisements), and `"slaac"` in the list
   * asks for addresses from advertised prefixes too (RFC 4862).
   */
  address: string | readonly string[];
  /** The DHCP client's options, with `address: "dhcp"`. */
  dhcp?: StackDhcpOptions;
  /**
   * Where packets to other addresses go. Without one the stack is loopback-only: it reaches itself
   * (`connect(stack.address, port)`), and connecting anywhere else rejects with `HostUnreachableError`.
   */
  link?: Link;
  /** Time for every timer (default: the real clock). Tests pass a VirtualClock. */
  clock?: Clock;
  /**
   * Record every packet in and out to a pcap or pcapng writer. With pcapng each packet carries the
   * text of the engine's traced events (`eventText`: state changes, RTO, fast retransmit) as comments.
   * The stack never closes the writer.
   */
  capture?: CaptureWriter | CaptureOptions;
  tcp?: Partial<TcpConfig>;
  /** 16-byte RFC 6528 secret; only tests should pass one (it makes ISNs predictable). */
  isnKey?: Uint8Array;
  /**
   * Bytes this stack's connections and buffers may hold together: under pressure windows shrink and new
   * connections are refused (counted). Default 64 MiB in a browser, 256 MiB in Node.
   */
  memoryLimit?: number;
  /**
   * The engine's events as text, one line each ("10.0.0.1:49152>10.0.0.2:80 SYN-SENT -> ESTABLISHED",
   * "... RTO fired, rto=400ms", "dhcp: bound ..."): `eventText` of each event `stack.events` delivers, but
   * the per-segment ones (retransmit, drop) and neighbour discovery's. For the events as data, listen on
   * `stack.events`.
   */
  onTrace?: (text: string) => void;
  /** Default bound (ms) on a graceful close, including the one `await using` does. Default 30 s. */
  closeTimeout?: number;
  /**
   * DNS servers ("10.0.0.53", "10.0.0.53:5353"), or the resolver's options with them: `connect()`,
   * `ping()` and `resolve()` then take host names, looked up over this stack's own UDP (TCP when the
   * answer is truncated).
   */
  dns?: ResolverOptions["servers"] | StackDnsOptions;
  /** Echo replies and ICMP errors this stack sends a second, at most (token buckets). Default 100 each. */
  icmpRate?: { echo?: number; error?: number };
  /**
   * Every change neighbour discovery makes on an `ethernetLink` (addresses assigned or removed, routers,
   * MTU, hop limit, groups), after the stack took it: e.g. to learn the SLAAC address as it comes.
   * `stack.events` has the same as `neighbor-discovery` events, with their time.
   */
  onNeighborDiscovery?: (event: NdpEvent) => void;
  /** Bounds on IPv4 reassembly: datagrams, bytes, datagrams per source, ms. Default 256, 4 MiB, 64, 30 s. */
  reassembly?: IpStackOptions["reassembly"];
}

/** The resolver's options a stack takes (it supplies the clock and the transports itself). */
export type StackDnsOptions = Omit<ResolverOptions, "clock" | "udp" | "tcp">;

/** What `stack.udp(options)` takes. */
export interface UdpOptions {
  /** The local port; absent, a free ephemeral one (49152..65535). */
  port?: number;
  /**
   * The local address: one of the stack's (datagrams to it only, sent from it), or "0.0.0.0" / "::" (any).
   * Absent: any, and `localAddr` names the stack's IPv4 address.
   */
  address?: string;
  /** May send to and receive from 255.255.255.255 (SO_BROADCAST). Default false. */
  broadcast?: boolean;
  /** The receive queue's limits; datagrams beyond them are dropped and counted. Default 256 and 1 MiB. */
  queue?: Partial<UdpQueueLimits>;
}

const DOTTED_QUAD = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A TCP/IP stack (IPv4, and IPv6 with an IPv6 address) on one link: the typestate face of the engine. `await using stack = new Stack(...)`
 * closes it at the end of the block.
 */
export class Stack {
  readonly clock: Clock;
  /** Neighbour discovery of the Ethernet interface IPv6 runs on (its addresses, routers, counters), else null. */
  readonly ndp: NeighborDiscovery | null;
  /**
   * The stack's address once it has one: at once for a given address; with `address: "dhcp"` when the
   * first lease is bound. Rejects with DhcpTimeoutError when none came within `dhcp.timeout` (the client
   * keeps trying: `dhcp.onLease` hears of a later one), or StackClosedError when closed first.
   */
  readonly ready: Promise<string>;
  /** The capture tap on the link, when `capture` was given (its counters say what failed to record). */
  readonly capture: CaptureLink | null;
  /**
   * Every typed event of this stack (state changes, RTO, retransmissions, recovery, timers, drops,
   * memory pressure), as `StackEvent` objects with the time and the connection's 4-tuple. Nothing is
   * built while nobody listens. A connection's own events are also on its `TcpStream.events`.
   */
  readonly events: EventStream;
  readonly #ip: IpStack;
  readonly #closeTimeout: number;
  readonly #listeners = new Set<TcpListener>();
  #resolver: Resolver | null;
  readonly #dhcp: DhcpBinding | null;
  readonly #holds: LoopHolds;
  readonly #loopback: LoopbackLink;
  #closed = false;

  constructor(options: StackOptions) {
    const clock = options.clock ?? new RealClock();
    if (options.link !== undefined && !isLink(options.link)) {
      throw new TypeError(
        "StackOptions.link must be a Link (mtu, send, onReceive, close), or absent for loopback only",
      );
    }
    const dhcp = options.address === "dhcp";
    const bindDhcp = dhcp ? (options.link as DhcpCapable | undefined)?.[DHCP_CLIENT] : undefined;
    if (dhcp && bindDhcp === undefined) {
      throw new TypeError('address: "dhcp" needs an Ethernet link: link: ethernetLink({ link })');
    }
    // A DHCP stack begins with no address (0.0.0.0, the source DHCP's broadcasts need) and IPv4 only.
    const { ipv4, ipv6, slaac } = dhcp ? { ipv4: "0.0.0.0", ipv6: [], slaac: false } : splitAddresses(options.address);
    const eth = ipv6.length > 0 || slaac ? ethernetInterfaceOf(options.link) : null;
    if (slaac && eth === null) throw new TypeError('address "slaac" needs an ethernetLink to hear routers on');
    const manual = ipv6.map((a) => parseIpv6Prefix(a, 128));
    const own6 = manual.map((a) => a.address);
    this.#loopback = new LoopbackLink(parseIpv4(ipv4), options.link ?? null, clock, own6);
    // The capture sees loopback traffic too, as a capture on every interface would.
    const capture = options.capture === undefined ? null : tap(this.#loopback, options.capture, clock);
    const events = new EventHub();
    // Comments carry the traced events: state changes and timer events explain the packets around them.
    if (capture !== null) events.on("*", (e) => isTraced(e) && capture.annotate(eventText(e)));
    this.#closeTimeout = options.closeTimeout ?? 30_000;
    if (!(this.#closeTimeout > 0)) throw new RangeError(`closeTimeout must be positive, got ${options.closeTimeout}`);
    this.#ip = new IpStack({
      address: ipv4,
      ipv6,
      ipv6Only: slaac && ipv4 === "0.0.0.0" ? true : undefined,
      link: capture ?? this.#loopback,
      clock,
      tcp: options.tcp,
      isnKey: options.isnKey,
      memoryLimit: options.memoryLimit,
      onTrace: options.onTrace,
      events,
      icmpRate: options.icmpRate,
      reassembly: options.reassembly,
    });
    // The loopback path follows the addresses neighbour discovery assigns: `own6` is its live list.
    const book = this.#ip.addresses;
    const follow = () => own6.splice(0, own6.length, ...book.local6.map((l) => l.address));
    this.ndp =
      eth === null
        ? null
        : startNeighborDiscovery(eth, book, manual, slaac, follow, {
            sink: this.#ip.events,
            clock,
            listener: options.onNeighborDiscovery,
          });
    this.clock = clock;
    this.capture = capture;
    this.events = events;
    const dns = options.dns;
    this.#resolver = dns === undefined ? null : this.#newResolver("servers" in dns ? dns : { servers: dns });
    this.#dhcp =
      bindDhcp === undefined
        ? null
        : bindDhcp(
            {
              ip: this.#ip,
              loopback: this.#loopback,
              link: options.link,
              clock,
              events: this.#ip.events,
              // The lease's DNS servers, unless the stack was given its own.
              dns: (servers) => {
                if (dns !== undefined) return;
                this.#resolver?.close();
                this.#resolver = servers.length === 0 ? null : this.#newResolver({ servers });
              },
            },
            options.dhcp,
          );
    // Only a clock that runs by itself can finish what a held process waits for.
    this.#holds = new LoopHolds(clock instanceof RealClock);
    // Waiting for a lease holds the process as any pending call does (the client's own timers do not).
    this.ready =
      this.#dhcp === null ? Promise.resolve(this.#ip.address) : new Hold(this.#holds).during(this.#dhcp.ready);
  }

  /** The IPv4 address (dotted quad; "0.0.0.0" when only IPv6 ones were given, or a DHCP stack has no lease). */
  get address(): string {
    return this.#ip.address;
  }

  /**
   * Every address of the stack, IPv4 first, IPv6 in RFC 5952 form: the given ones, and on Ethernet the
   * link-local and SLAAC ones neighbour discovery assigned so far.
   */
  get addresses(): readonly string[] {
    const v6 = this.#ip.addresses.local6.map((l) => ipv6ToString(l.address));
    const ipv4 = this.#ip.address;
    return ipv4 === "0.0.0.0" ? v6 : [ipv4, ...v6];
  }

  /** The DHCP client of `address: "dhcp"` (its state, lease and counters), else null. */
  get dhcp(): DhcpClient | null {
    return this.#dhcp?.client ?? null;
  }

  /**
   * Let pending calls, open listeners and open Node Duplexes on this stack keep a Node process alive
   * (the default). The engine's own timers (TIME-WAIT, keep-alive idle, delayed ACK, retransmission)
   * never do: a program whose last `await` finished exits even with connections lingering in TIME-WAIT.
   */
  ref(): this {
    this.#holds.ref();
    return this;
  }

  /** Nothing on this stack keeps the process alive: it exits once the rest of the program is done. */
  unref(): this {
    this.#holds.unref();
    return this;
  }

  /** True while something on this stack keeps the Node process alive. */
  get holdsProcess(): boolean {
    return this.#holds.holding;
  }

  /** Segments, retransmissions and drops by reason, stack-wide. */
  get counters(): StackCounters {
    return this.#ip.counters;
  }

  /** The path MTU towards `address`: learned from ICMP frag-needed (RFC 1191, 10 minutes), else the link's. */
  pathMtu(address: string): number {
    return this.#ip.pathMtu(address);
  }

  /** Connections the engine holds (every state but CLOSED, TIME-WAIT included). */
  get connectionCount(): number {
    return this.#ip.connectionCount;
  }

  /**
   * Passive OPEN. Port 0 picks a free ephemeral port (49152..65535); `listener.localAddr.port` says which.
   * Throws `AddressInUseError` when the port is taken.
   */
  listen(port: number, options?: ListenOptions): TcpListener {
    this.#assertOpen();
    const listener = new TcpListener(
      port === 0 ? this.#listenEphemeral(options) : this.#ip.listen(port, options),
      (conn) => openStream(this.#core(conn)),
      () => this.#listeners.delete(listener),
      new Hold(this.#holds),
    );
    this.#listeners.add(listener);
    return listener;
  }

  /**
   * Active OPEN: resolves once the handshake completes; rejects with `ConnectionRefusedError` (RST),
   * `ConnectTimeoutError` (no answer) or `AddressInUseError` (a `localPort` in use).
   */
  async connect(host: string, port: number, options?: ConnectOptions): Promise<TcpStream<"Established">> {
    this.#assertOpen();
    if (isLiteral(host)) return this.#connect(host, port, options);
    // A name: attempts 250 ms apart, IPv6 and IPv4 interleaved, until one answers (RFC 8305 §4, §5).
    const addresses = await this.#lookupBoth(host);
    return race(this.clock, addresses, (address) => this.#attempt(address, port, options));
  }

  /** A name's addresses of the families this stack has, AAAA and A looked up at once (RFC 8305 §3). */
  #lookupBoth(host: string): Promise<string[]> {
    const has6 = this.#ip.addresses.hasIpv6;
    const has4 = this.address !== "0.0.0.0";
    const lookup = (type: "A" | "AAAA") => this.resolve(host, type).then((r) => r.addresses);
    return resolveBoth(this.clock, has6 ? lookup("AAAA") : null, has4 ? lookup("A") : null);
  }

  /**
   * A bound UDP socket (RFC 768), unconnected: `send(data, address, port)`, `receive()`, an async
   * iterator and a ReadableStream of `{ data, address, port }`, `connect()` to fix the peer. Throws
   * AddressInUseError for a bound port, AddressNotAvailableError for an address not the stack's.
   */
  udp(options: UdpOptions = {}): UdpSocket<"Unconnected"> {
    this.#assertOpen();
    const { address } = options;
    if (address !== undefined && !this.#isOwn(address) && address !== "0.0.0.0" && address !== "::") {
      throw new AddressNotAvailableError(`${address} is not this stack's address (${this.addresses.join(", ")})`);
    }
    return openUdpSocket(this.#ip.udp(options), new Hold(this.#holds));
  }

  /**
   * `ping`: echo requests to `host` (an address, or a name with `dns`), yielding each reply with its
   * round-trip time, or its loss (timeout, or the ICMP error a router sent back), as they settle.
   */
  async *ping(host: string, options?: PingOptions): AsyncGenerator<PingResult, void, undefined> {
    this.#assertOpen();
    // The echo timers are the engine's (unref'd): the caller waiting for replies is what holds the process.
    const hold = new Hold(this.#holds);
    hold.begin();
    try {
      // A name: the first of its addresses in RFC 8305's order, of a family this stack has.
      const address = isLiteral(host) ? host : (await this.#lookupBoth(host))[0];
      yield* pingResults(this.#ip.ping(address, options));
    } finally {
      hold.end();
    }
  }

  /**
   * The IPv4 addresses (`type` "A") or IPv6 addresses ("AAAA", RFC 3596, in RFC 5952 text) of
   * `hostname` through the `dns` servers (an address literal is its own answer). Rejects with NoResolverError when the stack has no `dns` option, or the resolver's errors (NameNotFoundError,
   * ServerFailureError, DnsTimeoutError, InvalidHostnameError, ...).
   */
  async resolve(hostname: string, type: "A" | "AAAA" = "A"): Promise<Resolution> {
    this.#assertOpen();
    // An address is its own answer, whatever the type asked.
    if (DOTTED_QUAD.test(hostname)) {
      return { hostname, canonicalName: hostname, type: "A", addresses: [hostname], ttl: 0 };
    }
    if (isIpv6(hostname)) {
      const canonical = ipv6ToString(parseIpv6(hostname));
      return { hostname, canonicalName: canonical, type: "AAAA", addresses: [canonical], ttl: 0 };
    }
    if (this.#resolver === null) {
      throw new NoResolverError(`cannot look up ${JSON.stringify(hostname)}: the stack has no dns servers`);
    }
    return this.#resolver.resolve(hostname, type);
  }

  /** Abort every connection (RST), stop every listener, and detach from the link (which stays the caller's to close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Ours first, so pending accept() calls end with ListenerClosedError instead of waiting forever.
    for (const l of [...this.#listeners]) l.close();
    this.#resolver?.close();
    // RFC 2131 §4.4.6: the lease goes back to the server before the stack stops.
    this.#dhcp?.close(new StackClosedError("the stack closed before DHCP gave it an address"));
    // Neighbour discovery was started for this stack: its timers and addresses end with it.
    this.ndp?.stop();
    this.#ip.close();
    this.#holds.close();
  }

  /** `await using`: `close()` at the end of the block (every connection left is aborted). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StackClosedError(`stack ${this.address} is closed`);
  }

  #newResolver(servers: StackDnsOptions): Resolver {
    return new Resolver({
      ...servers,
      clock: this.clock,
      udp: { bind: (port) => fromIterableSocket(this.udp({ port })) },
      tcp: (address, port) => this.connect(address, port),
    });
  }

  #connect(address: string, port: number, options?: ConnectOptions): Promise<TcpStream<"Established">> {
    return this.#attempt(address, port, options).done;
  }

  /** One connection attempt to an address (RFC 8305's unit): its outcome, and a way to give it up. */
  #attempt(address: string, port: number, options?: ConnectOptions): Attempt<TcpStream<"Established">> {
    if (this.#dhcp !== null && this.#ip.ip === 0) {
      const error = new AddressNotAvailableError(
        `the stack has no address yet (DHCP): await stack.ready before connecting to ${address}`,
      );
      return { done: Promise.reject(error), cancel() {} };
    }
    if (!this.#loopback.routed && !this.#isOwn(address)) {
      const error = new HostUnreachableError(
        `stack ${this.address} has no link (loopback only): cannot reach ${address}`,
      );
      return { done: Promise.reject(error), cancel() {} };
    }
    let core: StreamCore;
    try {
      core = this.#core(this.#ip.connect(address, port, options));
    } catch (error) {
      return { done: Promise.reject(error), cancel() {} };
    }
    return {
      done: core.hold.during(core.established()).then(() => openStream(core)),
      cancel: () => core.abort(),
    };
  }

  /** Whether `address` (either family, any text form) is one of this stack's. */
  #isOwn(address: string): boolean {
    if (DOTTED_QUAD.test(address)) return address === this.address;
    return isIpv6(address) && this.addresses.includes(ipv6ToString(parseIpv6(address)));
  }

  #listenEphemeral(options: ListenOptions | undefined): ReturnType<IpStack["listen"]> {
    const start = Math.floor(Math.random() * EPHEMERAL_COUNT);
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      try {
        return this.#ip.listen(EPHEMERAL_LOW + ((start + i) % EPHEMERAL_COUNT), options);
      } catch (e) {
        if (!(e instanceof AddressInUseError)) throw e;
      }
    }
    throw new AddressInUseError(`stack ${this.address}: every ephemeral port is listening`);
  }

  #core(conn: Connection): StreamCore {
    return new StreamCore(conn, this.clock, this.#closeTimeout, new Hold(this.#holds));
  }
}

const EPHEMERAL_LOW = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_LOW;

/** An address literal of either family (no lookup needed). */
function isLiteral(host: string): boolean {
  return DOTTED_QUAD.test(host) || isIpv6(host);
}

/**
 * `address` as StackOptions takes it, split by family: the IPv4 address without its prefix (raw links
 * route nothing by it; "0.0.0.0" when there is none) and the IPv6 ones as given. TypeError otherwise.
 */
function splitAddresses(address: string | readonly string[]): { ipv4: string; ipv6: string[]; slaac: boolean } {
  const all = typeof address === "string" ? [address] : address;
  const v4: string[] = [];
  const ipv6: string[] = [];
  let slaac = false;
  for (const a of all) {
    if (a === "slaac") slaac = true;
    else if (a.includes(":")) {
      parseIpv6Prefix(a);
      ipv6.push(a);
    } else {
      const [quad, prefix] = a.split("/");
      if (prefix !== undefined && !(/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32)) {
        throw new TypeError(`not an IPv4 prefix: ${JSON.stringify(a)}`);
      }
      parseIpv4(quad);
      v4.push(quad);
    }
  }
  if (v4.length > 1) throw new TypeError(`a stack has one IPv4 address, got ${v4.join(", ")}`);
  if (v4.length === 0 && ipv6.length === 0 && !slaac) throw new TypeError("StackOptions.address: no address given");
  return { ipv4: v4[0] ?? "0.0.0.0", ipv6, slaac };
}

function isLink(value: unknown): value is Link {
  const l = value as Link | null;
  return typeof l === "object" && l !== null && typeof l.mtu === "number" && typeof l.send === "function";
}

function tap(link: Link, capture: CaptureWriter | CaptureOptions, clock: Clock): CaptureLink {
  if ("writer" in capture) {
    const { writer, ...options } = capture;
    return new CaptureLink(link, writer, clock, options);
  }
  return new CaptureLink(link, capture, clock);
}
