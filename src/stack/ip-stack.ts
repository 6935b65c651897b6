import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import type { Link } from "../link/link.js";
import { fragmentOf, type Fragment } from "../fragments/fragment-header.js";
import { fragmentPacket } from "../fragments/fragmenter.js";
import { Reassembler, type ReassemblyLimits } from "../fragments/reassembler.js";
import { defaultTcpConfig, validateConfig, type TcpConfig } from "../tcp/config.js";
import { TcpProtocol } from "../tcp/tcp-protocol.js";
import { MemoryBudget, defaultMemoryLimit } from "../tcp/memory-budget.js";
import { SmallQueues } from "../tcp/small-queues.js";
import { ByteSlab } from "../tcp/byte-slab.js";
import type { ConnectOptions, Connection, Listener, ListenOptions } from "../tcp/types.js";
import { buildPacketInto, buildSegmentInArena, maxPacketLength } from "../wire/build.js";
import { releasePacket } from "../wire/packet-arena.js";
import { parseIpv4 } from "../wire/ipv4-address.js";
import { isIpv6Key } from "../wire/address-key.js";
import { parseIpv6Prefix } from "../wire/ipv6-address.js";
import { parseInto } from "../wire/parse.js";
import { ParsedRecord } from "../wire/record.js";
import type { PacketFields, ParseErrorReason } from "../wire/types.js";
import { buildIcmpPacket, buildUdpPacket } from "../wire/datagram-build.js";
import { parseDatagramInto } from "../wire/datagram-parse.js";
import { DatagramRecord } from "../wire/datagram-record.js";
import {
  IpProtocol,
  UnreachableCode,
  IcmpType,
  type IcmpPacketFields,
  type UdpPacketFields,
} from "../wire/datagram-types.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { IcmpProtocol, type IcmpDrop } from "../icmp/icmp-protocol.js";
import type { PingOptions, PingSession } from "../icmp/ping.js";
import { BROADCAST, MAX_UDP_PAYLOAD, UdpProtocol, type BindOptions } from "../udp/udp-protocol.js";
import type { UdpSocket } from "../udp/udp-socket.js";
import { newCounters, type StackCounters } from "./counters.js";
import { StackClosedError } from "./errors.js";
import { PathMtuCache, reportedPathMtu } from "./path-mtu-cache.js";
import { AddressBook } from "./address-book.js";
import { Ipv6Layer } from "./ipv6-layer.js";
import type { DatagramProtocol, TransportProtocol } from "./transport-protocol.js";
import { completeEvent, NO_LISTENER } from "../tcp/tcp-events.js";
import { eventText, isTraced } from "./event-text.js";
import type { StackEventSink } from "./stack-events.js";

const CHECKSUM_REASONS: ReadonlySet<ParseErrorReason> = new Set<ParseErrorReason>([
  "bad-ip-checksum",
  "bad-tcp-checksum",
  "bad-udp-checksum",
  "bad-icmp-checksum",
]);

/** The IPv4 key of a stack without an IPv4 address: no 32-bit address equals it. */
const NO_IPV4 = -1;

