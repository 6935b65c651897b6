import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type RunResult, runScript } from "../packetdrill/index.js";
import { parseArgs } from "./args.js";
import { CliError, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";

export const PACKETDRILL_HELP = `wirestate packetdrill [--json] [--verbose] [--no-tso] [--strict-options] FILE...

Runs packetdrill scripts (.pkt) against the stack on a virtual clock, one after another, and prints pass,
fail (with the first mismatch: line, expected and actual packet, times) or unsupported for each, then a
summary line. Exit status 0 only when every script passes.
  --json             one JSON object per script: {"file", "result", "line", "reason"}
  --verbose          also the sysctls with no equivalent, the commands skipped, and TSO coalescing
  --no-tso           compare segment by segment (by default back-to-back segments may match one TSO line)
  --strict-options   compare TCP options byte for byte (by default padding and order are free)`;

export async function packetdrillCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs("packetdrill", argv, {
    values: [],
    switches: ["json", "verbose", "no-tso", "strict-options"],
    positional: Number.POSITIVE_INFINITY, // FILE...
  });
  if (parsed.positional.length === 0) throw new UsageError("packetdrill", "name at least one script");
  const json = parsed.switches.has("json");
  const verbose = parsed.switches.has("verbose");
  const counts = { pass: 0, fail: 0, unsupported: 0 };
  for (const file of parsed.positional) {
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    const result = runScript(source, {
      tso: !parsed.switches.has("no-tso"),
      strictOptions: parsed.switches.has("strict-options"),
      readHelper: (path) => {
        const full = resolve(dirname(file), path);
        return existsSync(full) ? readFileSync(full, "utf8") : null;
      },
    });
    counts[result.result]++;
    io.stdout.write(json ? `${JSON.stringify(jsonLine(file, result, verbose))}\n` : describe(file, result, verbose));
  }
  const total = parsed.positional.length;
  if (!json)
    io.stdout.write(
      `${total} scripts: ${counts.pass} passed, ${counts.fail} failed, ${counts.unsupported} unsupported\n`,
    );
  return counts.pass === total ? 0 : 1;
}

function jsonLine(file: string, r: RunResult, verbose: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { file, result: r.result, line: r.line ?? null, reason: r.reason ?? null };
  if (r.expected !== undefined)
    Object.assign(o, {
      expected: r.expected,
      actual: r.actual,
      expectedTime: r.expectedTime,
      actualTime: r.actualTime,
    });
  if (verbose)
    Object.assign(o, {
      tso: r.tso,
      tsoCoalesced: r.tsoCoalesced,
      notApplicable: r.notApplicable,
      skippedCommands: r.skippedCommands,
    });
  return o;
}

function describe(file: string, r: RunResult, verbose: boolean): string {
  let text = `${r.result.toUpperCase()} ${file}`;
  if (r.result !== "pass") text += `:${r.line ?? "?"}: ${r.reason}`;
  text += "\n";
  if (r.expected !== undefined) {
    text += `  script: ${r.expected} at ${r.expectedTime?.toFixed(6)} s\n`;
    text += `  actual: ${r.actual} at ${r.actualTime?.toFixed(6)} s\n`;
  }
  if (verbose) {
    text += `  tso coalescing ${r.tso ? "on" : "off"}: ${r.tsoCoalesced} lines matched by joined segments\n`;
    if (r.notApplicable.length > 0) text += `  not applicable: ${r.notApplicable.join(", ")}\n`;
    if (r.skippedCommands.length > 0) text += `  commands not run: ${r.skippedCommands.join("; ")}\n`;
  }
  return text;
}
