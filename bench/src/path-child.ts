/**
 * `node path-child.js PATH [HEAP_MIB]`: one of the bench's transfers (the API suite's, api-paths.ts, the tcp
 * suite's, tcp-paths.ts, or the scale suite's, scale-paths.ts), kept in a process of its own for a whole suite
 * (path-process.ts). Asked over IPC, it warms up until steady, then runs one measured transfer per
 * request and answers with its Timed record (its CPU time is this process's) and the data segments sent.
 * With HEAP_MIB it first makes that much of long-lived objects and keeps them (`applicationHeap`).
 */
import { PATHS } from "./api-paths.js";
import { type BulkResult, gbitsPerCpuSecond, type Timed } from "./engine-bulk.js";
import { SCALE_PATHS } from "./scale-paths.js";
import { TCP_PATHS } from "./tcp-paths.js";
import { warmUntilSteady, type WarmUp, type WarmUpOptions } from "./warm-up.js";

const ALL = { ...PATHS, ...TCP_PATHS, ...SCALE_PATHS };
export type PathName = keyof typeof ALL;

export type PathRequest = { kind: "warm"; bytes: number; steadily: WarmUpOptions } | { kind: "run"; bytes: number };

/** A measured transfer, and the minor page faults the process took during it (pages the kernel mapped afresh). */
export interface PathRun extends BulkResult {
  faults: number;
}

export type PathAnswer =
  | { kind: "warm"; warm: WarmUp }
  | { kind: "run"; result: PathRun }
  | { kind: "error"; message: string };

/**
 * What a real process holds besides the stack: `mib` MiB of live objects (64 bytes each with their array
 * slot). A bench process alone has an 8 MB heap, and there V8 starts incremental marking whenever the old
 * generation's headroom is below the young generation's capacity; once a path's young generation has
 * doubled to 16 MB that is all the time, and the marking runs on helper threads whose CPU time the bench
 * counts (per-segment-budget.md, Session 10). With a heap a real application has, it does not.
 */
function applicationHeap(mib: number): unknown[] {
  const held: unknown[] = [];
  for (let i = 0; i < (mib << 20) / 64; i++) held.push({ a: i, b: i + 1, c: null, d: "x" });
  return held;
}

const name = process.argv[2] as PathName;
// On the global object, so nothing can find it unused and let it go.
(globalThis as { benchApplicationHeap?: unknown[] }).benchApplicationHeap = applicationHeap(
  Number(process.argv[3] ?? 0),
);
const path: ((total: number) => Promise<Timed | BulkResult>) | undefined = ALL[name];
if (path === undefined) throw new RangeError(`path-child: no path ${process.argv[2]}`);
const answer = (a: PathAnswer) => process.send?.(a);

/** The transfer's result with its segment count (0 where the path does not count them). */
async function transfer(bytes: number): Promise<BulkResult> {
  const r = await path!(bytes);
  return "bits" in r ? r : { bits: r, segments: 0 };
}

process.on("message", (request: PathRequest) => {
  const work = async (): Promise<PathAnswer> => {
    switch (request.kind) {
      case "warm": {
        const warm = await warmUntilSteady(async () => {
          return gbitsPerCpuSecond((await transfer(request.bytes)).bits);
        }, request.steadily);
        return { kind: "warm", warm };
      }
      case "run": {
        const before = process.resourceUsage().minorPageFault;
        const result = await transfer(request.bytes);
        return { kind: "run", result: { ...result, faults: process.resourceUsage().minorPageFault - before } };
      }
    }
  };
  work().then(
    (a) => answer(a),
    (e: unknown) => answer({ kind: "error", message: String(e) }),
  );
});
