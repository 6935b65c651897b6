/**
 * The native lwIP anchor: two lwIP endpoints in one C process moving bytes over an in-memory
 * wire, built from the project's shared anchors (`../shared/anchors/lwip/bench.c` beside the repository,
 * see its README) against Debian's liblwip-dev. Its CPU time is the process's rusage, as ours is
 * process.cpuUsage(), so the two per-CPU-second rates compare.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { repoPath } from "./repo-path.js";

export interface LwipRun {
  bytes: number;
  cpuSeconds: number;
  wallSeconds: number;
  dataSegments: number;
}

export interface LwipAnchor {
  /** What was built, for the table ("native lwIP 2.1.3 (Debian liblwip)"). */
  name: string;
  /** One transfer of `bytes` at `mtu` in a fresh process. */
  run(bytes: number, mtu: number): LwipRun;
}

/**
 * shared/ sits beside the repository checkout (../shared), in CI as on a developer's machine. A git
 * worktree is checked out elsewhere: then shared/ sits beside the main checkout its .git file points into.
 */
function sharedCandidates(): string[] {
  const root = repoPath();
  const out = [resolve(root, "..", "shared")];
  const dotGit = join(root, ".git");
  if (existsSync(dotGit) && statSync(dotGit).isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"));
    // <main>/.git/worktrees/<name>: the main checkout is three levels up.
    if (m) out.push(resolve(dirname(dirname(dirname(resolve(root, m[1].trim())))), "..", "shared"));
  }
  return out;
}

/** Compiles the anchor into a temporary directory, or says why it cannot (no source, gcc, or liblwip). */
export function buildLwipAnchor(): LwipAnchor | string {
  const source = sharedCandidates()
    .map((s) => join(s, "anchors", "lwip", "bench.c"))
    .find((p) => existsSync(p));
  if (source === undefined) return `no lwIP anchor source (looked in ${sharedCandidates().join(", ")})`;
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
  } catch {
    return "gcc not found: install gcc to measure the native lwIP anchor";
  }
  if (!existsSync("/usr/include/lwip/lwip/init.h"))
    return "liblwip-dev not installed (/usr/include/lwip missing): apt-get install liblwip-dev";
  const dir = mkdtempSync(join(tmpdir(), "wirestate-lwip-"));
  const binary = join(dir, "lwip-bench");
  try {
    execFileSync(
      "gcc",
      ["-O2", '-DBENCH_VARIANT="debian-liblwip"', "-I/usr/include/lwip", source, "-o", binary, "-llwip"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `building the lwIP anchor failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const run = (bytes: number, mtu: number): LwipRun => {
    const r = spawnSync(binary, ["-q", "-n", String(bytes), "-m", String(mtu)], { encoding: "utf8" });
    const kv = new Map(
      r.stdout
        .trim()
        .split(/\s+/)
        .map((w) => w.split("=") as [string, string]),
    );
    if (r.status !== 0 || kv.get("ok") !== "1") throw new Error(`lwIP anchor failed: ${r.stdout}${r.stderr}`);
    return {
      bytes: Number(kv.get("bytes")),
      cpuSeconds: Number(kv.get("cpu")),
      wallSeconds: Number(kv.get("elapsed")),
      dataSegments: Number(kv.get("segs")),
    };
  };
  return { name: "native lwIP (Debian liblwip, C)", run };
}
