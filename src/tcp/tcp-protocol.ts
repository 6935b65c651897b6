import { TimerQueue } from "../clock/timer-queue.js";
import type { Clock } from "../clock/clock.js";
import { references } from "../clock/stable-arrays.js";
import { isIpv6Key } from "../wire/address-key.js";
import type { ParsedRecord } from "../wire/record.js";
import type { PacketFields } from "../wire/types.js";
import { subview } from "../wire/wasm.js";
import { closedArrives } from "./closed.js";
import { connectionConfig, validateConfig, type TcpConfig } from "./config.js";
import { TcpConnection, type ConnectionHost, type EngineDrop } from "./connection.js";
import { ConnectionTable } from "./connection-table.js";
import { AddressInUseError } from "../errors/address-in-use.js";
import { MemoryLimitError } from "./errors.js";
import type { MemoryBudget } from "./memory-budget.js";
import type { SmallQueues } from "./small-queues.js";
import { IsnGenerator } from "./isn.js";
import { icmpErrorArrives, type IcmpOutcome } from "./icmp-error.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { listenArrives, timeWaitReopened, type ListenContext, type ListenDrop, type SegmentEnds } from "./listen.js";
import { ListeningPort } from "./listening-port.js";
import { pathMtuChanged, pathMtuReduced, type PathMtuOutcome } from "./path-mtu.js";
import { SynCookies } from "./syn-cookie.js";
import type { ConnectOptions, Connection, Listener, ListenOptions } from "./types.js";
import { completeEvent, type EventSink, NO_LISTENER, type StackEventInit } from "./tcp-events.js";

const NO_PAYLOAD = new Uint8Array(0);

/** The part of our segment an ICMP error quotes that TCP needs: its 4-tuple and sequence number. */
export interface QuotedSegment {
  localPort: number;
  remoteIp: number;
  remotePort: number;
  seq: number;
}
const EPHEMERAL_LOW = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_LOW;

/** Why TCP dropped a segment that reached no connection, or one a connection refused. */
export type TcpDrop =
  | EngineDrop
  | ListenDrop
  | "closed-port" // no connection and no listener (answered with RST unless it was one)
  | "reset-rate-limit" // an RST was due for a segment with no connection, past `resetLimit` a second
  | "memory-limit"; // a new connection (SYN queue entry, cookie ACK, connect) the memory budget refused

/** The counters TCP keeps (the stack's counters hold them among its own). */
export interface TcpCounters {
  segmentsIn: number;
  retransmits: number;
  resetsSent: number;
  challengeAcks: number;
  connectionsOpened: number;
  connectionsAccepted: number;
  /** SYN-ACKs sent with a cookie (the SYN queue was full), and cookie ACKs that made a connection. */
  synCookiesSent: number;
  synCookiesAccepted: number;
  /** Half-open connections given up for a newer SYN (the SYN queue was full). */
  synQueuePruned: number;
  /** Handshakes completed into a full accept queue, refused with RST. */
  acceptQueueOverflows: number;
  /** TIME-WAIT connections closed early because the stack held `timeWaitLimit` of them. */
  timeWaitRecycled: number;
  drops: Record<TcpDrop, number>;
}

/**
 * Address keys (wire/address-key.ts) as the IP layer keeps them: one number per address of either
 * family, so TCP's tables work alike for IPv4 and IPv6.
 */
export interface TcpAddresses {
  /** The key of an address in text (either family); throws a TypeError for neither. */
  parse(text: string): number;
  /** An address key as text: a dotted quad, or RFC 5952 IPv6. */
  text(key: number): string;
  /** Our address towards `remote` (its family's), or -1 when we have none of that family. */
  sourceFor(remote: number): number;
  /** An IPv6 key's 16 bytes (RFC 6528's ISN hashes the address itself), when known. */
  bytes(key: number): Uint8Array | undefined;
  /** A connection needs `key`'s bytes for its lifetime (retain), and no longer (release). */
  retain(key: number): void;
  release(key: number): void;
}

/** What TCP needs from the IP layer below it. */
export interface TcpProtocolOptions {
  /** Our IPv4 address, as a number and as the dotted quad. */
  ip: number;
  address: string;
  /** Our addresses of both families, and every other address TCP meets, as keys. */
  addresses: TcpAddresses;
  clock: Clock;
  config: TcpConfig;
  /** Our MSS over IPv4 and over IPv6 (the IP layer knows the MTU; IPv6 headers take 20 bytes more). */
  mss: number;
  mss6: number;
  isnKey?: Uint8Array;
  /** The stack's memory budget, which connections and their buffers draw from. */
  budget: MemoryBudget;
  counters: TcpCounters;
  /** The path MTU towards `remoteIp` (RFC 1191's cache in the IP layer); the link MTU when unknown. */
  pathMtu(remoteIp: number): number;
  /** Send one segment (RFC 9293's "send" to the IP layer). */
  transmit(fields: PacketFields): void;
  /** Where events go (tcp-events.ts); none: nobody listens. */
  events?: EventSink;
  /** The bound on data queued in the link (small-queues.ts); none where the link reports no transmit queue. */
  smallQueues?: SmallQueues;
}

