/** The bench's command line: an unknown suite or a stray argument is a usage error, not an empty run. */
import { execFileSync, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

const main = "dist-bench/bench/src/main.js";

beforeAll(() => {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "bench"], { stdio: "inherit" });
}, 120_000);

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run bench arguments", () => {
  it("an unknown suite is a usage error naming the known ones, and nothing runs", () => {
    const r = bench("--suite", "nope");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bench: unknown suite "nope" \(suites: wire, /);
    expect(r.stdout).toBe("");
  });

  it("stray arguments and unknown options are usage errors", () => {
    expect(bench("extra")).toMatchObject({ status: 2, stderr: expect.stringMatching(/unexpected argument "extra"/) });
    expect(bench("--fast")).toMatchObject({ status: 2, stderr: expect.stringMatching(/unknown option --fast/) });
    expect(bench("--suite")).toMatchObject({ status: 2, stderr: "bench: --suite needs a value\n" });
  });
});
