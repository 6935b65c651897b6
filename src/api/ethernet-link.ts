import { ethernetLink as routedEthernetLink, type EthernetLinkOptions } from "../netif/routed-link.js";
import { bindDhcpClient } from "./dhcp-binding.js";
import { DHCP_CLIENT } from "./dhcp-hook.js";

/**
 * One Ethernet interface as a stack's link: `new Stack({ address: "10.0.0.2", link: ethernetLink({ link,
 * address: "10.0.0.2/24", gateway: "10.0.0.1" }) })`, or, with the address from DHCP, `new Stack({
 * address: "dhcp", link: ethernetLink({ link }) })`. Its `interface` has the ARP cache and counters.
 */
export function ethernetLink(options: EthernetLinkOptions): ReturnType<typeof routedEthernetLink> {
  return Object.assign(routedEthernetLink(options), { [DHCP_CLIENT]: bindDhcpClient });
}