/**
 * TCP over the stack's addresses: the connection table, the listening ports and the port numbers. A segment
 * goes to its connection by 4-tuple; else to a listening port (RFC 9293 §3.10.7.2, listen.ts); else it is
 * answered as for a CLOSED port (§3.10.7.1, closed.ts).
 */
export class TcpProtocol implements ListenContext {
  /** IPv4 protocol number 6 (RFC 9293 §3.1). */
  readonly protocol = 6;
  readonly #ip: number;
  #address: string;
  readonly #clock: Clock;
  readonly #config: TcpConfig;
  readonly #mss: number;
  readonly #mss6: number;
  readonly #addresses: TcpAddresses;
  readonly #counters: TcpCounters;
  readonly #transmit: (fields: PacketFields) => void;
  readonly #events: EventSink;
  /** Connections by (localPort << 16 | remotePort), then remote address. */
  readonly #connections = new ConnectionTable();
  readonly #listeners = new Map<number, ListeningPort>();
  readonly #listenerOf = new Map<TcpConnection, ListeningPort>();
  /** The connection `#lookup` found last (dropped when it is released). */
  #lastFound: TcpConnection | null = null;
  #inBurst = false;
  /**
   * The 4-tuple of the burst's last segment (ports, then the remote's address key): whose run it is.
   * -Infinity: no run (never a key, and a double from the start, as IPv6 keys past 2^32 are).
   */
  #runPorts = 0;
  #runRemote = Number.NEGATIVE_INFINITY;
  readonly #noticeQueue = references<TcpConnection>();
  readonly #isn: IsnGenerator;
  readonly #host: ConnectionHost;
  #nextPort: number;
  #challengeSecond = -1;
  #challengeCount = 0;
  #resetSecond = -1;
  #resetCount = 0;
  /** Connections in TIME-WAIT, oldest first (a Set keeps insertion order). */
  readonly #timeWait = new Set<TcpConnection>();
  readonly cookies: SynCookies;
  readonly budget: MemoryBudget;

  constructor(o: TcpProtocolOptions) {
    this.#ip = o.ip;
    this.#address = o.address;
    this.#clock = o.clock;
    this.#config = o.config;
    this.#mss = o.mss;
    this.#mss6 = o.mss6;
    this.#addresses = o.addresses;
    this.#counters = o.counters;
    this.#transmit = o.transmit;
    const events = (this.#events = o.events ?? NO_LISTENER);
    this.#isn = new IsnGenerator(o.isnKey);
    this.cookies = new SynCookies(o.isnKey);
    this.budget = o.budget;
    // `| 0`: from a 32-bit hash past 2^31 (a double) the sum is an integral double, and ports made from it
    // would be no small integers for V8, deoptimizing every comparison and copy of a port written for them.
    this.#nextPort = (EPHEMERAL_LOW + (this.#isn.next(this.#ip, 0, 0, 0, 0) % EPHEMERAL_COUNT)) | 0;
    const counters = o.counters;
    const protocol = this;
    this.#host = {
      clock: o.clock,
      timers: new TimerQueue(o.clock),
      get tracing() {
        return events.listening;
      },
      budget: o.budget,
      transmit: o.transmit,
      pathMtu: o.pathMtu,
      smallQueues: o.smallQueues,
      emit: (event) => events.emit(event),
      released: (conn) => this.#released(conn),
      allowChallengeAck: () => this.#allowChallengeAck(),
      enteredTimeWait: (conn) => this.#enteredTimeWait(conn),
      deferNotices: (conn) => this.#deferNotices(conn),
      get inBurst() {
        return protocol.#inBurst;
      },
      drop(reason: EngineDrop) {
        counters.drops[reason]++;
      },
      countRetransmit() {
        counters.retransmits++;
      },
      countReset() {
        counters.resetsSent++;
      },
    };
  }

  /** A burst of the link began (see Link.onBurstEnd): user notifications wait for the end of each flow's run in it. */
  burstStarted(): void {
    this.#inBurst = true;
  }

