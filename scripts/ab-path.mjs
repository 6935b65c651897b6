/**
 * A/B of one bench transfer between two builds, the way session 8's read-slab figures were measured:
 *
 *   node scripts/ab-path.mjs BASE_DIR NEW_DIR PATH [rounds]
 *
 * PATH is a transfer of bench/src/api-paths.ts or tcp-paths.ts (engine, engine_read_into, tcpstream, web,
 * web_byob, node_duplex, ...). BASE_DIR and NEW_DIR are checkouts with `npm run build:wasm && npm run
 * build:bench` done. Each round runs one fresh process per build (the order alternates), each warming with
 * 6 transfers of 128 MiB and then timing 6. Prints the medians of all timed transfers, per CPU-second, and
 * new/base.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const [baseDir, newDir, path, roundsArg = "6"] = process.argv.slice(2);
if (baseDir === undefined || newDir === undefined || path === undefined) {
  console.error("usage: node scripts/ab-path.mjs BASE_DIR NEW_DIR PATH [rounds]");
  process.exit(2);
}
const MIB = 128;

/** One process of `dir`'s build: 6 warm-up transfers, then 6 timed; their Gbit/s per CPU-second. */
function runBuild(dir) {
  const paths = resolve(dir, "dist-bench/bench/src/api-paths.js");
  const tcpPaths = resolve(dir, "dist-bench/bench/src/tcp-paths.js");
  const script = `const all = { ...(await import(${JSON.stringify(paths)})).PATHS, ...(await import(${JSON.stringify(tcpPaths)})).TCP_PATHS };
    const go = all[${JSON.stringify(path)}];
    if (go === undefined) throw new Error("no path " + ${JSON.stringify(path)});
    const bits = async () => { const r = await go(${MIB} << 20); return "bits" in r ? r.bits : r; };
    for (let w = 0; w < 6; w++) await bits();
    const rates = [];
    for (let i = 0; i < 6; i++) { const t = await bits(); rates.push(t.units / t.cpu / 1e9); }
    console.log(rates.join(" "));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  return out.trim().split(" ").map(Number);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

const rates = { base: [], new: [] };
for (let r = 0; r < Number(roundsArg); r++) {
  for (const which of r % 2 === 0 ? ["base", "new"] : ["new", "base"]) {
    rates[which].push(...runBuild(which === "base" ? baseDir : newDir));
  }
}
const m = { base: median(rates.base), new: median(rates.new) };
console.log(
  `${path}, ${MIB} MiB, Gbit/s per CPU-second: base ${m.base.toFixed(2)}, new ${m.new.toFixed(2)}, new/base ${(m.new / m.base).toFixed(3)}`,
);
