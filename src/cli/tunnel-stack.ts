import { isIPv4, isIPv6 } from "node:net";
import { Stack, ethernetLink } from "../api/index.js";
import type { Link } from "../link/link.js";
import { udpTunnelLink } from "../link/node.js";
import { ipv6ToString as ipv6Text } from "../wire/ipv6-address.js";
import { NodeFileSink } from "../pcap/node.js";
import { PcapngWriter } from "../pcap/index.js";
import { type Parsed, required } from "./args.js";
import { CliError, UsageError } from "./errors.js";

/** The flags every tunnel command shares. */
export const TUNNEL_FLAGS = ["tunnel", "address", "capture", "mtu", "gateway"] as const;
/** The switches every tunnel command shares. */
export const TUNNEL_SWITCHES = ["ethernet"] as const;

export const TUNNEL_HELP = `  --tunnel BIND=PEER   UDP tunnel: receive on BIND, send to PEER (e.g. 127.0.0.1:9000=127.0.0.1:9001);
                       the other end is socat TUN:... UDP-DATAGRAM:...,rcvbuf=4194304 (see docs/tunnel.md in the package; the
                       default UDP buffer overflows at full speed) or another wirestate
  --address ADDR       this stack's IPv4 address on the tunnel (e.g. 10.77.0.2), and/or IPv6 ones with their
                       prefixes, comma-separated (10.77.0.2,fd00::2/64); with --ethernet, "dhcp" asks a DHCP
                       server on the link for the IPv4 address, subnet, router and DNS, and "slaac" in the list
                       asks for IPv6 addresses from router advertisements (10.77.0.2/24,slaac)
  --mtu BYTES          the tunnel's MTU (default 1500; match the TUN's; with --ethernet, the frame size, 1514)
  --ethernet           the datagrams carry Ethernet frames (socat TUN:...,tun-type=tap): the stack ARPs
                       and answers ARP on its own random locally administered MAC, and with an IPv6 address
                       runs neighbour discovery (a link-local address, DAD, the default router from RAs)
  --gateway ADDR       with --ethernet: the default router, on the /24 of --address (ADDR/PREFIX sets another)
  --capture FILE       write every packet to FILE as pcapng, with the engine's events as comments`;

/** The flag of the commands that take host names. */
export const DNS_FLAG = "dns";

export const DNS_HELP = `  --dns SERVER[,SERVER]  DNS servers (ADDR or ADDR:PORT) for host names, asked over the tunnel`;

export interface TunnelStack {
  stack: Stack;
  describe: string;
  /** Closes the stack, the tunnel and the capture file (flushed). */
  close(): Promise<void>;
}

