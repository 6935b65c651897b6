import type { Link } from "./link.js";

/** Why a link that talks to the outside world dropped a packet. */
export interface EndpointDrops {
  /** Received, shorter than an IPv4 header (20 bytes), or on an Ethernet link an Ethernet header (14). */
  short: number;
  /** Received on a raw IP link, IP version nibble neither 4 nor 6 (stray traffic). */
  notIpv4: number;
  /** Received a text message or a Blob where binary bytes were expected. */
  notBinary: number;
  /** Received from an address other than the configured peer. */
  wrongPeer: number;
  /** Sent, larger than the link's MTU. */
  tooBig: number;
  /** Sent with no peer known yet (a tunnel that learns its peer from the first datagram). */
  noPeer: number;
  /** Sent while the transport was backed up past its bound (a WebSocket's bufferedAmount, a queue). */
  congested: number;
  /** The transport reported an error sending it. */
  sendError: number;
  /** Sent or received after `close()`. */
  closed: number;
  /** Received while `onReceive` was null. */
  unclaimed: number;
}

/** What a datagram link (UDP tunnel, MessagePort, WebSocket) counts, each way. */
export interface EndpointCounters {
  sent: number;
  sentBytes: number;
  received: number;
  receivedBytes: number;
  dropped: EndpointDrops;
}

/** A link whose packets cross a transport (UDP, MessagePort, WebSocket) that anyone could write into. */
export interface EndpointLink extends Link {
  readonly counters: EndpointCounters;
}

/**
 * What a link's datagrams hold: IP packets (the default, "ipv4": raw IP, IPv4 or IPv6 by the version
 * nibble, as a TUN device carries them), or Ethernet frames (a TAP device, a virtual switch, a virtual
 * machine's NIC), whose `mtu` then counts the 14-byte header (1514 on a 1500-byte LAN).
 */
export type Framing = "ipv4" | "ethernet";

/**
 * The part every transport link shares: the MTU check and counting on the way out, the sanity check of
 * its framing and counting on the way in, and a close that is final. Subclasses move the bytes.
 */
export abstract class DatagramLink implements EndpointLink {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  readonly counters: EndpointCounters = {
    sent: 0,
    sentBytes: 0,
    received: 0,
    receivedBytes: 0,
    dropped: {
      short: 0,
      notIpv4: 0,
      notBinary: 0,
      wrongPeer: 0,
      tooBig: 0,
      noPeer: 0,
      congested: 0,
      sendError: 0,
      closed: 0,
      unclaimed: 0,
    },
  };
  readonly framing: Framing;
  #closed = false;

  constructor(mtu: number, framing: Framing = "ipv4") {
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
      throw new RangeError(`mtu must be an integer in 68..65535, got ${mtu}`);
    this.mtu = mtu;
    this.framing = framing;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(packet: Uint8Array): void {
    const c = this.counters;
    const length = packet.length; // read first: transmitting may detach the buffer
    if (this.#closed) c.dropped.closed++;
    else if (length > this.mtu) c.dropped.tooBig++;
    else if (this.transmit(packet)) {
      c.sent++;
      c.sentBytes += length;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onReceive = null;
    this.shutdown();
  }

  /** Hands one packet to the transport; returns false after counting why it could not. */
  protected abstract transmit(packet: Uint8Array): boolean;

  /** Releases the transport. Called once. */
  protected abstract shutdown(): void;

  /** Called by subclasses for every datagram or message that arrives. */
  protected deliver(bytes: Uint8Array): void {
    if (this.screen(bytes)) this.handOver(bytes);
  }

  /** False (after counting why) when `bytes` cannot be an IP packet (an Ethernet frame) for this link. */
  protected screen(bytes: Uint8Array): boolean {
    const d = this.counters.dropped;
    const ipv4 = this.framing === "ipv4";
    if (this.#closed) d.closed++;
    else if (bytes.length < (ipv4 ? 20 : 14)) d.short++;
    else if (ipv4 && bytes[0] >> 4 !== 4 && bytes[0] >> 4 !== 6) d.notIpv4++;
    else return true;
    return false;
  }

  /** Gives a screened packet to the stack. */
  protected handOver(bytes: Uint8Array): void {
    const handler = this.onReceive;
    if (handler === null) {
      this.counters.dropped.unclaimed++;
      return;
    }
    this.counters.received++;
    this.counters.receivedBytes += bytes.length;
    handler(bytes);
  }
}

/** `data` of a message event as bytes the receiver may own, or null when it is not binary. */
export function binaryMessage(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) {
    // A plain Uint8Array view (not a Node Buffer, whose slice() shares memory) over the same bytes.
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return null;
}

/**
 * A Uint8Array over an ArrayBuffer (not a SharedArrayBuffer): what `WebSocket.send` and transfer lists
 * take. Spelled through `slice()`'s result, not `Uint8Array<ArrayBuffer>`, so the shipped .d.ts also
 * type-checks on TypeScript before 5.7, where Uint8Array is not generic (there it is plain Uint8Array).
 */
export type ArrayBufferBytes = ReturnType<Uint8Array["slice"]>;

/**
 * The bytes of `packet` in an ArrayBuffer of their own, so that transferring it (postMessage) moves
 * exactly the packet and never a larger arena the packet is a view into.
 */
export function ownBuffer(packet: Uint8Array): ArrayBufferBytes {
  const buffer = packet.buffer;
  if (buffer instanceof ArrayBuffer && packet.byteOffset === 0 && packet.byteLength === buffer.byteLength) {
    return packet as ArrayBufferBytes;
  }
  return packet.slice();
}
