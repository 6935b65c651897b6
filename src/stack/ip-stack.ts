import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import type { Link } from "../link/link.js";
import { readFragment } from "../fragments/fragment-header.js";
import { fragmentPacket } from "../fragments/fragmenter.js";
import { Reassembler, type ReassemblyLimits } from "../fragments/reassembler.js";
import { defaultTcpConfig, validateConfig, type TcpConfig } from "../tcp/config.js";
import { TcpProtocol } from "../tcp/tcp-protocol.js";
import { ByteSlab } from "../tcp/byte-slab.js";
import type { ConnectOptions, Connection, Listener } from "../tcp/types.js";
import { buildPacketInArena, buildPacketInto, maxPacketLength } from "../wire/build.js";
import { releasePacket } from "../wire/packet-arena.js";
import { ipv4ToString, parseIpv4 } from "../wire/ipv4-address.js";
import { parseInto } from "../wire/parse.js";
import { ParsedRecord } from "../wire/record.js";
import type { PacketFields } from "../wire/types.js";
import { newCounters, type StackCounters } from "./counters.js";
import { StackClosedError } from "./errors.js";
import { PathMtuCache, reportedPathMtu } from "./path-mtu-cache.js";
import type { TransportProtocol } from "./transport-protocol.js";

export interface IpStackOptions {
  /** This stack's IPv4 address, dotted quad. */
  address: string;
  link: Link;
  clock?: Clock;
  tcp?: Partial<TcpConfig>;
  /** 16-byte RFC 6528 secret; only tests should pass one (it makes ISNs and ports predictable). */
  isnKey?: Uint8Array;
  onTrace?: (text: string) => void;
  /** Bounds on IPv4 reassembly (fragments/reassembler.ts has the defaults). */
  reassembly?: Partial<ReassemblyLimits>;
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
  readonly counters: StackCounters = newCounters();
  /** Our MSS: the configured one, bounded by the link MTU less 40 bytes of headers. */
  readonly mss: number;

  readonly #tcp: TcpProtocol;
  /** The transports by IPv4 protocol number. */
  readonly #transports: (TransportProtocol | undefined)[] = [];
  readonly #record = new ParsedRecord();
  readonly #reassembler: Reassembler;
  /** RFC 1191: path MTUs learned per destination. */
  readonly #pathMtus: PathMtuCache;
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
    this.#tcp = new TcpProtocol({
      ip: this.ip,
      address: this.address,
      clock: this.clock,
      config: this.config,
      mss: this.mss,
      isnKey: options.isnKey,
      counters: this.counters,
      transmit: (fields) => this.#transmit(fields),
      pathMtu: (remoteIp) => this.#pathMtus.mtu(remoteIp),
      trace: options.onTrace,
    });
    const trace = options.onTrace;
    this.#pathMtus = new PathMtuCache(this.clock, this.link.mtu, (dst, mtu) => {
      trace?.(`path MTU to ${ipv4ToString(dst)} is ${mtu}`);
      this.#tcp.pathMtuChanged(dst, mtu);
    });
    this.#transports[this.#tcp.protocol] = this.#tcp;
    this.#reassembler = new Reassembler(this.clock, this.counters, () => {}, options.reassembly);
    this.link.onReceive = (packet) => this.input(packet);
  }

  /** RFC 9293 §3.10.1 OPEN, active: returns at once in SYN-SENT. */
  connect(remoteAddress: string, remotePort: number, opts?: ConnectOptions): Connection {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    return this.#tcp.connect(remoteAddress, remotePort, opts);
  }

  /** RFC 9293 §3.10.1 OPEN, passive. */
  listen(port: number, opts?: { backlog?: number }): Listener {
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
    this.#reassembler.close();
    this.#pathMtus.close();
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
    if (reason === "fragment") {
      this.#fragmentArrives(packet);
      return;
    }
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

  /** The path MTU towards `address` (dotted quad): learned from ICMP (RFC 1191), else the link's. */
  pathMtu(address: string): number {
    return this.#pathMtus.mtu(parseIpv4(address));
  }

  /**
   * The entry for ICMP "fragmentation needed and DF set" (type 3 code 4, RFC 1191 §4): `quote` is what it
   * quotes of our datagram (for TCP, `word1` is the sequence number), `nextHopMtu` the low 16 bits of the
   * header's rest. TCP checks the sequence number first (RFC 5927 §7.2: a blind attacker must guess the
   * window to shrink our segments); the destination's path MTU is lowered only if it passes. UDP has no
   * such check (as on Linux). The caller counts the outcome.
   */
  fragmentationNeeded(
    quote: { dst: number; protocol: number; srcPort: number; dstPort: number; word1: number; totalLength: number },
    nextHopMtu: number,
  ): "lowered" | "not-lower" | "out-of-window" | "no-connection" {
    const mtu = reportedPathMtu(nextHopMtu, quote.totalLength);
    if (quote.protocol === this.#tcp.protocol) {
      const outcome = this.#tcp.pathMtuReduced(
        { localPort: quote.srcPort, remoteIp: quote.dst, remotePort: quote.dstPort, seq: quote.word1 },
        mtu,
      );
      if (outcome === "out-of-window" || outcome === "no-connection") return outcome;
    }
    return this.#pathMtus.lower(quote.dst, mtu) ? "lowered" : "not-lower";
  }

  /** RFC 791 §3.2: a fragment for us is held until its datagram is whole, which then comes in as one packet. */
  #fragmentArrives(packet: Uint8Array): void {
    const f = readFragment(packet);
    if (f === null) {
      this.counters.drops.fragment++;
      return;
    }
    if (f.dst !== this.ip) {
      this.counters.drops["wrong-address"]++;
      return;
    }
    const whole = this.#reassembler.add(f);
    if (whole !== null) this.#input(whole);
  }

  /**
   * Sends a whole IPv4 packet built by a transport, in fragments when it exceeds the link MTU and DF is
   * clear (RFC 791; UDP's path); one with DF set that does not fit is dropped and counted.
   */
  sendPacket(packet: Uint8Array): void {
    if (this.#closed) return;
    const mtu = this.link.mtu;
    if (packet.length <= mtu) {
      this.link.send(packet);
      return;
    }
    if ((packet[6] & 0x40) !== 0) {
      this.counters.drops["fragmentation-needed"]++;
      return;
    }
    const fragments = fragmentPacket(packet, mtu);
    this.counters.datagramsFragmented++;
    this.counters.fragmentsOut += fragments.length;
    for (const f of fragments) this.link.send(f);
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
