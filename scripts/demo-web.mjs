// npm run demo:web: build the demo page and serve it on 127.0.0.1 (PORT=... to pick the port; default
// 8080, or any free port when 8080 is taken; HOST=... to listen elsewhere, with a warning). Requests from
// other pages (a foreign Origin, a DNS name that is not localhost) are refused with 403; ORIGINS=a,b lets
// those origins in as well.
import { pageServerGuard, warnIfExposed } from "../dist/link/node.js";
import { buildDemo, downloadSizes, serveFiles } from "../web/server.mjs";

const files = await buildDemo();
const host = process.env.HOST ?? "127.0.0.1";
const allowedOrigins = (process.env.ORIGINS ?? "").split(",").filter((o) => o !== "");
const guard = pageServerGuard({ allowedOrigins });
const wanted = Number(process.env.PORT ?? 8080);
const { url } = await serveFiles(files, { port: wanted, host, guard }).catch((error) => {
  if (error.code !== "EADDRINUSE" || process.env.PORT !== undefined) throw error;
  return serveFiles(files, { port: 0, host, guard });
});
warnIfExposed("the demo page server", host, "every machine that reaches it can load the page; unset HOST");
for (const r of downloadSizes(files))
  console.log(`  ${r.name.padEnd(12)} ${String(r.bytes).padStart(8)} B  gzipped ${String(r.gzipped).padStart(7)} B`);
console.log(`\nwirestate demo: ${url}  (Ctrl-C to stop)`);
