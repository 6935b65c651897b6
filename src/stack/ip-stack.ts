import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import type { Link } from "../link/link.js";
import { defaultTcpConfig, validateConfig, type TcpConfig } from "../tcp/config.js";
import { TcpProtocol } from "../tcp/tcp-protocol.js";
import { MemoryBudget, defaultMemoryLimit } from "../tcp/memory-budget.js";
import { ByteSlab } from "../tcp/byte-slab.js";
import type { ConnectOptions, Connection, Listener, ListenOptions } from "../tcp/types.js";
import { buildPacketInArena, buildPacketInto, maxPacketLength } from "../wire/build.js";
import { releasePacket } from "../wire/packet-arena.js";
import { parseIpv4 } from "../wire/ipv4-address.js";
import { parseInto } from "../wire/parse.js";
import { ParsedRecord } from "../wire/record.js";
import type { PacketFields } from "../wire/types.js";
import { newCounters, type StackCounters } from "./counters.js";
import { StackClosedError } from "./errors.js";
import type { TransportProtocol } from "./transport-protocol.js";

export interface IpStackOptions {
  /** This stack's IPv4 address, dotted quad. */
  address: string;
  link: Link;
  clock?: Clock;
  tcp?: Partial<TcpConfig>;
  /** 16-byte RFC 6528 secret; only tests should pass one (it makes ISNs and ports predictable). */
  isnKey?: Uint8Array;
  /**
   * Bytes this stack's connections and their buffers may hold, all together (tcp/memory-budget.ts).
   * Default: 64 MiB in a browser, 256 MiB in Node.
   */
  memoryLimit?: number;
  onTrace?: (text: string) => void;
}

/**
 * The IPv4 layer: packets in from the link are parsed and checked by the wire core, then dispatched by
 * protocol number to a transport (TCP, tcp/tcp-protocol.ts, which finds the connection or listener);
 * packets out get their IPv4 identification and are built into slabs for the link. Bad input is counted
 * and dropped, never thrown.
 */
export class IpStack {
  readonly address: string;
  readonly ip: number;
  readonly clock: Clock;
  readonly config: TcpConfig;
  readonly link: Link;
  readonly counters: StackCounters;
  /** Our MSS: the configured one, bounded by the link MTU less 40 bytes of headers. */
  readonly mss: number;

  readonly #tcp: TcpProtocol;
  /** The transports by IPv4 protocol number. */
  readonly #transports: (TransportProtocol | undefined)[] = [];
  readonly #record = new ParsedRecord();
  #ipId = 0;
  /** Outgoing packets are carved from slabs: the link owns each carve, no ArrayBuffer per packet. */
  readonly #packets = new ByteSlab();
  #closed = false;

  constructor(options: IpStackOptions) {
    this.address = options.address;
    this.ip = parseIpv4(options.address);
    this.link = options.link;
    this.clock = options.clock ?? new RealClock();
    this.config = { ...defaultTcpConfig, ...options.tcp };
    validateConfig(this.config);
    this.mss = Math.max(1, Math.min(this.config.mss, this.link.mtu - 40));
    const budget = new MemoryBudget(options.memoryLimit ?? defaultMemoryLimit(), options.onTrace);
    this.counters = newCounters(budget);
    this.#tcp = new TcpProtocol({
      budget,
      ip: this.ip,
      address: this.address,
      clock: this.clock,
      config: this.config,
      mss: this.mss,
      isnKey: options.isnKey,
      counters: this.counters,
      transmit: (fields) => this.#transmit(fields),
      trace: options.onTrace,
    });
    this.#transports[this.#tcp.protocol] = this.#tcp;
    this.link.onReceive = (packet) => this.input(packet);
  }

  /** RFC 9293 §3.10.1 OPEN, active: returns at once in SYN-SENT. */
  connect(remoteAddress: string, remotePort: number, opts?: ConnectOptions): Connection {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    return this.#tcp.connect(remoteAddress, remotePort, opts);
  }

  /** RFC 9293 §3.10.1 OPEN, passive. */
  listen(port: number, opts?: ListenOptions): Listener {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    return this.#tcp.listen(port, opts);
  }

  /** TCP connections with a TCB (any state but CLOSED). */
  get connectionCount(): number {
    return this.#tcp.connectionCount;
  }

  /** Close every transport (TCP: RST where synchronized, stop listening), and detach from the link. */
  close(): void {
    if (this.#closed) return;
    for (const t of this.#transports) t?.close();
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
    const transport = this.#transports[r.protocol];
    // The wire core passes TCP only (others are "not-tcp" above); this holds once it passes more.
    if (transport === undefined) {
      counters.drops["not-tcp"]++;
      return;
    }
    transport.arrives(r, packet);
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
