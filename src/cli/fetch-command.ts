import { once } from "node:events";
import { createWriteStream } from "node:fs";
import http from "node:http";
import { isIP } from "node:net";
import { finished } from "node:stream/promises";
import { toNodeDuplex } from "../api/node.js";
import { numberFlag, parseArgs } from "./args.js";
import { CliError, UsageError } from "./errors.js";
import { settleClosing } from "./graceful.js";
import type { CliIo } from "./io.js";
import { DNS_FLAG, DNS_HELP, openTunnelStack, TUNNEL_FLAGS, TUNNEL_HELP, TUNNEL_SWITCHES } from "./tunnel-stack.js";

export const FETCH_HELP = `wirestate fetch URL --tunnel BIND=PEER --address ADDR [--dns SERVER] [--output FILE] [--capture FILE]

An HTTP GET over the userspace TCP stack, through a UDP tunnel. URL is http://HOST[:PORT]/PATH, HOST an
IPv4 address, or a name looked up through --dns. The body goes to FILE, or to stdout; a summary goes to
stderr. Exits non-zero, with one line saying why, on a refused or unanswered connection or a status
other than 2xx.

${TUNNEL_HELP}
${DNS_HELP}
  --output FILE        write the body to FILE instead of stdout
  --timeout SECONDS    give up connecting after this long (default 10)`;

/** `wirestate fetch`. */
export async function fetchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs("fetch", argv, {
    values: [...TUNNEL_FLAGS, DNS_FLAG, "output", "timeout"],
    switches: TUNNEL_SWITCHES,
    positional: 1,
  });
  if (parsed.positional.length !== 1) throw new UsageError("fetch", "give exactly one URL");
  const url = parseUrl(parsed.positional[0], parsed.flags.has(DNS_FLAG));
  const timeout = numberFlag("fetch", parsed, "timeout", 10, 1, 3600);
  const { stack, close } = await openTunnelStack("fetch", parsed);
  try {
    const started = performance.now();
    const stream = await stack.connect(hostOf(url), Number(url.port || 80), { connectTimeout: timeout * 1000 });
    const socket = toNodeDuplex(stream);
    const request = http.request({
      method: "GET",
      host: url.hostname,
      port: url.port || 80,
      path: `${url.pathname}${url.search}`,
      headers: { "user-agent": "wirestate", connection: "close" },
      createConnection: () => socket,
    });
    request.end();
    const [response] = (await Promise.race([
      once(request, "response"),
      once(request, "error").then(([e]) => Promise.reject(e)),
    ])) as [http.IncomingMessage];
    if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode > 299) {
      response.resume();
      throw new CliError(`GET ${url.href}: HTTP ${response.statusCode} ${response.statusMessage ?? ""}`.trimEnd());
    }
    const output = parsed.flags.get("output");
    const sink = output === undefined ? io.stdout : createWriteStream(output);
    let bytes = 0;
    response.on("data", (chunk: Buffer) => (bytes += chunk.length));
    response.pipe(sink, { end: output !== undefined });
    await finished(response);
    if (output !== undefined) await finished(sink);
    const expected = Number(response.headers["content-length"] ?? bytes);
    if (bytes !== expected)
      throw new CliError(`GET ${url.href}: the connection ended after ${bytes} of ${expected} bytes`);
    const info = socket.info();
    // Our FIN, then wait (briefly) for the handshake to finish: the capture ends in a clean close.
    socket.end();
    await settleClosing([socket]);
    const seconds = (performance.now() - started) / 1000;
    io.stderr.write(
      `${bytes} bytes in ${seconds.toFixed(2)} s (${((bytes * 8) / seconds / 1e6).toFixed(1)} Mbit/s), ` +
        `${info.retransmits} retransmitted segments, srtt ${info.srtt?.toFixed(1) ?? "-"} ms\n`,
    );
    return 0;
  } finally {
    await close();
  }
}

function parseUrl(text: string, names: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("fetch", `"${text}" is not a URL`);
  }
  if (url.protocol !== "http:") throw new UsageError("fetch", `only http:// URLs are supported, got ${url.protocol}`);
  if (!names && isIP(hostOf(url)) === 0)
    throw new UsageError("fetch", `the host must be an IP address, or give --dns SERVER to look up ${url.hostname}`);
  return url;
}

/** The URL's host as an address or name: an IPv6 literal without its brackets (RFC 3986 §3.2.2). */
function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}
