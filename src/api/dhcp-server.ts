import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from "../dhcp/dhcp-message.js";
import { DhcpServer, type DhcpServerCounters, type DhcpServerOptions } from "../dhcp/dhcp-server.js";
import { ipv4ToString, parseIpv4 } from "../wire/ipv4-address.js";
import type { Stack } from "./stack.js";

/** A DHCP server running on a stack: what `dhcpServer(stack, options)` returns. */
export interface DhcpServerHandle {
  /** Messages in and out, pool exhaustion, drops by reason. */
  readonly counters: DhcpServerCounters;
  /** The live leases: address, client (MAC or client id) and end (clock ms). */
  leases(): { address: string; client: string; expires: number }[];
  /** Stop serving (UDP port 67 is released). */
  close(): void;
}

/**
 * Serve DHCP (RFC 2131) on `stack`'s link: addresses from `pool` with `router`, `dns` and `leaseTime`, so
 * VMs and other stacks on the same switch get their configuration. The stack's own address is the server
 * identifier. Throws AddressInUseError when UDP port 67 is taken (another server on this stack). A free
 * function over the stack's public UDP, not a method, so a bundle without it carries no DHCP server.
 */
export function dhcpServer(stack: Stack, options: DhcpServerOptions): DhcpServerHandle {
  if (stack.address === "0.0.0.0") throw new RangeError("a DHCP server needs a stack with an IPv4 address of its own");
  const ip = parseIpv4(stack.address);
  const socket = stack.udp({ port: DHCP_SERVER_PORT, broadcast: true });
  let server: DhcpServer;
  try {
    server = new DhcpServer(
      { clock: stack.clock, ip, send: (payload, dst) => socket.send(payload, ipv4ToString(dst), DHCP_CLIENT_PORT) },
      options,
    );
  } catch (error) {
    socket.close();
    throw error;
  }
  void (async () => {
    for (let m = await socket.receive(); m !== null; m = await socket.receive()) server.input(m.data);
  })();
  return { counters: server.counters, leases: () => server.leases(), close: () => void socket.close() };
}
