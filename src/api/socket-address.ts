import type { SocketAddress } from "./types.js";

/** An address and port with its family, as `net` reports them ("IPv6" for RFC 5952 text). */
export function socketAddress(address: string, port: number): SocketAddress {
  return { address, port, family: address.includes(":") ? "IPv6" : "IPv4" };
}
