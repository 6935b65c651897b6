/**
 * Where one bench transfer allocates on the JavaScript heap, the figure behind per-segment-budget.md's
 * bytes per KiB:
 *
 *   node scripts/alloc-profile.mjs PATH [warm-ups] [runs]
 *
 * PATH is a transfer of bench/src/api-paths.ts or tcp-paths.ts (after `npm run build:wasm && npm run
 * build:bench`). After the warm-up transfers (6), V8's sampling heap profiler runs over `runs` (4)
 * transfers of 128 MiB, counting objects the collector has since freed too, one sample per 1 KiB
 * allocated. Prints the sampled bytes per KiB of data moved and the allocating functions, largest first.
 * ArrayBuffer contents are outside the heap and not counted.
 */
import { Session } from "node:inspector/promises";
import { resolve } from "node:path";

const [path, warmArg = "6", runsArg = "4"] = process.argv.slice(2);
if (path === undefined) {
  console.error("usage: node scripts/alloc-profile.mjs PATH [warm-ups] [runs]");
  process.exit(2);
}
const here = resolve(import.meta.dirname, "../dist-bench/bench/src");
const all = {
  ...(await import(resolve(here, "api-paths.js"))).PATHS,
  ...(await import(resolve(here, "tcp-paths.js"))).TCP_PATHS,
};
const go = all[path];
if (go === undefined) throw new Error(`no path ${path}; there are ${Object.keys(all).join(", ")}`);
const MIB = 128;
const runs = Number(runsArg);
for (let i = 0; i < Number(warmArg); i++) await go(MIB << 20);

const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
for (let i = 0; i < runs; i++) await go(MIB << 20);
const { profile } = await session.post("HeapProfiler.stopSampling");

const bySite = new Map();
let total = 0;
const walk = (node) => {
  const f = node.callFrame;
  const site = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  total += node.selfSize;
  if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(`${path}: ${(total / (runs * MIB * 1024)).toFixed(1)} bytes allocated per KiB moved (sampled)`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${site}`);
}
