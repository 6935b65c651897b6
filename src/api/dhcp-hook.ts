import type { bindDhcpClient } from "./dhcp-binding.js";

/**
 * Where an Ethernet link made by the api's `ethernetLink` carries the DHCP client's binding, for a Stack
 * with `address: "dhcp"` to find. The capability travels with the link rather than being imported by
 * Stack, so a bundle with a Stack but no Ethernet link carries no DHCP client (the demo page's budget).
 */
export const DHCP_CLIENT: unique symbol = Symbol("wirestate.dhcpClient");

/** A link that can hold a DHCP client. */
export interface DhcpCapable {
  [DHCP_CLIENT]?: typeof bindDhcpClient;
}
