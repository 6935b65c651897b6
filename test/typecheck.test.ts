import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function tsc(project: string): string {
  try {
    execFileSync("npx", ["tsc", "-p", project, "--noEmit", "--pretty", "false"], { encoding: "utf8" });
    return "";
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ""}${err.stderr ?? ""}` || String(e);
  }
}

describe("the compiler", () => {
  it("type-checks the whole project (src, tests, benchmarks, examples)", () => {
    expect(tsc("tsconfig.json")).toBe("");
  });

  it("refuses every line of the must-not-compile corpus (each @ts-expect-error is used)", () => {
    expect(tsc("test/compile-fail/tsconfig.json")).toBe("");
  });
});
