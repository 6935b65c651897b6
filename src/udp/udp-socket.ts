import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { SocketClosedError } from "./errors.js";

/** One datagram as a socket receives it: the payload (a copy: the socket's own) and who sent it. */
export interface UdpDatagram {
  data: Uint8Array;
  /** The sender's address as a key (wire/address-key.ts) and as text (dotted quad or RFC 5952), and its port. */
  ip: number;
  address: string;
  port: number;
}

/** Limits of a socket's receive queue: datagrams beyond either are dropped and counted. */
export interface UdpQueueLimits {
  maxDatagrams: number;
  maxBytes: number;
}

/** What one UDP socket counts: datagrams in and out, and drops by reason. */
export interface UdpSocketCounters {
  datagramsIn: number;
  datagramsOut: number;
  /** Datagrams that arrived when the queue was at one of its limits. */
  queueDrops: number;
  /** ICMP errors about datagrams this socket sent. */
  icmpErrors: number;
}

/** What a socket needs from the UDP protocol that made it. */
export interface UdpSocketHost {
  send(socket: UdpSocket, data: Uint8Array, ip: number, port: number): void;
  /** The address key of `text`, either family (TypeError for neither). */
  parse(text: string): number;
  /** A connected socket holds its peer's key (its IPv6 bytes stay known) until it lets go. */
  retain(ip: number): void;
  unretain(ip: number): void;
  release(socket: UdpSocket): void;
}

/**
 * A bound UDP socket (RFC 768), callback-driven like a TCP connection: the protocol delivers datagrams
 * into a bounded queue, the API layer takes them out. A connected socket (`connect`) exchanges
 * datagrams with one peer only, and is told of ICMP errors about what it sent (as Linux reports them
 * on connected sockets only): the error waits in `pendingError` for the next call.
 */
export class UdpSocket {
  readonly localPort: number;
  /** The address the socket is named by: the one it is bound to, a wildcard, or the stack's IPv4 address. */
  readonly localAddress: string;
  /** The address key it is bound to (its datagrams' source, the only destination it takes); -1: any. */
  readonly localIp: number;
  /** May send to and receive from the broadcast address 255.255.255.255 (SO_BROADCAST). */
  readonly broadcast: boolean;
  readonly counters: UdpSocketCounters = { datagramsIn: 0, datagramsOut: 0, queueDrops: 0, icmpErrors: 0 };
  /** The peer of a connected socket. */
  remoteIp = -1;
  remotePort = 0;
  remoteAddress = "";
  pendingError: IcmpErrorKind | null = null;
  /** Called when a datagram or an error is ready, or the socket closed. */
  onReadable: (() => void) | null = null;
  #closed = false;
  readonly #host: UdpSocketHost;
  readonly #limits: UdpQueueLimits;
  readonly #queue: UdpDatagram[] = [];
  #head = 0;
  #bytes = 0;

  constructor(
    host: UdpSocketHost,
    local: { address: string; ip: number },
    localPort: number,
    broadcast: boolean,
    limits: UdpQueueLimits,
  ) {
    this.#host = host;
    this.localAddress = local.address;
    this.localIp = local.ip;
    this.localPort = localPort;
    this.broadcast = broadcast;
    this.#limits = limits;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.remoteIp >= 0;
  }

  /** Datagrams waiting to be taken. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Fix the peer: only its datagrams are received, and `send` goes to it. */
  /** The address key of `text` (dotted quad or IPv6), for `send` and `connect`. */
  parseAddress(text: string): number {
    return this.#host.parse(text);
  }

  connect(ip: number, address: string, port: number): void {
    if (this.remoteIp >= 0) this.#host.unretain(this.remoteIp);
    this.#host.retain(ip);
    this.remoteIp = ip;
    this.remoteAddress = address;
    this.remotePort = port;
    this.pendingError = null;
  }

  send(data: Uint8Array, ip: number, port: number): void {
    if (this.#closed) throw new SocketClosedError(`UDP ${this.localAddress}:${this.localPort} is closed`);
    this.#host.send(this, data, ip, port);
    this.counters.datagramsOut++;
  }

  /** The next datagram, or null when none waits. */
  take(): UdpDatagram | null {
    if (this.#head === this.#queue.length) return null;
    const d = this.#queue[this.#head++];
    this.#bytes -= d.data.length;
    // Compact once the taken prefix dominates, so the array does not grow with the traffic.
    if (this.#head > 64 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return d;
  }

  /** The protocol delivers one datagram; false when the queue was full (the datagram is dropped). */
  deliver(d: UdpDatagram): boolean {
    if (this.queued >= this.#limits.maxDatagrams || this.#bytes + d.data.length > this.#limits.maxBytes) {
      this.counters.queueDrops++;
      return false;
    }
    this.#queue.push(d);
    this.#bytes += d.data.length;
    this.counters.datagramsIn++;
    this.onReadable?.();
    return true;
  }

  /** An ICMP error about a datagram this socket sent to its peer. */
  error(kind: IcmpErrorKind): void {
    this.counters.icmpErrors++;
    this.pendingError = kind;
    this.onReadable?.();
  }

  /** Release the port; queued datagrams are discarded. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#head = 0;
    this.#bytes = 0;
    if (this.remoteIp >= 0) this.#host.unretain(this.remoteIp);
    this.#host.release(this);
    this.onReadable?.();
  }
}
