/**
 * `npm run bench` (builds dist-bench/ with bench/tsconfig.json, then runs dist-bench/bench/src/main.js): runs
 * every suite of suites.ts and prints a table of medians, ratios and targets met or missed. The bench is not
 * part of the published package; it runs from the repository.
 *   --json          one {"name","value","unit","anchor","anchorName","ratio","target","met"} object per figure per
 *                   line on stdout (notes go to stderr); verdict.ts says what each key holds
 *   --quick         fewer, shorter runs (a smoke check, not a measurement)
 *   --suite NAME    only that suite (repeatable)
 *   --save FILE     also write the figures and target verdicts as JSON to FILE (e.g. bench/results/x.json)
 *   --no-fail       exit 0 even when a target is missed (the default is exit 1, so CI notices)
 * Bad arguments, an unknown suite among them, are a usage error: one line on stderr, exit 2.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { WirestateError } from "../../src/errors/wirestate-error.js";
import { SUITE_MODULES } from "./suites.js";
import type { BenchSuite, Figure } from "./suite.js";
import { rows, targetMet, targetText, type Row } from "./verdict.js";

interface Args {
  json: boolean;
  quick: boolean;
  noFail: boolean;
  suites: string[];
  save?: string;
}

const USAGE = "use --json, --quick, --no-fail, --suite NAME, --save FILE";

/** A bad command line: reported as one line, exit 2, never as a crash. */
class BenchUsageError extends WirestateError {
  static override readonly code = "WS_BENCH_USAGE";
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, quick: false, noFail: false, suites: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--quick") args.quick = true;
    else if (a === "--no-fail") args.noFail = true;
    else if (a === "--suite" && i + 1 < argv.length) args.suites.push(argv[++i]);
    else if (a === "--save" && i + 1 < argv.length) args.save = argv[++i];
    else if (a === "--suite" || a === "--save") throw new BenchUsageError(`${a} needs a value`);
    else if (a.startsWith("-")) throw new BenchUsageError(`unknown option ${a} (${USAGE})`);
    else throw new BenchUsageError(`unexpected argument "${a}" (${USAGE})`);
  }
  return args;
}

function format(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

/** The human table: figure, value, anchor, ratio, and a mark for a figure that carries a target. */
function table(list: Row[]): string[] {
  const cells = list.map((r) => [
    r.name,
    format(r.value, r.unit),
    r.anchor === null ? "" : `${format(r.anchor, r.unit)} ${r.anchorName}`,
    r.ratio === null ? "" : `${r.ratio.toFixed(2)}x`,
    r.met === null ? "" : r.met ? "met" : "MISSED",
  ]);
  const head = ["figure", "value", "anchor", "ratio", "target"];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [head, ...cells].map((c) =>
    c
      .map((x, i) => (i === 1 || i === 3 ? x.padStart(width[i]) : x.padEnd(width[i])))
      .join("  ")
      .trimEnd(),
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (text: string) => (args.json ? process.stderr : process.stdout).write(`${text}\n`);
  const suites: BenchSuite[] = [];
  const known: string[] = [];
  for (const path of SUITE_MODULES) {
    const suite = ((await import(path)) as { default: BenchSuite }).default;
    known.push(suite.name);
    if (args.suites.length === 0 || args.suites.includes(suite.name)) suites.push(suite);
  }
  const unknown = args.suites.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new BenchUsageError(`unknown suite ${unknown.map((n) => `"${n}"`).join(", ")} (suites: ${known.join(", ")})`);
  }
  log(
    `wirestate bench: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "?"}` +
      `, load average ${loadavg()[0].toFixed(1)}${args.quick ? " (quick: not a measurement)" : ""}; medians of interleaved runs, per CPU-second`,
  );
  const saved: { suite: string; figures: Row[]; targets: { what: string; value: number; met: boolean }[] }[] = [];
  let missed = 0;
  for (const suite of suites) {
    log(`\n[${suite.name}]`);
    const figures = await suite.run({ quick: args.quick, log: (t) => log(`  ${t}`) });
    const list = rows(figures, suite.targets);
    if (args.json) for (const r of list) process.stdout.write(`${JSON.stringify(r)}\n`);
    else for (const line of table(list)) log(`  ${line}`);
    const verdicts = suite.targets.map((t) => {
      const f: Figure | undefined = figures.find((x) => x.name === t.figure);
      const met = targetMet(t, f);
      if (!met) missed++;
      const seen =
        f === undefined
          ? "not measured"
          : t.on === "ratio"
            ? f.anchor === undefined
              ? "no anchor measured"
              : `${(f.value / f.anchor.value).toFixed(2)}x ${f.anchor.name}`
            : format(f.value, f.unit);
      log(`  target ${met ? "MET   " : "MISSED"} ${targetText(t)}: ${seen}`);
      return {
        what: targetText(t),
        value: t.on === "ratio" && f?.anchor ? f.value / f.anchor.value : (f?.value ?? NaN),
        met,
      };
    });
    saved.push({ suite: suite.name, figures: list, targets: verdicts });
  }
  if (args.save !== undefined) {
    writeFileSync(
      args.save,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          cpu: cpus()[0]?.model,
          cores: cpus().length,
          loadAverage: loadavg(),
          quick: args.quick,
          suites: saved,
        },
        null,
        2,
      )}\n`,
    );
    log(`\nsaved to ${args.save}`);
  }
  log(
    `load average now ${loadavg()[0].toFixed(1)} (rates are per CPU-second, so other jobs cost them only shared caches and cores)`,
  );
  log(`\n${missed === 0 ? "all targets met" : `${missed} target(s) missed${args.noFail ? " (--no-fail)" : ""}`}`);
  if (missed > 0 && !args.noFail) process.exitCode = 1;
}

main().catch((e: unknown) => {
  if (e instanceof BenchUsageError) {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
