import { PassThrough } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";

/** In-memory stdout/stderr and an abort switch for running `wirestate` commands inside a test. */
export function testIo(): CliIo & { out(): Buffer; err(): string; stop(): void } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const controller = new AbortController();
  return {
    stdout,
    stderr,
    signal: controller.signal,
    out: () => Buffer.concat(out),
    err: () => Buffer.concat(err).toString(),
    stop: () => controller.abort(),
  };
}
