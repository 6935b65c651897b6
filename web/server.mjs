// Builds the demo page (web/main.ts and its worker) in memory with esbuild and serves it, with the static
// files beside it, on 127.0.0.1 by default. Used by `npm run demo:web` and by the browser tests, so both load the
// same page the same way.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const WEB = fileURLToPath(new URL(".", import.meta.url));
const STATIC = ["index.html", "style.css"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".map": "application/json",
};

/** The page's files, path -> bytes: the HTML and CSS as written, main.js and worker.js bundled and minified. */
export async function buildDemo() {
  const out = await build({
    entryPoints: { main: `${WEB}main.ts`, worker: `${WEB}worker.ts` },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    outdir: "/",
    logLevel: "silent",
  });
  const files = new Map();
  for (const f of out.outputFiles) files.set(f.path.slice(f.path.lastIndexOf("/") + 1), f.contents);
  for (const name of STATIC) files.set(name, await readFile(`${WEB}${name}`));
  return files;
}

/** What a first visit downloads, per file and in total, raw and gzipped (level 9, as a server would). */
export function downloadSizes(files) {
  const rows = [...files].map(([name, bytes]) => ({
    name,
    bytes: bytes.length,
    gzipped: gzipSync(bytes, { level: 9 }).length,
  }));
  const total = rows.reduce((t, r) => ({ name: "total", bytes: t.bytes + r.bytes, gzipped: t.gzipped + r.gzipped }), {
    name: "total",
    bytes: 0,
    gzipped: 0,
  });
  return [...rows, total];
}

/**
 * Serve `files` on `host` (default 127.0.0.1; port 0 picks a free one). Resolves once listening. Every
 * request first passes `guard` (wirestate/link/node's `pageServerGuard()`: a foreign page's Origin, a
 * rebinding DNS name), which this file takes from its caller because it runs without a TypeScript build.
 */
export function serveFiles(files, { port = 0, host = "127.0.0.1", guard }) {
  if (typeof guard?.refusal !== "function") throw new TypeError("serveFiles needs a guard: pageServerGuard()");
  const etags = new Map(
    [...files].map(([path, body]) => [path, `"${createHash("sha256").update(body).digest("hex").slice(0, 20)}"`]),
  );
  const server = createServer((req, res) => {
    const refused = guard.refusal(req);
    if (refused !== null) {
      res.writeHead(refused.status, { "content-type": "text/plain; charset=utf-8" }).end(`${refused.reason}\n`);
      return;
    }
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.slice(1) || "index.html";
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    // Cacheable but always revalidated: both workers ask for worker.js at once, and the browser's cache
    // then serves the second from the first's response instead of downloading it twice.
    const etag = etags.get(path);
    const headers = { "cache-control": "no-cache", etag };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const type = TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
    res.writeHead(200, { ...headers, "content-type": type }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
      resolve({
        url: `http://${shown}:${bound}/`,
        origin: `http://${shown}:${bound}`,
        // Browsers keep connections open (keep-alive, preconnects) that close() alone would wait for.
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
