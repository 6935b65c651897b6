import type { PingResult } from "../api/index.js";
import { numberFlag, parseArgs } from "./args.js";
import { UsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import { DNS_FLAG, DNS_HELP, openTunnelStack, TUNNEL_FLAGS, TUNNEL_HELP, TUNNEL_SWITCHES } from "./tunnel-stack.js";

export const PING_HELP = `wirestate ping HOST --tunnel BIND=PEER --address ADDR [-c COUNT] [-s SIZE] [--dns SERVER]

ICMP echo requests (RFC 792) from the userspace stack to HOST, an IPv4 address or a name looked up
through --dns, printed as ping prints them. Exits 0 when any reply came, 1 when none did.

${TUNNEL_HELP}
${DNS_HELP}
  -c, --count N        requests to send (default 4)
  -s, --size BYTES     echo data per request (default 56)
  -i, --interval SECS  between requests (default 1)
  -W, --timeout SECS   to wait for each reply (default 1)`;

/** `wirestate ping`. */
export async function pingCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs("ping", argv, {
    values: [...TUNNEL_FLAGS, DNS_FLAG, "count", "size", "interval", "timeout"],
    switches: TUNNEL_SWITCHES,
    short: { c: "count", s: "size", i: "interval", W: "timeout" },
    positional: 1,
  });
  if (parsed.positional.length !== 1) throw new UsageError("ping", "give exactly one HOST");
  const host = parsed.positional[0];
  const count = numberFlag("ping", parsed, "count", 4, 1, 65535);
  const size = numberFlag("ping", parsed, "size", 56, 0, 65499);
  const interval = numberFlag("ping", parsed, "interval", 1, 0, 3600, true) * 1000;
  const timeout = numberFlag("ping", parsed, "timeout", 1, 0, 3600, true) * 1000;
  const { stack, close } = await openTunnelStack("ping", parsed);
  try {
    const { addresses } = await stack.resolve(host);
    const address = addresses[0];
    // ping's second figure is the packet: the IPv4 and ICMP headers (28 bytes), IPv6 and ICMPv6 (48).
    const headers = address.includes(":") ? 48 : 28;
    io.stdout.write(`PING ${host} (${address}) ${size}(${size + headers}) bytes of data.\n`);
    const started = performance.now();
    const rtts: number[] = [];
    let sent = 0;
    const session = stack.ping(address, { count, size, interval, timeout });
    const stop = () => void session.return(undefined);
    io.signal.addEventListener("abort", stop, { once: true });
    try {
      for await (const r of session) {
        sent = Math.max(sent, r.seq);
        io.stdout.write(`${line(r)}\n`);
        if (r.ok) rtts.push(r.rtt);
      }
    } finally {
      io.signal.removeEventListener("abort", stop);
    }
    const loss = sent === 0 ? 0 : Math.round((100 * (sent - rtts.length)) / sent);
    io.stdout.write(`\n--- ${host} ping statistics ---\n`);
    io.stdout.write(
      `${sent} packets transmitted, ${rtts.length} received, ${loss}% packet loss, ` +
        `time ${Math.round(performance.now() - started)}ms\n`,
    );
    if (rtts.length > 0) {
      const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
      const fixed = (n: number) => n.toFixed(3);
      io.stdout.write(`rtt min/avg/max = ${fixed(Math.min(...rtts))}/${fixed(avg)}/${fixed(Math.max(...rtts))} ms\n`);
    }
    return rtts.length > 0 ? 0 : 1;
  } finally {
    await close();
  }
}

function line(r: PingResult): string {
  if (r.ok) return `${r.bytes} bytes from ${r.address}: icmp_seq=${r.seq} ttl=${r.ttl} time=${r.rtt.toFixed(2)} ms`;
  return r.reason === "timeout"
    ? `no answer from ${r.address}: icmp_seq=${r.seq}`
    : `From ${r.address} icmp_seq=${r.seq} ${r.reason.replaceAll("-", " ")}`;
}
