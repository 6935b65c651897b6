import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoPath } from "./repo-path.js";

const SOURCE = repoPath("bench", "native", "checksum.c");

export interface NativeResult {
  /** Checksums per second. */
  rate: number;
  /** The checksum's one's complement sum, to compare with the other implementations. */
  sum: number;
}

/** "portable": plain C that gcc vectorises; "intrinsics": hand-written AVX-512BW/AVX2 (bench/native/checksum.c). */
export type NativeVariant = "portable" | "intrinsics";

/** One timed run of a variant, or null when the binary lacks it (a CPU without AVX2). */
export type NativeChecksum = ((size: number, minMs: number, variant: NativeVariant) => NativeResult | null) & {
  compiler: string;
};

/**
 * Compiles the C reference with `gcc -O3 -march=native` into a temporary directory and returns a function
 * that runs it as a subprocess, or a string saying why it cannot (no gcc, no source, a compile error).
 */
export function buildNativeChecksum(): NativeChecksum | string {
  if (!existsSync(SOURCE)) return `no C source at ${SOURCE}`;
  let compiler: string;
  try {
    compiler = execFileSync("gcc", ["--version"], { encoding: "utf8" }).split("\n")[0];
  } catch {
    return "gcc not found";
  }
  const dir = mkdtempSync(join(tmpdir(), "wirestate-bench-"));
  const binary = join(dir, "checksum");
  try {
    execFileSync("gcc", ["-O3", "-march=native", "-o", binary, SOURCE], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `gcc failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`;
  }
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  /** One timed run of the binary (it calibrates itself to last `minMs`). */
  const run = (size: number, minMs: number, variant: NativeVariant): NativeResult | null => {
    const result = spawnSync(binary, [String(size), "1", String(minMs), variant], { encoding: "utf8" });
    if (result.status === 3) return null;
    if (result.status !== 0) throw new Error(`native checksum failed: ${result.stderr}`);
    const [gbps, sum] = result.stdout.split(" ").map(Number);
    return { rate: (gbps * 1e9) / size, sum };
  };
  return Object.assign(run, { compiler });
}
