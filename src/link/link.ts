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
  /** Hand one IPv4 packet to the link; the bytes are the link's from now on. */
  send(packet: Uint8Array): void;
  /** Set by the stack that owns this end. Packets arriving while it is null are dropped. */
  onReceive: ((packet: Uint8Array) => void) | null;
  /** Stop sending and receiving; packets already sent may still arrive. */
  close(): void;
}
