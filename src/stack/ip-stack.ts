import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import type { Link } from "../link/link.js";
import { connectionConfig, defaultTcpConfig, validateConfig, type TcpConfig } from "../tcp/config.js";
import { TcpConnection, type ConnectionHost, type EngineDrop, type SegmentHeader } from "../tcp/connection.js";
import { AddressInUseError } from "../tcp/errors.js";
import { IsnGenerator } from "../tcp/isn.js";
import { Slab } from "../tcp/slab.js";
import type { ConnectOptions, Connection, Listener } from "../tcp/types.js";
import { buildPacketInArena, buildPacketInto, maxPacketLength } from "../wire/build.js";
import { releasePacket } from "../wire/packet-arena.js";
import { ipv4ToString, parseIpv4 } from "../wire/ipv4-address.js";
import { parseInto, parsePacket } from "../wire/parse.js";
import { ParsedRecord } from "../wire/record.js";
import { seqAdd, seqGt } from "../wire/seq.js";
import { TcpFlags, type PacketFields, type TcpOptions } from "../wire/types.js";
import { newCounters, type StackCounters } from "./counters.js";
import { StackClosedError } from "./errors.js";
import { IncomingOptions } from "./incoming-options.js";
import { TcpListener } from "./listener.js";

const { FIN, SYN, RST, ACK } = TcpFlags;
const NO_OPTIONS: TcpOptions = Object.freeze({});
const NO_PAYLOAD = new Uint8Array(0);
const EPHEMERAL_LOW = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_LOW;

export interface IpStackOptions {
  /** This stack's IPv4 address, dotted quad. */
  address: string;
  link: Link;
  clock?: Clock;
  tcp?: Partial<TcpConfig>;
  /** 16-byte RFC 6528 secret; only tests should pass one (it makes ISNs and ports predictable). */
  isnKey?: Uint8Array;
  onTrace?: (text: string) => void;
}

/**
 * The IPv4 layer and connection table: packets in from the link are parsed and checked by the wire core,
 * demultiplexed by 4-tuple to a connection, else to a listener (RFC 9293 §3.10.7.2 LISTEN), else answered
 * as for a CLOSED port (§3.10.7.1). Bad input is counted and dropped, never thrown.
 */
export class IpStack {
  readonly address: string;
  readonly ip: number;
  readonly clock: Clock;
  readonly config: TcpConfig;
  readonly link: Link;
  readonly counters: StackCounters = newCounters();
  /** Our MSS: the configured one, bounded by the link MTU less 40 bytes of headers. */
  readonly mss: number;

  /** Connections by (localPort << 16 | remotePort), then remote address. */
  readonly #connections = new Map<number, Map<number, TcpConnection>>();
  readonly #listeners = new Map<number, TcpListener>();
  readonly #listenerOf = new Map<TcpConnection, TcpListener>();
  /** The connection `#lookup` found last (dropped when it is released). */
  #lastFound: TcpConnection | null = null;
  readonly #isn: IsnGenerator;
  readonly #record = new ParsedRecord();
  readonly #options = new IncomingOptions();
  readonly #header: SegmentHeader = { seq: 0, ack: 0, flags: 0, window: 0, options: NO_OPTIONS };
  readonly #trace: ((text: string) => void) | undefined;
  readonly #host: ConnectionHost;
  #nextPort: number;
  #ipId = 0;
  /** Outgoing packets are carved from slabs: the link owns each carve, no ArrayBuffer per packet. */
  readonly #packets = new Slab();
  #challengeSecond = -1;
  #challengeCount = 0;
  #closed = false;

