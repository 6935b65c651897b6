import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * ARCHITECTURE.md's layers, enforced: imports point down only. Each folder of src/ lists the folders it may
 * import from; anything else is a layering error. `errors` (the WirestateError base) is the bottom layer,
 * below even clock and wire, so every layer's errors share it. `session` runs over any byte stream, so it
 * imports nothing of the TCP side.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  clock: ["errors"],
  // The packet arena tells links how a dropped packet's slot goes back (link/packet-release.ts).
  wire: ["errors", "link"],
  pcap: ["errors"],
  link: ["errors", "clock", "pcap"],
  // Neighbour resolution (ARP now, IPv6 ND later) needs frames and time, nothing of IP's policy.
  neighbor: ["errors", "clock", "wire"],
  // IPv6 neighbour discovery and address configuration: ND bodies in, ICMPv6 bodies out, on the cache.
  ndp: ["errors", "clock", "neighbor", "wire"],
  // Interfaces give the stack IPv4 packets over their links; the stack does not know them.
  netif: ["errors", "clock", "link", "neighbor", "ndp", "wire"],
  // The transports are siblings: none imports another; the stack wires them together.
  tcp: ["errors", "clock", "wire"],
  udp: ["errors", "clock", "wire"],
  icmp: ["errors", "clock", "wire"],
  // IPv4 reassembly and fragmentation: below the stack, beside the transports.
  fragments: ["errors", "clock", "wire"],
  // The event union names DHCP's and ND's events (types and their text only: both sit below the stack).
  stack: ["errors", "clock", "dhcp", "fragments", "link", "ndp", "tcp", "udp", "icmp", "wire"],
  // The resolver runs on interfaces it defines (datagram socket, stream connector), not on the stack.
  dns: ["errors", "clock", "wire"],
  // DHCP speaks to a datagram sender and a host it defines; the api binds it to a stack's UDP and interface.
  dhcp: ["errors", "clock", "wire"],
  api: [
    "errors",
    "clock",
    "dhcp",
    "dns",
    "link",
    "ndp",
    "neighbor",
    "netif",
    "pcap",
    "stack",
    "tcp",
    "udp",
    "icmp",
    "wire",
  ],
  session: ["errors"],
  // The packetdrill interpreter drives the stack as a peer would: a link below it, the stack's calls above.
  packetdrill: ["errors", "clock", "link", "stack", "tcp", "wire"],
  cli: [
    "errors",
    "api",
    "clock",
    "dhcp",
    "dns",
    "link",
    "netif",
    "packetdrill",
    "pcap",
    "session",
    "stack",
    "tcp",
    "udp",
    "icmp",
    "wire",
  ],
};

const SRC = resolve("src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every relative import or re-export of `file`, resolved to a path under src/ (".js" read as ".ts"). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/g)].map((m) => m[1]);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, ".ts"));
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = relative(SRC, file).split("/")[0];
    const allowed = ALLOWED[layer];
    if (allowed === undefined) {
      found.push(`${relative(SRC, file)}: folder src/${layer} has no place in the layers`);
      continue;
    }
    for (const target of importsOf(file)) {
      const targetLayer = target.split("/")[0];
      if (targetLayer === layer) continue;
      if (targetLayer.startsWith("..")) found.push(`${relative(SRC, file)} imports ${target}, outside src/`);
      else if (!allowed.includes(targetLayer) && !allowed.includes(target)) {
        found.push(`${relative(SRC, file)} (${layer}) imports ${target} (${targetLayer})`);
      }
    }
  }
  return found;
}

describe("layers", () => {
  it("every import in src/ points down the layers of ARCHITECTURE.md", () => {
    expect(violations()).toEqual([]);
  });

  it("the check sees real imports (a known downward edge is found)", () => {
    expect(importsOf(join(SRC, "stack", "ip-stack.ts"))).toContain("tcp/tcp-protocol.ts");
  });
});
