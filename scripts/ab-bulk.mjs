/**
 * A/B of two builds of the bench, the way per-segment-budget.md's tables were measured:
 *
 *   node scripts/ab-bulk.mjs BASE_DIR NEW_DIR [rounds] [connections] [lwip-binary]
 *
 * BASE_DIR and NEW_DIR are checkouts with `npm run build:wasm && npm run build:bench` done. Each round runs
 * one fresh process per build (the order alternates), each warming with 4 transfers of 128 MiB and then
 * timing 5 (one connection: engine-bulk.js; more: concurrent-bulk.js, 128 MiB in all), and
 * runs the native lwIP binary (gcc -O2 -I/usr/include/lwip ../shared/anchors/lwip/bench.c -llwip) twice
 * when one is given. Prints the medians of all timed transfers, per CPU-second, and new/base.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const [baseDir, newDir, roundsArg = "6", connectionsArg = "1", lwip] = process.argv.slice(2);
if (baseDir === undefined || newDir === undefined) {
  console.error("usage: node scripts/ab-bulk.mjs BASE_DIR NEW_DIR [rounds] [connections] [lwip-binary]");
  process.exit(2);
}
const rounds = Number(roundsArg);
const connections = Number(connectionsArg);
const MIB = 128;

/** One process of `dir`'s build: 4 warm-up transfers, then 5 timed; their Gbit/s per CPU-second. */
function runBuild(dir) {
  const one = resolve(dir, "dist-bench/bench/src/engine-bulk.js");
  const many = resolve(dir, "dist-bench/bench/src/concurrent-bulk.js");
  const body =
    connections === 1
      ? `const { bulk } = await import(${JSON.stringify(one)}); const go = () => bulk(${MIB} << 20, 1500).then((r) => r.bits);`
      : `const { concurrentBulk } = await import(${JSON.stringify(many)}); const go = () => concurrentBulk(${connections}, ${MIB} << 20);`;
  const script = `${body}
    for (let w = 0; w < 4; w++) await go();
    const rates = [];
    for (let i = 0; i < 5; i++) { const t = await go(); rates.push(t.units / t.cpu / 1e9); }
    console.log(rates.join(" "));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  return out.trim().split(" ").map(Number);
}

function runLwip() {
  const out = execFileSync(lwip, ["-q", "-n", String(MIB << 20), "-m", "1500"], { encoding: "utf8" });
  return Number(/gbps=([\d.]+)/.exec(out)?.[1]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

const rates = { base: [], new: [], lwip: [] };
for (let r = 0; r < rounds; r++) {
  for (const which of r % 2 === 0 ? ["base", "new"] : ["new", "base"]) {
    rates[which].push(...runBuild(which === "base" ? baseDir : newDir));
    if (lwip !== undefined) rates.lwip.push(runLwip(), runLwip());
  }
}
const m = { base: median(rates.base), new: median(rates.new) };
const vsLwip = (x) => (rates.lwip.length > 0 ? ` (${(x / median(rates.lwip)).toFixed(2)}x lwIP)` : "");
console.log(
  `${connections} connection(s), ${rates.base.length} timed runs each: base ${m.base.toFixed(2)}${vsLwip(m.base)}, ` +
    `new ${m.new.toFixed(2)}${vsLwip(m.new)} Gbit/s per CPU-second` +
    `${rates.lwip.length > 0 ? `, lwIP ${median(rates.lwip).toFixed(2)}` : ""}; new/base ${(m.new / m.base).toFixed(3)}`,
);
