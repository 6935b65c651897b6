/**
 * `npm run bench` (builds dist-bench/ with bench/tsconfig.json, then runs dist-bench/bench/src/main.js): runs
 * every suite of suites.ts and prints a table of medians, ratios and targets met or missed. The bench is not
 * part of the published package; it runs from the repository.
 *   --json          one {"name","value","unit"} object per figure per line on stdout (notes go to stderr)
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

function format(f: Figure): string {
  const digits = f.value >= 100 ? 0 : f.value >= 10 ? 1 : 2;
  return `${f.value.toFixed(digits)} ${f.unit}`;
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
  const saved: { suite: string; figures: Figure[]; targets: { what: string; value: number; met: boolean }[] }[] = [];
  let missed = 0;
  for (const suite of suites) {
    log(`\n[${suite.name}]`);
    const figures = await suite.run({ quick: args.quick, log: (t) => log(`  ${t}`) });
    const width = Math.max(...figures.map((f) => f.name.length));
    for (const f of figures) {
      if (args.json) process.stdout.write(`${JSON.stringify({ name: f.name, value: f.value, unit: f.unit })}\n`);
      else log(`  ${f.name.padEnd(width)}  ${format(f)}`);
    }
    const verdicts = suite.targets.map((t) => {
      const f = figures.find((x) => x.name === t.figure);
      const met = f !== undefined && f.value >= t.atLeast;
      if (!met) missed++;
      log(`  target ${met ? "MET   " : "MISSED"} ${t.what}: ${f === undefined ? "not measured" : format(f)}`);
      return { what: t.what, value: f?.value ?? NaN, met };
    });
    saved.push({ suite: suite.name, figures, targets: verdicts });
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
