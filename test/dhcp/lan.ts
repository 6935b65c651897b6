import {
  Stack,
  VirtualClock,
  dhcpServer,
  ethernetLink,
  virtualSwitch,
  type StackOptions,
} from "../../src/api/index.js";
import type { DhcpServerOptions } from "../../src/dhcp/index.js";
import { parseMac } from "../../src/wire/index.js";

export const isnKey = new Uint8Array(16).fill(7);

/**
 * A switch with a server stack at 10.0.0.1/24 serving DHCP (pool 10.0.0.100-, router 10.0.0.1, DNS
 * 10.0.0.53), on a virtual clock; `client()` adds a stack with `address: "dhcp"`.
 */
export function dhcpLan(server: Partial<DhcpServerOptions> = {}) {
  const clock = new VirtualClock(1_700_000_000_000);
  const sw = virtualSwitch({ clock });
  const serverLink = ethernetLink({
    link: sw.port(),
    address: "10.0.0.1/24",
    mac: parseMac("02:00:00:00:00:01"),
    clock,
  });
  const serverStack = new Stack({ address: "10.0.0.1", link: serverLink, clock, isnKey });
  const dhcp = dhcpServer(serverStack, {
    pool: "10.0.0.100-10.0.0.109",
    router: "10.0.0.1",
    dns: "10.0.0.53",
    leaseTime: 3600,
    ...server,
  });
  let clients = 0;
  const client = (options: Partial<StackOptions> = {}) => {
    clients++;
    const link = ethernetLink({
      link: sw.port(),
      mac: parseMac(`02:00:00:00:01:${clients.toString(16).padStart(2, "0")}`),
      clock,
    });
    const stack = new Stack({ address: "dhcp", link, clock, isnKey, ...options });
    return { link, stack };
  };
  return { clock, sw, serverLink, serverStack, dhcp, client };
}
