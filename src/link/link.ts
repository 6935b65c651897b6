/**
 * A link moves whole IPv4 packets between a stack and something else (another stack, a UDP socket, a
 * MessagePort, a WebSocket). It knows nothing of TCP.
 *
 * Ownership: `send(packet)` hands the bytes to the link; the caller must not touch them afterwards.
 * A packet given to `onReceive` belongs to the receiver. Links never reuse a buffer they handed out.
 */
export interface Link {
  /** Largest IPv4 packet (header included) the link carries. */
  readonly mtu: number;
  /**
   * Hand one IPv4 packet to the link; the bytes are the link's from now on. A link never delivers from
   * inside `send` (to this stack or its peer): deliveries go through a clock or the event loop, so the
   * stack is not re-entered while it is still sending (a run of segments shares one set of fields).
   */
  send(packet: Uint8Array): void;
  /** Set by the stack that owns this end. Packets arriving while it is null are dropped. */
  onReceive: ((packet: Uint8Array) => void) | null;
  /**
   * A link that delivers packets in bursts (several `onReceive` calls in one go, as the memory link's
   * flush does) has this member and calls it after each burst, so the stack can do once per burst what a
   * receive would otherwise do per packet (GRO's idea). A link without it never calls it: the stack then
   * treats every packet as a burst of its own.
   */
  onBurstEnd?: (() => void) | null;
  /**
   * A link with a transmit queue it can count (the memory link's path) has this member: the packets this
   * end sent that it still holds, neither delivered nor dropped, as a NIC's transmit ring holds them. It
   * then calls `onTransmitted` after packets left that queue (transmit completion), so the stack can bound
   * what its connections keep queued there and resume them as it drains (tcp/small-queues.ts). A link
   * without them never holds a connection back.
   */
  readonly transmitQueued?: number;
  /** Called after packets left the transmit queue `transmitQueued` counts (set by the stack). */
  onTransmitted?: (() => void) | null;
  /**
   * A link of several addressed interfaces (netif/routed-link.ts) says which IPv4 addresses are theirs,
   * so a multi-homed stack takes packets to each and sends from the right one; absent: the stack's own
   * address is its only one.
   */
  readonly localAddresses?: LocalAddresses;
  /** Stop sending and receiving; packets already sent may still arrive. */
  close(): void;
}

/**
 * The IPv4 addresses of a link's interfaces, as 32-bit numbers (RFC 1122 §3.3.4: a multihomed host has
 * one per interface, and in the weak end system model it takes any of them on any interface).
 */
export interface LocalAddresses {
  /** Whether `ip` is an interface's address (never 0, which an unaddressed interface has). */
  has(ip: number): boolean;
  /** The address of the interface the route to `dst` leaves by (longest prefix); 0: no route, or none yet. */
  sourceFor(dst: number): number;
}
