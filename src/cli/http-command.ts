import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import http from "node:http";
import { join, resolve, sep } from "node:path";
import { type TcpDuplex, toNodeDuplex } from "../api/node.js";
import { numberFlag, parseArgs } from "./args.js";
import { CliError } from "./errors.js";
import { isQuiet, settleClosing } from "./graceful.js";
import type { CliIo } from "./io.js";
import { openTunnelStack, TUNNEL_FLAGS, TUNNEL_HELP, TUNNEL_SWITCHES } from "./tunnel-stack.js";

export const HTTP_HELP = `wirestate http --tunnel BIND=PEER --address ADDR [--port 80] [--dir DIR] [--capture FILE]

Serves DIR (default: the current directory) over HTTP with Node's http server running on the userspace
TCP stack, reachable through a UDP tunnel. GET and HEAD serve files; POST to any path answers 200 with the
SHA-256 of the request body as lowercase hex, so uploads can be checked. Runs until interrupted.

${TUNNEL_HELP}
  --port PORT          TCP port to listen on (default 80)
  --dir DIR            directory to serve (default .)`;

/** `wirestate http`: resolves with the exit status once `io.signal` aborts. */
export async function httpCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs("http", argv, { values: [...TUNNEL_FLAGS, "port", "dir"], switches: TUNNEL_SWITCHES });
  const port = numberFlag("http", parsed, "port", 80, 1, 65535);
  const root = resolve(parsed.flags.get("dir") ?? ".");
  const rootInfo = await stat(root).catch(() => null);
  if (rootInfo === null || !rootInfo.isDirectory()) throw new CliError(`--dir ${root} is not a directory`);
  const { stack, describe, close } = await openTunnelStack("http", parsed, (line) => io.stderr.write(`${line}\n`));
  const server = http.createServer((req, res) => {
    handle(root, req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy(err);
    });
    res.on("finish", () => io.stderr.write(`${req.method} ${req.url} ${res.statusCode}\n`));
  });
  const listener = stack.listen(port);
  const urls = stack.addresses.map((a) => `http://${a.includes(":") ? `[${a}]` : a}${port === 80 ? "" : `:${port}`}/`);
  io.stderr.write(`serving ${root} at ${urls.join(" and ")} (${describe})\n`);
  // Connections that may still be closing, so shutdown can let them finish instead of resetting them.
  const sockets = new Set<TcpDuplex>();
  const accepting = (async () => {
    try {
      for await (const stream of listener) {
        for (const s of sockets) if (s.destroyed && isQuiet(s)) sockets.delete(s);
        const socket = toNodeDuplex(stream);
        sockets.add(socket);
        server.emit("connection", socket);
      }
    } catch {
      // The listener closed: shutting down.
    }
  })();
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  // Shutdown: no new connections; idle keep-alive ones get our FIN; requests in progress may finish.
  listener.close();
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]);
  await settleClosing(sockets);
  await accepting;
  await close();
  return 0;
}

async function handle(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method === "POST") {
    const hash = createHash("sha256");
    for await (const chunk of req) hash.update(chunk as Buffer);
    const body = hash.digest("hex");
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length }).end(body);
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD, POST" }).end();
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = resolve(root, `.${path}`);
  // Never outside the served directory, whatever the path says (.., encoded slashes).
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  if (info === null) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  if (info.isDirectory()) {
    const index = join(file, "index.html");
    const indexInfo = await stat(index).catch(() => null);
    if (indexInfo?.isFile()) return sendFile(req, res, index, indexInfo.size, "text/html");
    const names = (await readdir(file, { withFileTypes: true })).map((d) => (d.isDirectory() ? `${d.name}/` : d.name));
    const base = path.endsWith("/") ? path : `${path}/`;
    const body = `<!doctype html><title>${escapeHtml(path)}</title><ul>${names
      .map((n) => `<li><a href="${escapeHtml(encodeURI(base + n))}">${escapeHtml(n)}</a></li>`)
      .join("")}</ul>\n`;
    res.writeHead(200, { "content-type": "text/html", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  return sendFile(req, res, file, info.size, "application/octet-stream");
}

function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: string,
  size: number,
  type: string,
): Promise<void> {
  res.writeHead(200, { "content-type": type, "content-length": size });
  if (req.method === "HEAD") {
    res.end();
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const input = createReadStream(file);
    input.once("error", reject);
    res.once("close", () => {
      input.destroy();
      resolve();
    });
    input.pipe(res);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
