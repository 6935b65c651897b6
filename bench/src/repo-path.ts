import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A path inside the repository checkout. The suites run from bench/src/ (vitest) and from
 * dist-bench/bench/src/ (`npm run bench`), at different depths, so no fixed "../.." fits both: the checkout
 * is the nearest folder above this module that holds package.json.
 */
export function repoPath(...parts: string[]): string {
  const here = fileURLToPath(import.meta.url);
  let dir = dirname(here);
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json in any folder above ${here}`);
    dir = up;
  }
  return join(dir, ...parts);
}
