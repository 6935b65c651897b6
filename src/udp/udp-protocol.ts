import { AddressInUseError } from "../errors/address-in-use.js";
import { isIpv6Key } from "../wire/address-key.js";
import type { DatagramRecord } from "../wire/datagram-record.js";
import type { UdpPacketFields } from "../wire/datagram-types.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { BroadcastNotEnabledError, DatagramTooLargeError } from "./errors.js";
import { UdpSocket, type UdpQueueLimits, type UdpSocketHost } from "./udp-socket.js";

const EPHEMERAL_LOW = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_LOW;
/** The limited broadcast address (RFC 919). */
export const BROADCAST = 0xffffffff;
/** The most a UDP datagram can carry in one IPv4 packet: 65535 - 20 - 8. */
export const MAX_UDP_PAYLOAD = 65507;

/** Why UDP dropped a datagram that reached no socket's queue. */
export type UdpDrop =
  | "udp-closed-port" // no socket bound there (answered with ICMP port unreachable unless broadcast)
  | "udp-queue-full" // the socket's receive queue was at its limit
  | "udp-wrong-peer"; // a connected socket's port, from someone other than its peer

/** What UDP makes of an ICMP error quoting one of its datagrams. */
export type UdpIcmpOutcome = "no-socket" | "not-connected" | "reported";

export interface UdpCounters {
  datagramsIn: number;
  datagramsOut: number;
  drops: Record<UdpDrop, number>;
}

/** Address keys as the IP layer keeps them (wire/address-key.ts). */
export interface UdpAddresses {
  parse(text: string): number;
  text(key: number): string;
  /** Our address towards `remote`, of its family; -1 when we have none. */
  sourceFor(remote: number): number;
  retain(key: number): void;
  release(key: number): void;
}

export interface UdpProtocolOptions {
  ip: number;
  address: string;
  addresses: UdpAddresses;
  counters: UdpCounters;
  /** Send one datagram (the IP layer sets the identification and fragments it if it can). */
  transmit(fields: UdpPacketFields): void;
  /** The largest payload `transmit` takes (the IP layer fragments what exceeds the link MTU). */
  maxPayload: number;
  /** The datagram `r` reached no socket: the IP layer answers with ICMP port unreachable (rate-limited). */
  portUnreachable(r: DatagramRecord): void;
  /** The queue limits of a socket that sets none. */
  queue: UdpQueueLimits;
  /** A uniform 32-bit integer, for the first ephemeral port tried. */
  random(): number;
}

export interface BindOptions {
  port?: number;
  /**
   * The local address: one of the stack's (the socket then takes datagrams to it only and sends from it,
   * as Linux's bind), or a wildcard, "0.0.0.0" or "::". Absent: any address, and the socket is named by
   * the stack's IPv4 address.
   */
  address?: string;
  broadcast?: boolean;
  queue?: Partial<UdpQueueLimits>;
}

/**
 * UDP over one IPv4 address (RFC 768, RFC 1122 §4.1): sockets by local port, datagrams demultiplexed to
 * them, and the ICMP errors about what they sent.
 */
export class UdpProtocol implements UdpSocketHost {
  /** IPv4 protocol number 17. */
  readonly protocol = 17;
  readonly #o: UdpProtocolOptions;
  /** Our IPv4 address as text, for the sockets' names (DHCP changes it). */
  #address: string;
  readonly #sockets = new Map<number, UdpSocket>();
  #nextPort: number;

  constructor(o: UdpProtocolOptions) {
    this.#o = o;
    this.#address = o.address;
    this.#nextPort = EPHEMERAL_LOW + (o.random() % EPHEMERAL_COUNT);
  }

  /** A new IPv4 address (DHCP): sockets bound from now on name it; datagrams take their source from the address book. */
  setAddress(address: string): void {
    this.#address = address;
  }

  get socketCount(): number {
    return this.#sockets.size;
  }

  /** A socket bound to `port`, or to a free ephemeral port. Throws AddressInUseError for a bound port. */
  bind(options: BindOptions = {}): UdpSocket {
    let port = options.port;
    if (port !== undefined) {
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new RangeError(`port must be 1..65535, got ${port}`);
      if (this.#sockets.has(port)) throw new AddressInUseError(`UDP ${this.#address}:${port} is already bound`);
    } else {
      port = this.#ephemeralPort();
    }
    const limits = { ...this.#o.queue, ...options.queue };
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`queue.${name} must be a positive integer`);
    }
    const { address } = options;
    const wildcard = address === undefined || address === "0.0.0.0" || address === "::";
    const ip = wildcard ? -1 : this.#o.addresses.parse(address);
    const name = address === undefined ? this.#address : wildcard ? address : this.#o.addresses.text(ip);
    const socket = new UdpSocket(this, { address: name, ip }, port, options.broadcast ?? false, limits);
    // A bound IPv6 address must stay known to the address book while the socket sends from it.
    if (ip >= 0) this.#o.addresses.retain(ip);
    this.#sockets.set(port, socket);
    return socket;
  }

