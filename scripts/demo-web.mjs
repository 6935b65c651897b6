// npm run demo:web: build the demo page and serve it on 127.0.0.1 (PORT=... to pick the port; default
// 8080, or any free port when 8080 is taken).
import { buildDemo, downloadSizes, serveFiles } from "../web/server.mjs";

const files = await buildDemo();
const wanted = Number(process.env.PORT ?? 8080);
const { url } = await serveFiles(files, wanted).catch((error) => {
  if (error.code !== "EADDRINUSE" || process.env.PORT !== undefined) throw error;
  return serveFiles(files, 0);
});
for (const r of downloadSizes(files))
  console.log(`  ${r.name.padEnd(12)} ${String(r.bytes).padStart(8)} B  gzipped ${String(r.gzipped).padStart(7)} B`);
console.log(`\nwirestate demo: ${url}  (Ctrl-C to stop)`);
