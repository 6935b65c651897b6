#!/usr/bin/env node
import { run } from "./run.js";

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => controller.abort());
}
process.exitCode = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
// Everything is closed by now; a stray timer or socket must not keep a finished command alive.
setTimeout(() => process.exit(), 1000).unref();
