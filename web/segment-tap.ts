/**
 * A pass-through link that feeds the time-sequence graph: every data segment one connection sends (its
 * sequence range relative to the ISN, and whether it repeats bytes already sent) and every ACK it gets back
 * (acknowledged offset and right window edge), as tcptrace draws them. Reads headers only, never keeps
 * the packets.
 */
import type { Link } from "../src/api/index.js";
import { parsePacket, TcpFlags } from "../src/wire/index.js";
import type { AckSample, SentSegment } from "./messages.js";

export class SegmentTap implements Link {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  /** Called after the stack has processed each ACK of the watched connection (cwnd may have moved). */
  onAck: (() => void) | null = null;
  /** Recorded since the owner last took them (it empties these arrays). */
  readonly segments: SentSegment[] = [];
  readonly acks: AckSample[] = [];
  readonly #inner: Link;
  readonly #port: number;
  readonly #now: () => number;
  #isn: number | null = null;
  #highest = 0;
  /** RFC 7323: the peer's window is scaled only when both SYNs offered scaling. */
  #offeredScale = false;
  #peerScale = 0;

  /** Watches the connection whose remote port is `port`. */
  constructor(inner: Link, port: number, now: () => number) {
    this.#inner = inner;
    this.#port = port;
    this.#now = now;
    this.mtu = inner.mtu;
    inner.onReceive = (packet) => {
      const ack = this.#inbound(packet);
      this.onReceive?.(packet);
      if (ack) this.onAck?.();
    };
  }

  send(packet: Uint8Array): void {
    this.#outbound(packet);
    this.#inner.send(packet);
  }

  close(): void {
    this.#inner.close();
  }

  #outbound(packet: Uint8Array): void {
    const p = parsePacket(packet);
    if (!p.ok || p.tcp.dstPort !== this.#port) return;
    if (p.tcp.flags & TcpFlags.SYN) {
      this.#isn = p.tcp.seq;
      this.#highest = 0;
      this.#offeredScale = p.tcp.options.windowScale !== undefined;
      return;
    }
    if (this.#isn === null || p.payloadLength === 0) return;
    const start = (p.tcp.seq - this.#isn - 1) >>> 0;
    const end = start + p.payloadLength;
    this.segments.push({ t: this.#now(), start, end, retransmit: end <= this.#highest });
    if (end > this.#highest) this.#highest = end;
  }

  /** True when the packet was an ACK of the watched connection. */
  #inbound(packet: Uint8Array): boolean {
    if (this.#isn === null) return false;
    const p = parsePacket(packet);
    if (!p.ok || p.tcp.srcPort !== this.#port || !(p.tcp.flags & TcpFlags.ACK)) return false;
    if (p.tcp.flags & TcpFlags.SYN) {
      this.#peerScale = this.#offeredScale ? (p.tcp.options.windowScale ?? 0) : 0;
      return true;
    }
    const ack = (p.tcp.ack - this.#isn - 1) >>> 0;
    // Before the first data byte is acknowledged the offset wraps to 2^32 - 1; the SYN-ACK carries nothing to draw.
    if (ack <= 0x7fffffff)
      this.acks.push({ t: this.#now(), ack, windowEdge: ack + p.tcp.window * 2 ** this.#peerScale });
    return true;
  }
}