  // UdpSocketHost

  send(socket: UdpSocket, data: Uint8Array, ip: number, port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be 1..65535, got ${port}`);
    const max = Math.min(this.#o.maxPayload, MAX_UDP_PAYLOAD);
    if (data.length > max) {
      throw new DatagramTooLargeError(`a ${data.length}-byte datagram exceeds the ${max} bytes this stack can send`);
    }
    if (ip === BROADCAST && !socket.broadcast) {
      throw new BroadcastNotEnabledError("sending to 255.255.255.255 needs a socket opened with broadcast: true");
    }
    const bound = socket.localIp;
    const src = bound < 0 ? this.#o.addresses.sourceFor(ip) : isIpv6Key(bound) === isIpv6Key(ip) ? bound : -1;
    if (src < 0) {
      const to = this.#o.addresses.text(ip);
      throw new TypeError(
        bound < 0
          ? `no address of this stack can reach ${to}`
          : `a socket bound to ${socket.localAddress} cannot reach ${to}`,
      );
    }
    this.#o.counters.datagramsOut++;
    this.#o.transmit({ src, dst: ip, srcPort: socket.localPort, dstPort: port, payload: data });
  }

  parse(text: string): number {
    return this.#o.addresses.parse(text);
  }

  retain(ip: number): void {
    this.#o.addresses.retain(ip);
  }

  unretain(ip: number): void {
    this.#o.addresses.release(ip);
  }

  release(socket: UdpSocket): void {
    if (this.#sockets.get(socket.localPort) === socket) this.#sockets.delete(socket.localPort);
    if (socket.localIp >= 0) this.#o.addresses.release(socket.localIp);
  }

  /**
   * One datagram for our address (or, `broadcast`, for 255.255.255.255), checksum verified; the payload
   * offset in `r` is from the start of `bytes`. Neither is kept: the socket gets a copy.
   */
  arrives(r: DatagramRecord, bytes: Uint8Array, broadcast: boolean): void {
    const counters = this.#o.counters;
    counters.datagramsIn++;
    const socket = this.#sockets.get(r.dstPort);
    // A socket bound to one address is not there for datagrams to another (nor for broadcasts).
    if (
      socket === undefined ||
      (broadcast ? !socket.broadcast || socket.localIp >= 0 : socket.localIp >= 0 && socket.localIp !== r.dst)
    ) {
      counters.drops["udp-closed-port"]++;
      // RFC 1122 §3.2.2: never an ICMP error about a datagram sent to a broadcast address.
      if (!broadcast) this.#o.portUnreachable(r);
      return;
    }
    if (socket.connected && (r.src !== socket.remoteIp || r.srcPort !== socket.remotePort)) {
      counters.drops["udp-wrong-peer"]++;
      return;
    }
    const data = bytes.slice(r.payloadOffset, r.payloadOffset + r.payloadLength);
    if (!socket.deliver({ data, ip: r.src, address: this.#o.addresses.text(r.src), port: r.srcPort })) {
      counters.drops["udp-queue-full"]++;
    }
  }

  /**
   * An ICMP error quoting a datagram we sent from `localPort` to `remoteIp:remotePort`. Only a connected
   * socket whose peer it names hears of it (RFC 1122 §4.1.3.3 passes them up; Linux does so on
   * connected sockets, since an unconnected one cannot tell which send it was about).
   */
  icmpError(localPort: number, remoteIp: number, remotePort: number, kind: IcmpErrorKind): UdpIcmpOutcome {
    const socket = this.#sockets.get(localPort);
    if (socket === undefined) return "no-socket";
    if (!socket.connected || socket.remoteIp !== remoteIp || socket.remotePort !== remotePort) return "not-connected";
    socket.error(kind);
    return "reported";
  }

  close(): void {
    for (const s of [...this.#sockets.values()]) s.close();
  }

  #ephemeralPort(): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = this.#nextPort;
      this.#nextPort = port === 65535 ? EPHEMERAL_LOW : port + 1;
      if (!this.#sockets.has(port)) return port;
    }
    throw new AddressInUseError("no ephemeral UDP port is free");
  }
}