export interface IpStackOptions {
  /**
   * The stack's own IPv4 address, dotted quad ("0.0.0.0" with `ipv6`: none, an IPv6-only stack). On a link of
   * several interfaces (a multihomed host) each interface's address is taken too, and a packet leaves from
   * the address of the interface its route goes by; this one is the source where no route gives one.
   */
  address: string;
  /** Its IPv6 addresses with their prefixes ("fd00::1/64"; /128 without one): IPv6 is on with one. */
  ipv6?: readonly string[];
  /**
   * No IPv4 even without IPv6 addresses yet: neighbour discovery adds them later (`addresses.addLocal`).
   * Default: IPv6-only when `address` is "0.0.0.0" and `ipv6` has an address.
   */
  ipv6Only?: boolean;
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
  /** Each traced event as a line of text (`eventText`; per-segment events left out: see `isTraced`). */
  onTrace?: (text: string) => void;
  /** Where every typed event goes (stack-events.ts), while it is `listening`. */
  events?: StackEventSink;
  /** Echo replies and ICMP errors sent a second (each a token bucket of that burst). Default 100 each. */
  icmpRate?: { echo?: number; error?: number };
  /** A UDP socket's receive queue limits, unless it sets its own. Default 256 datagrams, 1 MiB. */
  udpQueue?: { maxDatagrams?: number; maxBytes?: number };
  /** Bounds on IPv4 reassembly (fragments/reassembler.ts has the defaults). */
  reassembly?: Partial<ReassemblyLimits>;
  /**
   * Packets of TCP data the stack keeps queued in a link that counts its transmit queue (Link.transmitQueued,
   * the memory link's): past them, connections wait and resume in turn as the link delivers
   * (tcp/small-queues.ts). Infinity: no bound. Links that count no queue are never bounded. Default 512.
   */
  transmitQueueLimit?: number;
}

/**
 * The default `transmitQueueLimit`: 512 packets of 1500 bytes are 750 KB, what a core's L2 keeps while the
 * peer parses them, and about ten of one connection's 64 KiB windows, so a single flow is never held. In
 * the scale suite 128 to 512 did alike; 64 cost 1,000 flows more turns, 2,048 let the packets go cold.
 */
const TRANSMIT_QUEUE_LIMIT = 512;

/**
 * The IPv4 layer: packets in from the link are parsed and checked by the wire core, then dispatched by
 * protocol number to a transport (TCP, tcp/tcp-protocol.ts, which finds the connection or listener);
 * packets out get their IPv4 identification and are built into slabs for the link. Bad input is counted
 * and dropped, never thrown.
 */
export class IpStack {
  #address: string;
  #ip: number;
  readonly clock: Clock;
  readonly config: TcpConfig;
  readonly link: Link;
  readonly counters: StackCounters;
  /** The sink of every event: `options.events` and the `onTrace` text; DHCP and ND emit into it too. */
  readonly events: StackEventSink;
  /** Our MSS: the configured one, bounded by the link MTU less 40 bytes of headers. */
  readonly mss: number;
  /** Every address as a key (wire/address-key.ts): ours of both families, and the peers'. */
  readonly addresses: AddressBook;
  readonly #v6: Ipv6Layer;

  readonly #tcp: TcpProtocol;
  readonly #udp: UdpProtocol;
  readonly #icmp: IcmpProtocol;
  readonly #datagram = new DatagramRecord();
  /** The transports by IPv4 protocol number: TCP's parse, and the datagram parse's (UDP, ICMP). */
  readonly #transports: (TransportProtocol | undefined)[] = [];
  readonly #datagramProtocols: (DatagramProtocol | undefined)[] = [];
  readonly #record = new ParsedRecord();
  readonly #reassembler: Reassembler;
  /** RFC 1191: path MTUs learned per destination. */
  readonly #pathMtus: PathMtuCache;
  #ipId = 0;
  /** Outgoing packets are carved from slabs: the link owns each carve, no ArrayBuffer per packet. */
  readonly #packets = new ByteSlab();
  #closed = false;
  /** The packet `#inputDatagram` is processing, for the ICMP error it may earn. */
  #current: Uint8Array | null = null;
  #currentBroadcast = false;

