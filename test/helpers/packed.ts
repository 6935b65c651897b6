/**
 * The package as a user gets it: `npm pack` of the repository (built first when dist/ is missing),
 * unpacked into a scratch project's node_modules under its published name, with the repository's
 * @types beside it. Tests compile and run user code there, so they see the shipped files only.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repo = resolve(import.meta.dirname, "../..");
export const packageName = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { name: string }).name;

/** A scratch project with the packed package installed; returns its directory. */
export function packedProject(prefix: string): string {
  if (!existsSync(join(repo, "dist/api/index.js")) || !existsSync(join(repo, "build/wire.wasm"))) {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: repo, stdio: "inherit" });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repo, encoding: "utf8" });
  const tarball = join(dir, out.trim().split("\n").at(-1)!);
  const installed = join(dir, "node_modules", packageName);
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  symlinkSync(join(repo, "node_modules/@types"), join(dir, "node_modules/@types"));
  return dir;
}

/** Run tsc (a path to its bin script) on the project in `dir`; returns its diagnostics, "" when clean. */
export function typecheck(tsc: string, dir: string): string {
  try {
    execFileSync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { encoding: "utf8" });
    return "";
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}
