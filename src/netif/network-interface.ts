/**
 * One interface of a stack: it gives the stack IPv4 packets (`onReceive`) and takes IPv4 packets with
 * the next hop they are for (`transmit`), so the stack's input and output are the same over raw IP and
 * over Ethernet (where the next hop is resolved by ARP). The routing table chose the next hop.
 *
 * Ownership as for links (link/link.ts): `transmit` takes the packet; `onReceive`'s packet is the receiver's.
 */
export interface NetworkInterface {
  /** A name for traces and captures ("eth0"). */
  readonly name: string;
  /** Largest IPv4 packet the interface carries. */
  readonly mtu: number;
  /** The interface's IPv4 address, and the length of the prefix of its subnet. */
  readonly address: number;
  readonly prefix: number;
  /** A new address with its prefix, "10.0.0.2/24" ("0.0.0.0/0": none); routes are the owner's to change. */
  setAddress(address: string): void;
  /** Send one IPv4 packet towards `nextHop` (the destination itself on the subnet, else the gateway). */
  transmit(packet: Uint8Array, nextHop: number): void;
  /**
   * Send one IPv6 packet, the interface finding its next hop (neighbour discovery on Ethernet): false
   * when the interface runs no IPv6 (the packet is then still the caller's).
   */
  transmitIpv6?(packet: Uint8Array): boolean;
  /** Set by the stack: each IPv4 packet that arrives for it. */
  onReceive: ((packet: Uint8Array) => void) | null;
  /** Set by the owner: `nextHop` never answered (ARP), and `packets` that waited for it were dropped. */
  onUnreachable: ((nextHop: number, packets: readonly Uint8Array[]) => void) | null;
  /** Stop sending and receiving (the link underneath stays its owner's). */
  close(): void;
}
