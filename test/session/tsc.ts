import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * A throwaway project that sees the repository's sources (symlinked) and compiler settings, holding only
 * `files` (paths relative to the repository root). Runs the real `tsc` on it.
 */
export class ScratchProject {
  readonly dir = mkdtempSync(join(tmpdir(), "wirestate-tsc-"));

  constructor(files: Record<string, string>) {
    for (const name of ["src", "node_modules"]) symlinkSync(join(repo, name), join(this.dir, name));
    for (const name of ["package.json", "tsconfig.json"]) copyFileSync(join(repo, name), join(this.dir, name));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), text);
    }
    writeFileSync(
      join(this.dir, "tsconfig.scratch.json"),
      JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: { noEmit: true },
        include: Object.keys(files),
        exclude: [],
      }),
    );
  }

  /** tsc's diagnostics (empty when clean) and how long it took. */
  check(): { output: string; ms: number } {
    const started = performance.now();
    let output = "";
    try {
      execFileSync(join(repo, "node_modules/.bin/tsc"), ["-p", "tsconfig.scratch.json", "--pretty", "false"], {
        cwd: this.dir,
        encoding: "utf8",
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      output = `${err.stdout ?? ""}${err.stderr ?? ""}`;
    }
    return { output, ms: performance.now() - started };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
