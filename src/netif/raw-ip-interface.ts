import type { Link } from "../link/link.js";
import { parseIpv4Prefix } from "../wire/ipv4-address.js";
import type { NetworkInterface } from "./network-interface.js";

/**
 * An interface over a link that carries IPv4 packets themselves (a TUN tunnel, a MessagePort, the memory
 * link): a point-to-point link, so the next hop needs no resolution and is not used.
 */
export class RawIpInterface implements NetworkInterface {
  readonly name: string;
  readonly mtu: number;
  address: number;
  prefix: number;
  /** Never called: a point-to-point link resolves nothing. */
  onUnreachable: ((nextHop: number, packets: readonly Uint8Array[]) => void) | null = null;
  readonly #link: Link;

  constructor(options: { link: Link; address: string; name?: string }) {
    this.#link = options.link;
    this.mtu = options.link.mtu;
    ({ address: this.address, prefix: this.prefix } = parseIpv4Prefix(options.address, 32));
    this.name = options.name ?? "tun0";
  }

  /** A new address: nothing to announce on a point-to-point link. */
  setAddress(address: string): void {
    ({ address: this.address, prefix: this.prefix } = parseIpv4Prefix(address, 32));
  }

  /** Each IPv4 packet the link delivers. */
  get onReceive(): ((packet: Uint8Array) => void) | null {
    return this.#link.onReceive;
  }

  set onReceive(handler: ((packet: Uint8Array) => void) | null) {
    this.#link.onReceive = handler;
  }

  /** Hand the packet to the link as it is (no link-layer header, so no next hop to resolve). */
  transmit(packet: Uint8Array): void {
    this.#link.send(packet);
  }

  /** Detach from the link. */
  close(): void {
    this.#link.onReceive = null;
  }
}