  /** The burst ended: every connection that earned a notification during it gets it now, once. */
  burstEnded(): void {
    this.#inBurst = false;
    this.#runRemote = Number.NEGATIVE_INFINITY;
    this.#notifyQueued();
  }

  #notifyQueued(): void {
    const queue = this.#noticeQueue;
    // One at a time from the front: a user callback that throws leaves the rest for the next run's end.
    while (queue.length > 0) {
      const conn = queue.shift()!;
      conn.notices.queued = false;
      conn.runEnded();
    }
  }

  #deferNotices(conn: TcpConnection): boolean {
    if (!this.#inBurst) return false;
    if (!conn.notices.queued) {
      conn.notices.queued = true;
      this.#noticeQueue.push(conn);
    }
    return true;
  }

  /** RFC 9293 §3.10.1 OPEN, active: returns at once in SYN-SENT. */
  connect(remoteAddress: string, remotePort: number, opts?: ConnectOptions): Connection {
    const remoteIp = this.#addresses.parse(remoteAddress);
    const localIp = this.#addresses.sourceFor(remoteIp);
    if (localIp < 0) throw new TypeError(`no address of this stack can reach ${remoteAddress}`);
    if (!Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) {
      throw new RangeError(`remote port must be 1..65535, got ${remotePort}`);
    }
    const config = connectionConfig(this.#config, opts);
    // The stack's own config was validated when the stack was made; only options given here are new.
    if (config !== this.#config) validateConfig(config);
    let localPort = opts?.localPort;
    if (localPort !== undefined) {
      if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65535) {
        throw new RangeError(`local port must be 1..65535, got ${localPort}`);
      }
      if (this.#lookup(localPort, remotePort, remoteIp) !== undefined) {
        const local = this.#addresses.text(localIp);
        throw new AddressInUseError(`${local}:${localPort} -> ${remoteAddress}:${remotePort} is in use`);
      }
    } else {
      localPort = this.#ephemeralPort(remotePort, remoteIp, remoteAddress);
    }
    if (!this.budget.admit()) {
      this.#counters.drops["memory-limit"]++;
      throw new MemoryLimitError(
        `memory budget of ${this.budget.limit} bytes is full: no connection to ${remoteAddress}:${remotePort}`,
      );
    }
    const conn = this.#create(localIp, localPort, remoteIp, remotePort, this.#addresses.text(remoteIp), config);
    this.#counters.connectionsOpened++;
    conn.openActive();
    return conn;
  }

  /** RFC 9293 §3.10.1 OPEN, passive. */
  listen(port: number, opts?: ListenOptions): Listener {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be 1..65535, got ${port}`);
    if (this.#listeners.has(port)) throw new AddressInUseError(`${this.#address}:${port} is already listening`);
    const backlog = opts?.backlog ?? this.#config.backlog;
    const synBacklog = opts?.synBacklog ?? this.#config.synBacklog;
    if (!Number.isInteger(backlog) || backlog < 1) throw new RangeError(`backlog must be a positive integer`);
    if (!Number.isInteger(synBacklog) || synBacklog < 1) throw new RangeError(`synBacklog must be a positive integer`);
    const listener = new ListeningPort(
      this.#address,
      port,
      { backlog, synBacklog },
      (l) => {
        if (this.#listeners.get(l.localPort) === l) this.#listeners.delete(l.localPort);
      },
      (conn) => {
        this.#counters.acceptQueueOverflows++;
        if (conn.observed) conn.publish({ type: "abort", reason: "accept-queue-full" });
        conn.abort();
      },
    );
    this.#listeners.set(port, listener);
    return listener;
  }

  /** Connections with a TCB (any state but CLOSED). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Stop listening and abort every connection (RST where synchronized). */
  close(): void {
    for (const l of [...this.#listeners.values()]) l.close();
    for (const c of this.#connections.all()) c.abort();
  }

  /**
   * One TCP segment for our address, parsed and checked by the wire core; `packet` holds its bytes.
   * Neither is kept past this call.
   */
  arrives(r: ParsedRecord, packet: Uint8Array): void {
    const ports = (r.dstPort << 16) | r.srcPort;
    if (ports === this.#runPorts && r.src === this.#runRemote) return this.#dispatch(r, packet);
    this.#runPorts = ports;
    this.#runRemote = r.src;
    if (this.#noticeQueue.length === 0) return this.#dispatch(r, packet);
    // A new run of the burst: the runs before it are complete, so their connections hear now, as at the
    // burst's end. A reader then drains its ring before the next flow's segments arrive, and the ring
    // goes back to the pool for that flow to take (one ring, hot in the cache, for a burst of many flows,
    // as GRO flushes a flow when another's packets come). A callback that throws still lets this segment in.
    try {
      this.#notifyQueued();
    } finally {
      this.#dispatch(r, packet);
    }
  }

  #dispatch(r: ParsedRecord, packet: Uint8Array): void {
    this.#counters.segmentsIn++;
    // Most segments of a bulk flow's reverse direction are bare ACKs: they share one empty payload.
    const payload = r.payloadLength === 0 ? NO_PAYLOAD : subview(packet, r.payloadOffset, r.payloadLength);

    const conn = this.#lookup(r.dstPort, r.srcPort, r.src);
    if (conn !== undefined && !timeWaitReopened(conn, r, this.#listeners)) {
      conn.segmentArrives(r, payload);
      return;
    }
    const listener = this.#listeners.get(r.dstPort);
    if (listener !== undefined) {
      listenArrives(this, listener, r, r, payload);
    } else {
      this.#counters.drops["closed-port"]++;
      closedArrives(r, payload.length, (seq, ack, flags) => this.reset(r, seq, ack, flags));
    }
  }

  /**
   * RFC 1191 with RFC 5927's check: an ICMP frag-needed quoting our segment from `localPort` to
   * `remoteIp:remotePort` with sequence number `seq` says the path takes `mtu` bytes (path-mtu.ts).
   */
  pathMtuReduced(
    quote: { localPort: number; remoteIp: number; remotePort: number; seq: number },
    mtu: number,
  ): PathMtuOutcome | "no-connection" {
    const conn = this.#lookup(quote.localPort, quote.remotePort, quote.remoteIp);
    return conn === undefined ? "no-connection" : pathMtuReduced(conn, quote.seq, mtu);
  }

  /** The IP layer's path MTU towards `remoteIp` changed (learned, or expired): every connection there. */
  pathMtuChanged(remoteIp: number, mtu: number): void {
    for (const conn of this.#connections.all()) if (conn.remoteIp === remoteIp) pathMtuChanged(conn, mtu);
  }

  /**
   * RFC 5927 and RFC 1122 §4.2.3.9: an ICMP error quoting one of our segments, from our port `localPort`
   * to `remoteIp:remotePort` with sequence number `seq`. The one entry point for ICMP into TCP
   * (icmp-error.ts decides); the caller counts the outcome.
   */
  icmpError(quote: QuotedSegment, kind: IcmpErrorKind, hard: boolean): IcmpOutcome {
    const conn = this.#lookup(quote.localPort, quote.remotePort, quote.remoteIp);
    return conn === undefined ? "no-connection" : icmpErrorArrives(conn, quote.seq, kind, hard);
  }

  // ListenContext (listen.ts) and CookieContext (cookie-handshake.ts)

  get config(): TcpConfig {
    return this.#config;
  }

  /**
   * A new IPv4 address (DHCP): listeners and connections made from now on name it; existing ones keep
   * theirs. Their source comes from the address book, which the IP layer updates.
   */
  setAddress(address: string): void {
    this.#address = address;
  }

  mssFor(remote: number): number {
    return isIpv6Key(remote) ? this.#mss6 : this.#mss;
  }

  now(): number {
    return this.#clock.now();
  }

  transmit(fields: PacketFields): void {
    this.#transmit(fields);
  }

  /** An RST for a segment with no connection, within the stack-wide `resetLimit` a second. */
  reset(to: SegmentEnds, seq: number, ack: number, flags: number): void {
    const second = Math.floor(this.#clock.now() / 1000);
    if (second !== this.#resetSecond) {
      this.#resetSecond = second;
      this.#resetCount = 0;
    }
    if (this.#resetCount >= this.#config.resetLimit) {
      this.#counters.drops["reset-rate-limit"]++;
      return;
    }
    this.#resetCount++;
    this.#counters.resetsSent++;
    this.#transmit({
      src: to.dst,
      dst: to.src,
      srcPort: to.dstPort,
      dstPort: to.srcPort,
      seq,
      ack,
      flags,
      window: 0,
    });
  }

  create(port: ListeningPort, from: SegmentEnds, iss?: number): TcpConnection | null {
    if (!this.budget.admit()) {
      this.#counters.drops["memory-limit"]++;
      return null;
    }
    const conn = this.#create(
      from.dst,
      port.localPort,
      from.src,
      from.srcPort,
      this.#addresses.text(from.src),
      this.#config,
      iss,
    );
    this.#listenerOf.set(conn, port);
    return conn;
  }

  drop(reason: ListenDrop): void {
    this.#counters.drops[reason]++;
  }

  accepted(): void {
    this.#counters.connectionsAccepted++;
  }

  pruned(): void {
    this.#counters.synQueuePruned++;
  }

  cookieSent(): void {
    this.#counters.synCookiesSent++;
  }

  cookieAccepted(): void {
    this.#counters.synCookiesAccepted++;
  }

  /** Whether anyone listens to this layer's events. */
  get tracing(): boolean {
    return this.#events.listening;
  }

  stackEvent(init: StackEventInit): void {
    this.#events.emit(completeEvent(init, this.#clock.now(), null));
  }

  addressText(key: number): string {
    return this.#addresses.text(key);
  }

  #create(
    localIp: number,
    localPort: number,
    remoteIp: number,
    remotePort: number,
    remoteAddress: string,
    config: TcpConfig,
    iss = this.#initialSequence(localIp, localPort, remoteIp, remotePort),
  ): TcpConnection {
    const v6 = isIpv6Key(remoteIp);
    // A multihomed stack's connections have different local addresses: each names its own.
    const localAddress = this.#addresses.text(localIp);
    const conn = new TcpConnection(
      this.#host,
      { localIp, localPort, remoteIp, remotePort, localAddress, remoteAddress },
      config,
      iss,
      v6 ? this.#mss6 : this.#mss,
    );
    this.#addresses.retain(remoteIp);
    this.#connections.add(conn);
    this.#lastFound = conn;
    return conn;
  }

  #lookup(localPort: number, remotePort: number, remoteIp: number): TcpConnection | undefined {
    // A bulk flow's segments come in runs for one connection: the last one found saves two Map lookups.
    const last = this.#lastFound;
    if (last !== null && last.localPort === localPort && last.remotePort === remotePort && last.remoteIp === remoteIp) {
      return last;
    }
    const conn = this.#connections.get(localPort, remotePort, remoteIp);
    if (conn !== undefined) this.#lastFound = conn;
    return conn;
  }

  /** RFC 6528 over the 4-tuple: an IPv6 connection's ISN hashes both addresses' 16 bytes. */
  #initialSequence(localIp: number, localPort: number, remoteIp: number, remotePort: number): number {
    const now = this.#clock.now();
    if (!isIpv6Key(remoteIp)) return this.#isn.next(localIp, localPort, remoteIp, remotePort, now);
    const local = this.#addresses.bytes(localIp);
    const remote = this.#addresses.bytes(remoteIp);
    if (local === undefined || remote === undefined)
      return this.#isn.next(localIp, localPort, remoteIp, remotePort, now);
    return this.#isn.next6(local, localPort, remote, remotePort, now);
  }

  #released(conn: TcpConnection): void {
    if (this.#lastFound === conn) this.#lastFound = null;
    this.#addresses.release(conn.remoteIp);
    this.#timeWait.delete(conn);
    this.budget.leave();
    this.#connections.remove(conn);
    const listener = this.#listenerOf.get(conn);
    if (listener !== undefined) {
      this.#listenerOf.delete(conn);
      listener.forget(conn);
    }
  }

  /** RFC 6056-style: walk the ephemeral range from a keyed random start, skipping tuples in use. */
  #ephemeralPort(remotePort: number, remoteIp: number, remoteAddress: string): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = this.#nextPort;
      this.#nextPort = port === 65535 ? EPHEMERAL_LOW : port + 1;
      if (!this.#listeners.has(port) && this.#lookup(port, remotePort, remoteIp) === undefined) return port;
    }
    throw new AddressInUseError(`no ephemeral port free towards ${remoteAddress}:${remotePort}`);
  }

  /** Past `timeWaitLimit` connections in TIME-WAIT, the oldest is closed to make room. */
  #enteredTimeWait(conn: TcpConnection): void {
    this.#timeWait.add(conn);
    if (this.#timeWait.size <= this.#config.timeWaitLimit) return;
    for (const oldest of this.#timeWait) {
      this.#counters.timeWaitRecycled++;
      if (oldest.observed) oldest.publish({ type: "abort", reason: "time-wait-cap" });
      oldest.setState("CLOSED");
      return;
    }
  }

  /** RFC 5961 §7: at most `challengeAckLimit` challenge ACKs a second, across the stack. */
  #allowChallengeAck(): boolean {
    const second = Math.floor(this.#clock.now() / 1000);
    if (second !== this.#challengeSecond) {
      this.#challengeSecond = second;
      this.#challengeCount = 0;
    }
    if (this.#challengeCount >= this.#config.challengeAckLimit) return false;
    this.#challengeCount++;
    this.#counters.challengeAcks++;
    return true;
  }
}
