import { createRequire } from "node:module";
import { WirestateError } from "../errors/wirestate-error.js";
import { DEMO_HELP, demoCommand } from "./demo-command.js";
import { CliError, UsageError } from "./errors.js";
import { FETCH_HELP, fetchCommand } from "./fetch-command.js";
import { HTTP_HELP, httpCommand } from "./http-command.js";
import { NC_HELP, ncCommand } from "./nc-command.js";
import { PACKETDRILL_HELP, packetdrillCommand } from "./packetdrill-command.js";
import { PING_HELP, pingCommand } from "./ping-command.js";
import type { CliIo } from "./io.js";

const BENCH_HELP = `wirestate bench

The benchmark suite (wire core, TCP over the in-memory link, Node's net as the kernel reference) runs
from the repository, not the installed package: \`npm run bench\` there (-- --json for one JSON object per
figure, --quick, --suite NAME).`;

export const MAIN_HELP = `wirestate: a userspace TCP/IPv4 stack for Node and the browser

Usage: wirestate <command> [options]      wirestate <command> --help      wirestate --version

Commands:
  demo     two stacks over a lossy in-memory wire: a session-typed exchange, a transfer, a capture
  http     serve a directory over HTTP on the userspace stack (it answers ping), through a UDP tunnel
  fetch    HTTP GET a URL over the userspace stack, through a UDP tunnel
  ping     ICMP echo requests from the userspace stack, through a UDP tunnel
  nc       netcat over the userspace stack (TCP or UDP, connect or listen), through a UDP tunnel
  bench    where the benchmarks run (npm run bench, in the repository)
  packetdrill  run packetdrill scripts (.pkt) against the stack on a virtual clock`;

interface Command {
  help: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  demo: { help: DEMO_HELP, run: demoCommand },
  http: { help: HTTP_HELP, run: httpCommand },
  fetch: { help: FETCH_HELP, run: fetchCommand },
  ping: { help: PING_HELP, run: pingCommand },
  nc: { help: NC_HELP, run: ncCommand },
  bench: { help: BENCH_HELP, run: benchCommand },
  packetdrill: { help: PACKETDRILL_HELP, run: packetdrillCommand },
};

/**
 * The whole command line: returns the exit status. Every failure is one line on stderr (`wirestate:
 * ...`) and a non-zero status: 2 for bad usage, 1 for anything else. Never a stack trace, unless
 * WIRESTATE_DEBUG is set.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    io.stdout.write(`wirestate ${version()}\n`);
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${MAIN_HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (command === undefined) throw new UsageError("wirestate", `unknown command "${name}"`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(`${command.help}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    io.stderr.write(`wirestate: ${describe(err)}\n`);
    if (process.env.WIRESTATE_DEBUG) io.stderr.write(`${(err as Error).stack}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** The package's version, from the package.json two levels up (from src/cli and from dist/cli alike). */
function version(): string {
  const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
  return pkg.version;
}

function describe(err: unknown): string {
  if (err instanceof WirestateError) return err.message;
  if (err instanceof RangeError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.message === "string")
    return e.code !== undefined && !e.message.includes(e.code) ? `${e.message} (${e.code})` : e.message;
  return String(err);
}

/** The bench is built and run from the repository (bench/), so the published CLI only says where it is. */
async function benchCommand(): Promise<number> {
  throw new CliError("bench: the benchmarks are not in the installed package; run `npm run bench` in the repository");
}
