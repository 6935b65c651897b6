// `npm run captures`: builds, then writes captures/ from the scenarios in capture-scenarios.mjs run
// against dist/. `--check` compares instead of writing and exits 1 when a file is stale.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { captureFiles, generateCaptures } from "./capture-scenarios.mjs";

async function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const dist = (path) => import(pathToFileURL(join(root, "dist", path)).href);
  const lib = {
    pcap: await dist("pcap/index.js"),
    wire: await dist("wire/index.js"),
    CaptureLink: (await dist("link/capture.js")).CaptureLink,
    memoryLinkPair: (await dist("link/memory.js")).memoryLinkPair,
    VirtualClock: (await dist("clock/index.js")).VirtualClock,
    IpStack: (await dist("stack/index.js")).IpStack,
    ...(await dist("stack/event-text.js")),
  };
  const out = join(root, "captures");
  mkdirSync(out, { recursive: true });
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const file of captureFiles(await generateCaptures(lib))) {
    const path = join(out, file.name);
    if (check) {
      let old = null;
      try {
        old = readFileSync(path);
      } catch {}
      if (old === null || !old.equals(file.bytes)) {
        stale++;
        console.log(`stale: captures/${file.name}`);
      }
    } else {
      writeFileSync(path, file.bytes);
      console.log(`captures/${file.name} (${file.bytes.length} bytes)`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

await main();