  constructor(options: IpStackOptions) {
    this.#address = options.address;
    // An IPv6-only stack ("0.0.0.0" beside IPv6 addresses) has an IPv4 key no packet carries: IPv4 to it
    // is "wrong-address", and nothing can pick an IPv4 source (sourceFor says -1), at no cost per packet.
    const v6only = options.ipv6Only ?? (options.address === "0.0.0.0" && (options.ipv6?.length ?? 0) > 0);
    this.#ip = v6only ? NO_IPV4 : parseIpv4(options.address);
    this.link = options.link;
    this.clock = options.clock ?? new RealClock();
    this.config = { ...defaultTcpConfig, ...options.tcp };
    validateConfig(this.config);
    this.mss = Math.max(1, Math.min(this.config.mss, this.link.mtu - 40));
    // RFC 8200 §8.3: IPv6 headers take 20 bytes more of the same packet (MSS = MTU - 60), so the
    // configured MSS, an IPv4 one, is 20 bytes less over IPv6.
    const mss6 = Math.max(1, Math.min(this.config.mss, this.link.mtu - 40) - 20);
    this.addresses = new AddressBook(
      this.ip,
      (options.ipv6 ?? []).map((a) => parseIpv6Prefix(a, 128)),
      undefined,
      this.link.localAddresses,
    );
    const addresses = this.addresses;
    const events = eventSink(options.events, options.onTrace);
    this.events = events;
    const clock = this.clock;
    const budget = new MemoryBudget(options.memoryLimit ?? defaultMemoryLimit(), (init) => {
      if (events.listening) events.emit(completeEvent(init, clock.now(), null));
    });
    this.counters = newCounters(budget);
    const link = this.link;
    const queueLimit = options.transmitQueueLimit ?? TRANSMIT_QUEUE_LIMIT;
    const smallQueues =
      "onTransmitted" in link && queueLimit !== Infinity
        ? new SmallQueues(queueLimit, () => link.transmitQueued ?? 0)
        : undefined;
    this.#tcp = new TcpProtocol({
      smallQueues,
      budget,
      ip: this.ip,
      address: this.address,
      addresses,
      clock: this.clock,
      config: this.config,
      mss: this.mss,
      mss6,
      isnKey: options.isnKey,
      counters: this.counters,
      transmit: (fields) => this.#transmit(fields),
      pathMtu: (remoteIp) => this.#pathMtus.mtu(remoteIp),
      events,
    });
    this.#pathMtus = new PathMtuCache(this.clock, this.link.mtu, (dst, mtu) => {
      if (events.listening) {
        const address = addresses.text(dst);
        events.emit({ type: "destination-mtu", time: clock.now(), connection: null, address, mtu });
      }
      this.#tcp.pathMtuChanged(dst, mtu);
    });
    this.#reassembler = new Reassembler(
      this.clock,
      this.counters,
      (quoted, about) => this.#reassemblyTimeExceeded(quoted, about),
      options.reassembly,
    );
    this.#transports[this.#tcp.protocol] = this.#tcp;
    this.#udp = new UdpProtocol({
      ip: this.ip,
      address: this.address,
      addresses,
      counters: this.counters,
      transmit: (fields) => this.#transmitDatagram(fields),
      // Larger datagrams leave in fragments (sendPacket).
      maxPayload: MAX_UDP_PAYLOAD,
      portUnreachable: (r) => (isIpv6Key(r.src) ? this.#v6.portUnreachable() : this.#unreachable(UnreachableCode.PORT)),
      queue: { maxDatagrams: options.udpQueue?.maxDatagrams ?? 256, maxBytes: options.udpQueue?.maxBytes ?? 1 << 20 },
      random: () => crypto.getRandomValues(new Uint32Array(1))[0],
    });
    this.#icmp = new IcmpProtocol({
      ip: this.ip,
      addresses,
      clock: this.clock,
      counters: this.counters,
      transmit: (fields) => this.#transmitDatagram(fields),
      errorArrives: (r, kind, hard) => this.#icmpErrorArrives(r, r.quotedDst, kind, hard),
      fragmentationNeeded: (r) => this.#fragmentationNeeded(r),
      echoRate: options.icmpRate?.echo ?? 100,
      errorRate: options.icmpRate?.error ?? 100,
    });
    this.#datagramProtocols[this.#udp.protocol] = this.#udp;
    this.#datagramProtocols[this.#icmp.protocol] = this.#icmp;
    this.#v6 = new Ipv6Layer({
      book: addresses,
      clock: this.clock,
      counters: this.counters,
      link: this.link,
      tcp: this.#tcp,
      udp: this.#udp,
      pathMtus: this.#pathMtus,
      slab: this.#packets,
      reassembly: options.reassembly,
      icmpRate: options.icmpRate,
      errorArrives: (r, quotedDst, kind, hard) => this.#icmpErrorArrives(r, quotedDst, kind, hard),
      packetTooBig: (r, quotedDst, mtu) => this.#pathMtuReported(r, quotedDst, mtu),
      dropped: (reason) => this.#dropped(reason),
      closed: () => this.#closed,
    });
    if (smallQueues !== undefined) link.onTransmitted = () => smallQueues.resume();
    if ("onBurstEnd" in link) {
      // The link says where its bursts end: what they bring is announced to the user once per flow's run in a burst.
      const tcp = this.#tcp;
      link.onReceive = (packet) => {
        tcp.burstStarted();
        this.input(packet);
      };
      link.onBurstEnd = () => tcp.burstEnded();
    } else {
      link.onReceive = (packet) => this.input(packet);
    }
  }

  /** This stack's IPv4 address, dotted quad ("0.0.0.0" while it has none: before a DHCP lease). */
  get address(): string {
    return this.#address;
  }

  /** This stack's IPv4 address as a number (0 while it has none). */
  get ip(): number {
    return this.#ip;
  }

  /**
   * A new IPv4 address, or "0.0.0.0" for none (a DHCP lease gained, renewed elsewhere, or expired). Every
   * transport sends from it from now on where no interface's address is the route's (AddressBook.sourceFor);
   * connections and listeners that exist keep the address they have. The link's own address (an
   * interface's, for ARP) is its owner's to change.
   */
  setAddress(address: string): void {
    const ip = parseIpv4(address);
    this.#address = address;
    this.#ip = ip;
    // The source of every IPv4 segment and datagram (TCP's and UDP's sourceFor).
    this.addresses.ipv4 = ip;
    this.#tcp.setAddress(address);
    this.#udp.setAddress(address);
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

  /** A bound UDP socket (RFC 768); `port` absent: an ephemeral one. Throws AddressInUseError. */
  udp(options?: BindOptions): UdpSocket {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    return this.#udp.bind(options);
  }

  /** Echo requests to `address` (RFC 792; ICMPv6 echo, RFC 4443 §4, for an IPv6 one), `count` of them. */
  ping(address: string, options?: PingOptions): PingSession {
    if (this.#closed) throw new StackClosedError("the stack is closed");
    if (!address.includes(":") && this.ip === NO_IPV4)
      throw new TypeError(`this stack has no IPv4 address to ping ${address}`);
    const session = address.includes(":") ? this.#v6.ping(address, options) : this.#icmp.ping(address, options);
    session.start();
    return session;
  }

  /** TCP connections with a TCB (any state but CLOSED). */
  get connectionCount(): number {
    return this.#tcp.connectionCount;
  }

  /** Close every transport (TCP: RST where synchronized, stop listening), and detach from the link. */
  close(): void {
    if (this.#closed) return;
    for (const t of this.#transports) t?.close();
    for (const t of this.#datagramProtocols) t?.close();
    this.#reassembler.close();
    this.#v6.close();
    this.#pathMtus.close();
    this.#closed = true;
    this.link.onReceive = null;
    if ("onBurstEnd" in this.link) this.link.onBurstEnd = null;
    if ("onTransmitted" in this.link) this.link.onTransmitted = null;
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
    this.#dispatch(packet);
  }

  /** A packet from the link, or a datagram reassembled from its fragments: parse, check, dispatch. */
  #dispatch(packet: Uint8Array): void {
    const counters = this.counters;
    const r = this.#record;
    const reason = parseInto(packet, r);
    if (reason !== null) {
      // The TCP parser checked the IPv4 header before it found these: the datagram parser takes them.
      if (reason === "not-tcp" || reason === "fragment") this.#inputDatagram(packet);
      else if (reason === "bad-ip-version" && packet[0] >> 4 === 6) this.#v6.input(packet);
      else this.#dropped(reason);
      return;
    }
    // RFC 1122 §3.3.4.2, the weak end system model (Linux's): any of our addresses, on any interface.
    if (r.dst !== this.#ip && !this.addresses.isLocal4(r.dst)) {
      counters.drops["wrong-address"]++;
      return;
    }
    const transport = this.#transports[r.protocol];
    // The TCP parser passes TCP only (the rest went to #inputDatagram above); this holds if it passes more.
    if (transport === undefined) {
      counters.drops["not-tcp"]++;
      return;
    }
    transport.arrives(r, packet);
  }

  #dropped(reason: ParseErrorReason): void {
    if (CHECKSUM_REASONS.has(reason)) this.counters.checksumErrors++;
    this.counters.drops[reason]++;
  }

  /** A packet that is not plain TCP: ICMP, UDP, a fragment, or another protocol. */
  #inputDatagram(packet: Uint8Array): void {
    const r = this.#datagram;
    const reason = parseDatagramInto(packet, r);
    if (reason !== null) {
      this.#dropped(reason);
      return;
    }
    const broadcast = r.dst === BROADCAST;
    if (r.dst !== this.#ip && !broadcast && !this.addresses.isLocal4(r.dst)) {
      this.counters.drops["wrong-address"]++;
      return;
    }
    this.#current = packet;
    this.#currentBroadcast = broadcast;
    try {
      const protocol = this.#datagramProtocols[r.transport];
      if (protocol !== undefined) protocol.arrives(r, packet, broadcast);
      else if (r.fragment & 0x3fff) {
        // RFC 791 §3.2: held until its datagram is whole, which then comes in as one packet.
        const whole = this.#reassembler.add(fragmentOf(r, packet));
        if (whole !== null) this.#dispatch(whole);
      } else {
        this.counters.drops["unknown-protocol"]++;
        this.#unreachable(UnreachableCode.PROTOCOL);
      }
    } finally {
      this.#current = null;
    }
  }

  /** RFC 1122 §3.2.2.1: destination unreachable about the packet being processed (icmp-protocol.ts decides if). */
  #unreachable(code: number): void {
    if (this.#current !== null) {
      this.#icmp.sendError(this.#datagram, this.#current, this.#currentBroadcast, IcmpType.DEST_UNREACHABLE, code);
    }
  }

  /** An ICMP error quoting a TCP or UDP datagram of ours: to the transport that sent it. */
  #icmpErrorArrives(r: DatagramRecord, quotedDst: number, kind: IcmpErrorKind, hard: boolean): IcmpDrop | null {
    const localPort = r.quotedWord0 >>> 16;
    const remotePort = r.quotedWord0 & 0xffff;
    if (r.quotedProtocol === IpProtocol.TCP) {
      const quote = { localPort, remoteIp: quotedDst, remotePort, seq: r.quotedWord1 };
      const outcome = this.#tcp.icmpError(quote, kind, hard);
      if (outcome === "no-connection") return "icmp-no-connection";
      return outcome === "out-of-window" ? "icmp-out-of-window" : null;
    }
    if (r.quotedProtocol === IpProtocol.UDP) {
      const outcome = this.#udp.icmpError(localPort, quotedDst, remotePort, kind);
      if (outcome === "no-socket") return "icmp-no-connection";
      return outcome === "not-connected" ? "icmp-not-reported" : null;
    }
    return "icmp-no-connection";
  }

  /** UDP and ICMP out: the identification, then the link, in fragments if need be. */
  #transmitDatagram(fields: UdpPacketFields | IcmpPacketFields): void {
    if (this.#closed) return;
    if (isIpv6Key(fields.dst)) {
      this.#v6.transmitDatagram(fields);
      return;
    }
    fields.id = this.#nextId();
    this.sendPacket("srcPort" in fields ? buildUdpPacket(fields) : buildIcmpPacket(fields));
  }

  /**
   * Sends a whole IPv4 packet, in fragments when it exceeds the link MTU and DF is clear (RFC 791); one
   * with DF set that does not fit is dropped and counted.
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

  /** The path MTU towards `address` (either family): learned from ICMP (RFC 1191, RFC 8201), else the link's. */
  pathMtu(address: string): number {
    return this.#pathMtus.mtu(this.addresses.parse(address));
  }

  /**
   * ICMP "fragmentation needed and DF set" (type 3 code 4, RFC 1191 §4) quoting one of our datagrams.
   * For TCP the quoted sequence number is checked first (RFC 5927 §7.2: a blind attacker must guess the
   * window to shrink our segments) and the destination's path MTU is lowered only if it passes; UDP has
   * no such check (as on Linux).
   */
  #fragmentationNeeded(r: DatagramRecord): void {
    this.#pathMtuReported(r, r.quotedDst, reportedPathMtu(r.icmpRest & 0xffff, r.quotedTotalLength));
  }

  /** A path MTU of `mtu` towards `quotedDst` reported (IPv4, or RFC 8201 packet too big), TCP's quote checked. */
  #pathMtuReported(r: DatagramRecord, quotedDst: number, mtu: number): void {
    if (r.quotedProtocol === IpProtocol.TCP) {
      const quote = {
        localPort: r.quotedWord0 >>> 16,
        remoteIp: quotedDst,
        remotePort: r.quotedWord0 & 0xffff,
        seq: r.quotedWord1,
      };
      const outcome = this.#tcp.pathMtuReduced(quote, mtu);
      if (outcome === "no-connection" || outcome === "out-of-window") {
        this.counters.drops[outcome === "no-connection" ? "icmp-no-connection" : "icmp-out-of-window"]++;
        return;
      }
    }
    this.#pathMtus.lower(quotedDst, mtu);
  }

  /**
   * RFC 1122 §3.3.2: a datagram whose fragment zero arrived was not completed in time: ICMP time exceeded,
   * code 1 ("fragment reassembly time exceeded"), quoting fragment zero's header and first 8 data bytes
   * (`quoted`). ICMP's own rules apply (never about an ICMP error, a broadcast, a non-unicast source).
   */
  #reassemblyTimeExceeded(quoted: Uint8Array, about: Fragment): void {
    if (this.#closed) return;
    const r = new DatagramRecord();
    r.src = about.src;
    r.dst = about.dst;
    r.protocol = about.protocol;
    r.totalLength = quoted.length;
    if (about.protocol === IpProtocol.ICMP) {
      // Fragment zero holds the ICMP type: ICMP's rules forbid an error about an error.
      r.transport = IpProtocol.ICMP;
      r.icmpType = about.data[0];
    }
    this.#icmp.sendError(r, quoted, false, IcmpType.TIME_EXCEEDED, 1);
  }

  #nextId(): number {
    const id = this.#ipId;
    this.#ipId = (id + 1) & 0xffff;
    return id;
  }

  #transmit(fields: PacketFields): void {
    if (this.#closed) return;
    this.counters.segmentsOut++;
    if (isIpv6Key(fields.dst)) {
      this.#v6.transmitTcp(fields);
      return;
    }
    fields.id = this.#nextId();
    const inArena = buildSegmentInArena(fields);
    if (inArena !== null) {
      this.link.send(inArena);
      return;
    }
    const slab = this.#packets.reserve(maxPacketLength(fields.payload?.length ?? 0));
    const length = buildPacketInto(fields, slab, this.#packets.offset);
    this.link.send(this.#packets.commit(length));
  }
}

/** The options' sink and text trace as one sink: `onTrace` gets the text of each traced event. */
function eventSink(events: StackEventSink | undefined, onTrace: ((text: string) => void) | undefined): StackEventSink {
  if (onTrace === undefined) return events ?? NO_LISTENER;
  const inner: StackEventSink = events ?? NO_LISTENER;
  return {
    listening: true,
    emit(event) {
      if (inner.listening) inner.emit(event);
      if (isTraced(event)) onTrace(eventText(event));
    },
  };
}