  constructor(options: IpStackOptions) {
    this.address = options.address;
    this.ip = parseIpv4(options.address);
    this.link = options.link;
    this.clock = options.clock ?? new RealClock();
    this.config = { ...defaultTcpConfig, ...options.tcp };
    validateConfig(this.config);
    this.mss = Math.max(1, Math.min(this.config.mss, this.link.mtu - 40));
    this.#isn = new IsnGenerator(options.isnKey);
    this.#trace = options.onTrace;
    this.#nextPort = EPHEMERAL_LOW + (this.#isn.next(this.ip, 0, 0, 0, 0) % EPHEMERAL_COUNT);
    const stack = this;
    this.#host = {
      clock: this.clock,
      tracing: this.#trace !== undefined,
      transmit: (fields) => this.#transmit(fields),
      trace: (text) => this.#trace?.(text),
      released: (conn) => this.#released(conn),
      allowChallengeAck: () => this.#allowChallengeAck(),
      drop(reason: EngineDrop) {
        stack.counters.drops[reason]++;
      },
      countRetransmit() {
        stack.counters.retransmits++;
      },
      countReset() {
        stack.counters.resetsSent++;
      },
    };
    this.link.onReceive = (packet) => this.input(packet);
  }

  /** RFC 9293 §3.10.1 OPEN, active: returns at once in SYN-SENT. */
  connect(remoteAddress: string, remotePort: number, opts?: ConnectOptions): Connection {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    const remoteIp = parseIpv4(remoteAddress);
    if (!Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) {
      throw new RangeError(`remote port must be 1..65535, got ${remotePort}`);
    }
    const config = connectionConfig(this.config, opts);
    validateConfig(config);
    let localPort = opts?.localPort;
    if (localPort !== undefined) {
      if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65535) {
        throw new RangeError(`local port must be 1..65535, got ${localPort}`);
      }
      if (this.#lookup(localPort, remotePort, remoteIp) !== undefined) {
        throw new AddressInUseError(`${this.address}:${localPort} -> ${remoteAddress}:${remotePort} is in use`);
      }
    } else {
      localPort = this.#ephemeralPort(remotePort, remoteIp, remoteAddress);
    }
    const conn = this.#create(localPort, remoteIp, remotePort, remoteAddress, config);
    this.counters.connectionsOpened++;
    conn.openActive();
    return conn;
  }

  /** RFC 9293 §3.10.1 OPEN, passive. */
  listen(port: number, opts?: { backlog?: number }): Listener {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be 1..65535, got ${port}`);
    if (this.#listeners.has(port)) throw new AddressInUseError(`${this.address}:${port} is already listening`);
    const backlog = opts?.backlog ?? this.config.backlog;
    if (!Number.isInteger(backlog) || backlog < 1) throw new RangeError(`backlog must be a positive integer`);
    const listener = new TcpListener(this.address, port, backlog, (l) => {
      if (this.#listeners.get(l.localPort) === l) this.#listeners.delete(l.localPort);
    });
    this.#listeners.set(port, listener);
    return listener;
  }

  /** Connections with a TCB (any state but CLOSED). */
  get connectionCount(): number {
    let n = 0;
    for (const m of this.#connections.values()) n += m.size;
    return n;
  }

  /** Abort every connection (RST where synchronized), stop listening, and detach from the link. */
  close(): void {
    if (this.#closed) return;
    for (const l of [...this.#listeners.values()]) l.close();
    for (const m of [...this.#connections.values()]) for (const c of [...m.values()]) c.abort();
    this.#closed = true;
    this.link.onReceive = null;
  }

  /**
   * One IPv4 packet from the link. Never throws on its content. The packet is ours (link.ts), and nothing
   * keeps it past this call, so a packet built in the arena gives its slot back here.
   */
  input(packet: Uint8Array): void {
    this.#input(packet);
    releasePacket(packet);
  }

  #input(packet: Uint8Array): void {
    const counters = this.counters;
    counters.packetsIn++;
    if (this.#closed) {
      counters.drops["stack-closed"]++;
      return;
    }
    const r = this.#record;
    const reason = parseInto(packet, r);
    if (reason !== null) {
      if (reason === "bad-tcp-checksum" || reason === "bad-ip-checksum") counters.checksumErrors++;
      counters.drops[reason]++;
      return;
    }
    if (r.dst !== this.ip) {
      counters.drops["wrong-address"]++;
      return;
    }
    counters.segmentsIn++;
    const h = this.#header;
    h.seq = r.seq;
    h.ack = r.ack;
    h.flags = r.flags;
    h.window = r.window;
    // SYNs carry the offers (parsed in full); later segments only timestamps and SACK blocks.
    h.options = r.options === 0 ? NO_OPTIONS : r.flags & SYN ? synOptionsOf(packet) : this.#options.read(r);
    // Most segments of a bulk flow's reverse direction are bare ACKs: they share one empty payload.
    const payload =
      r.payloadLength === 0
        ? NO_PAYLOAD
        : new Uint8Array(packet.buffer, packet.byteOffset + r.payloadOffset, r.payloadLength);

    const conn = this.#lookup(r.dstPort, r.srcPort, r.src);
    if (conn !== undefined) {
      if (!this.#reopensTimeWait(conn, h)) {
        conn.segmentArrives(h, payload);
        return;
      }
      // RFC 9293 §3.10.7.4 / RFC 1122 §4.2.2.13: a new SYN above the old sequence space ends TIME-WAIT.
      this.#trace?.(`${conn.id} TIME-WAIT ended by a new SYN`);
      conn.setState("CLOSED");
    }
    const listener = this.#listeners.get(r.dstPort);
    if (listener !== undefined) this.#listen(listener, r.src, r.srcPort, h);
    else this.#closedPort(r.src, r.srcPort, r.dstPort, h, payload.length);
  }

  #reopensTimeWait(conn: TcpConnection, h: SegmentHeader): boolean {
    return (
      conn.state === "TIME-WAIT" &&
      (h.flags & (SYN | ACK | RST)) === SYN &&
      seqGt(h.seq, conn.tcb.rcvNxt) &&
      this.#listeners.has(conn.localPort)
    );
  }

  /** §3.10.7.2 LISTEN STATE. */
  #listen(listener: TcpListener, remoteIp: number, remotePort: number, h: SegmentHeader): void {
    // "First, check for a RST: an incoming RST should be ignored."
    if (h.flags & RST) {
      this.counters.drops["listen-unexpected"]++;
      return;
    }
    // "Second, check for an ACK: ... form a reset <SEQ=SEG.ACK><CTL=RST>."
    if (h.flags & ACK) {
      this.#reset(remoteIp, remotePort, listener.localPort, h.ack, 0, RST);
      return;
    }
    // "Third, check for a SYN." Past the backlog it is dropped (the peer retries).
    if (!(h.flags & SYN)) {
      this.counters.drops["listen-unexpected"]++;
      return;
    }
    if (listener.full) {
      this.counters.drops["backlog-full"]++;
      this.#trace?.(`${this.address}:${listener.localPort} backlog full, SYN dropped`);
      return;
    }
    const conn = this.#create(listener.localPort, remoteIp, remotePort, ipv4ToString(remoteIp), this.config);
    this.#listenerOf.set(conn, listener);
    listener.adopt(conn);
    this.counters.connectionsAccepted++;
    // Text on the SYN is not acknowledged (the peer sends it again once synchronized).
    conn.openPassive(h);
  }

  /** §3.10.7.1 CLOSED STATE: no connection; answer with RST unless the segment is one. */
  #closedPort(remoteIp: number, remotePort: number, localPort: number, h: SegmentHeader, dataLen: number): void {
    this.counters.drops["closed-port"]++;
    if (h.flags & RST) return;
    if (h.flags & ACK) {
      // <SEQ=SEG.ACK><CTL=RST>
      this.#reset(remoteIp, remotePort, localPort, h.ack, 0, RST);
    } else {
      // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
      const len = dataLen + (h.flags & SYN ? 1 : 0) + (h.flags & FIN ? 1 : 0);
      this.#reset(remoteIp, remotePort, localPort, 0, seqAdd(h.seq, len), RST | ACK);
    }
  }

  #reset(remoteIp: number, remotePort: number, localPort: number, seq: number, ack: number, flags: number): void {
    this.counters.resetsSent++;
    this.#transmit({
      src: this.ip,
      dst: remoteIp,
      srcPort: localPort,
      dstPort: remotePort,
      seq,
      ack,
      flags,
      window: 0,
    });
  }

  #create(
    localPort: number,
    remoteIp: number,
    remotePort: number,
    remoteAddress: string,
    config: TcpConfig,
  ): TcpConnection {
    const iss = this.#isn.next(this.ip, localPort, remoteIp, remotePort, this.clock.now());
    const conn = new TcpConnection(
      this.#host,
      { localIp: this.ip, localPort, remoteIp, remotePort, localAddress: this.address, remoteAddress },
      config,
      iss,
      this.mss,
    );
    const key = ((localPort << 16) | remotePort) >>> 0;
    let m = this.#connections.get(key);
    if (m === undefined) {
      m = new Map();
      this.#connections.set(key, m);
    }
    m.set(remoteIp, conn);
    this.#lastFound = conn;
    return conn;
  }

  #lookup(localPort: number, remotePort: number, remoteIp: number): TcpConnection | undefined {
    // A bulk flow's segments come in runs for one connection: the last one found saves two Map lookups.
    const last = this.#lastFound;
    if (last !== null && last.localPort === localPort && last.remotePort === remotePort && last.remoteIp === remoteIp) {
      return last;
    }
    const conn = this.#connections.get(((localPort << 16) | remotePort) >>> 0)?.get(remoteIp);
    if (conn !== undefined) this.#lastFound = conn;
    return conn;
  }

  #released(conn: TcpConnection): void {
    if (this.#lastFound === conn) this.#lastFound = null;
    const key = ((conn.localPort << 16) | conn.remotePort) >>> 0;
    const m = this.#connections.get(key);
    if (m !== undefined && m.get(conn.remoteIp) === conn) {
      m.delete(conn.remoteIp);
      if (m.size === 0) this.#connections.delete(key);
    }
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

  #allowChallengeAck(): boolean {
    const second = Math.floor(this.clock.now() / 1000);
    if (second !== this.#challengeSecond) {
      this.#challengeSecond = second;
      this.#challengeCount = 0;
    }
    if (this.#challengeCount >= this.config.challengeAckLimit) return false;
    this.#challengeCount++;
    this.counters.challengeAcks++;
    return true;
  }

  #transmit(fields: PacketFields): void {
    if (this.#closed) return;
    fields.id = this.#ipId;
    this.#ipId = (this.#ipId + 1) & 0xffff;
    this.counters.segmentsOut++;
    const inArena = buildPacketInArena(fields);
    if (inArena !== null) {
      this.link.send(inArena);
      return;
    }
    const slab = this.#packets.reserve(maxPacketLength(fields.payload?.length ?? 0));
    const length = buildPacketInto(fields, slab, this.#packets.offset);
    this.link.send(this.#packets.commit(length));
  }
}

/** The options of a SYN (parsed a second time, allocating: SYNs are rare and the hot path stays flat). */
function synOptionsOf(packet: Uint8Array): TcpOptions {
  const parsed = parsePacket(packet);
  return parsed.ok ? parsed.tcp.options : NO_OPTIONS;
}