/** A Stack on a UDP tunnel, from --tunnel, --address, --mtu, --capture, --ethernet and --gateway. */
export async function openTunnelStack(
  command: string,
  parsed: Parsed,
  report: (line: string) => void = () => {},
): Promise<TunnelStack> {
  const tunnel = required(command, parsed, "tunnel");
  const ethernet = parsed.switches.has("ethernet");
  const addressFlag = required(command, parsed, "address");
  const dhcp = addressFlag === "dhcp";
  if (dhcp && !ethernet)
    throw new UsageError(command, "--address dhcp needs --ethernet (DHCP runs on Ethernet broadcasts)");
  if (dhcp && parsed.flags.has("gateway"))
    throw new UsageError(command, "--gateway comes from the DHCP server with --address dhcp");
  const all = (dhcp ? "0.0.0.0" : addressFlag).split(",");
  const slaac = all.includes("slaac");
  if (slaac && !ethernet)
    throw new UsageError(command, "--address slaac needs --ethernet (routers advertise on a LAN)");
  const given = all.filter((a) => a !== "slaac");
  const ipv6 = given.filter((a) => a.includes(":"));
  for (const a of ipv6) {
    const [text, bits, rest] = a.split("/");
    if (!isIPv6(text) || rest !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= 128)))
      throw new UsageError(command, `--address: "${a}" is no IPv6 address (ADDR or ADDR/PREFIX, e.g. fd00::2/64)`);
  }
  if (ethernet && (ipv6.length > 0 || slaac) && !given.some((a) => !a.includes(":")))
    throw new UsageError(command, "--address: --ethernet needs an IPv4 address beside the IPv6 ones");
  const ipv4 = given.filter((a) => !a.includes(":"));
  if (ipv4.length > 1) throw new UsageError(command, "--address takes at most one IPv4 address");
  const [address, prefixText, more] = (ipv4[0] ?? "0.0.0.0").split("/");
  const prefix = prefixText === undefined ? 24 : /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : -1;
  if (more !== undefined || prefix < 0 || prefix > 32 || (prefixText !== undefined && !ethernet))
    throw new UsageError(command, "--address takes ADDR, or ADDR/PREFIX with --ethernet");
  const gateway = parsed.flags.get("gateway");
  if (gateway !== undefined && (!ethernet || !isIPv4(gateway)))
    throw new UsageError(command, `--gateway takes an IPv4 address, and only with --ethernet, got "${gateway}"`);
  const [bind, peer, extra] = tunnel.split("=");
  if (peer === undefined || extra !== undefined)
    throw new UsageError(command, `--tunnel must be BIND=PEER, e.g. 127.0.0.1:9000=127.0.0.1:9001, got "${tunnel}"`);
  if (!isIPv4(address))
    throw new UsageError(command, `--address must be an IPv4 address like 10.77.0.2, got "${address}"`);
  const mtuText = parsed.flags.get("mtu") ?? (ethernet ? "1514" : "1500");
  const mtu = Number(mtuText);
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
    throw new UsageError(command, `--mtu must be an integer from 68 to 65535, got "${mtuText}"`);
  const dns = parsed.flags.get(DNS_FLAG)?.split(",");
  if (dns?.some((s) => !isIPv4(s.split(":")[0])))
    throw new UsageError(command, `--dns takes IPv4 addresses (ADDR or ADDR:PORT, comma-separated), got "${dns}"`);
  const tunnelLink = await udpTunnelLink({ bind, peer, mtu, framing: ethernet ? "ethernet" : "ipv4" });
  const link: Link = ethernet
    ? ethernetLink({ link: tunnelLink, address: dhcp ? undefined : `${address}/${prefix}`, gateway })
    : tunnelLink;
  const captureFile = parsed.flags.get("capture");
  let writer: PcapngWriter | null = null;
  if (captureFile !== undefined) {
    try {
      writer = new PcapngWriter(new NodeFileSink(captureFile), { interfaceName: `tunnel ${bind}` });
    } catch (err) {
      tunnelLink.close();
      throw new CliError(`cannot write the capture ${captureFile}: ${(err as Error).message}`);
    }
  }
  const stack = new Stack({
    address: dhcp ? "dhcp" : [...(ipv4.length === 0 ? [] : [address]), ...ipv6, ...(slaac ? ["slaac"] : [])],
    link,
    capture: writer ?? undefined,
    dns,
    // Addresses neighbour discovery assigns come later than the first line: each is reported as it comes.
    onNeighborDiscovery: (e) => {
      if (e.type === "address" && e.address.state === "preferred")
        report(`ipv6 address ${e.address.text}/${e.address.prefixLength} (${e.address.origin})`);
      if (e.type === "router") report(`ipv6 default router ${ipv6Text(e.router)} for ${e.lifetime / 1000} s`);
    },
  });
  const close = async () => {
    stack.close();
    // What the close sent (a DHCP RELEASE, RSTs) leaves the UDP socket on a later turn; closing it now would drop it.
    await new Promise((resolve) => setImmediate(resolve));
    link.close();
    tunnelLink.close();
    await writer?.close();
  };
  if (dhcp) {
    try {
      await stack.ready;
    } catch (err) {
      await close();
      throw new CliError(`--address dhcp: ${(err as Error).message}`);
    }
  }
  const lease = stack.dhcp?.lease;
  const how = lease == null ? "" : `, DHCP from ${lease.server}`;
  return {
    stack,
    describe: `${stack.addresses.join(", ")}${ethernet ? ` (Ethernet${how})` : ""} through the UDP tunnel ${tunnelLink.local.address}:${tunnelLink.local.port} -> ${peer}`,
    close,
  };
}
