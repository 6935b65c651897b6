/**
 * Process lifetime as in Node's `net`: housekeeping timers (TIME-WAIT, keep-alive idle, delayed ACK)
 * never keep a process alive; a pending read, an open listener or an open Duplex does, unless unref'd.
 * Each scenario (lifetime/scenarios.ts) runs in its own Node process on the real clock.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir = "";
let script = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wirestate-lifetime-"));
  script = join(dir, "scenarios.mjs");
  await build({
    entryPoints: [new URL("./lifetime/scenarios.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: script,
    logLevel: "silent",
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run one scenario; a process still alive after 20 s is killed (TIME-WAIT alone would be 60 s). */
function run(name: string): { lines: string[]; status: number | null; ms: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [script, name], { encoding: "utf8", timeout: 20_000 });
  return { lines: r.stdout.trim().split("\n"), status: r.status, ms: performance.now() - start };
}

describe("process lifetime", () => {
  it("a finished exchange without stack.close() exits at once, TIME-WAIT notwithstanding", () => {
    const r = run("forgotten-close");
    expect(r.lines).toEqual(["reply ping", "lingering true"]);
    expect(r.status).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a pending read() keeps the process alive until its data arrives", () => {
    expect(run("pending-read")).toMatchObject({ lines: ["waiting", "got late hello"], status: 0 });
  });

  it("a pending read() on an unref'd stream, or on an unref'd stack, does not", () => {
    expect(run("pending-read-stream-unref")).toMatchObject({ lines: ["waiting"], status: 0 });
    expect(run("pending-read-stack-unref")).toMatchObject({ lines: ["waiting"], status: 0 });
  });

  it("a pending UDP receive() keeps the process alive until its datagram arrives; an unref'd socket does not", () => {
    expect(run("pending-udp-receive")).toMatchObject({ lines: ["waiting", "got late datagram"], status: 0 });
    expect(run("pending-udp-receive-unref")).toMatchObject({ lines: ["waiting"], status: 0 });
  });

  it("an open listener keeps the process alive; an unref'd one does not", () => {
    expect(run("listening")).toMatchObject({ lines: ["listening", "closed by timer"], status: 0 });
    expect(run("listening-unref")).toMatchObject({ lines: ["listening"], status: 0 });
  });

  it("an open Duplex keeps the process alive as a socket does; unref() releases it", () => {
    expect(run("open-duplex")).toMatchObject({ lines: ["connected", "still open"], status: 0 });
    expect(run("open-duplex-unref")).toMatchObject({ lines: ["connected"], status: 0 });
  });
});
