import { execFileSync } from "node:child_process";
import { describe, it } from "vitest";

/** True when `name` is on the PATH. */
export function haveTool(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * A `describe` that needs external tools (tshark, socat, chromium, root). When one is missing it skips
 * with a visible message; under CI (CI=true) a missing tool is a failure, so a green CI means it ran.
 */
export function describeWith(needs: string[], name: string, body: () => void): void {
  const missing = needs.filter((n) => (n === "root" ? !isRoot() : !haveTool(n)));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = `needs ${missing.join(", ")}`;
  if (process.env.CI === "true") {
    describe(name, () => {
      it(`requires ${missing.join(", ")} (missing under CI=true)`, () => {
        throw new Error(`${name}: ${why}, which CI must install`);
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": ${why} (install it to run these tests)`);
    describe.skip(`${name} [skipped: ${why}]`, body);
  }
}
