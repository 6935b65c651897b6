/**
 * `node path-child.js PATH`: one of the bench's transfers (the API suite's, api-paths.ts, or the tcp
 * suite's, tcp-paths.ts), kept in a process of its own for a whole suite
 * (path-process.ts). Asked over IPC, it warms up until steady, then runs one measured transfer per
 * request and answers with its Timed record (its CPU time is this process's) and the data segments sent.
 */
import { PATHS } from "./api-paths.js";
import type { BulkResult, Timed } from "./engine-bulk.js";
import { TCP_PATHS } from "./tcp-paths.js";
import { warmUntilSteady, type WarmUp, type WarmUpOptions } from "./warm-up.js";

const ALL = { ...PATHS, ...TCP_PATHS };
export type PathName = keyof typeof ALL;

export type PathRequest = { kind: "warm"; bytes: number; steadily: WarmUpOptions } | { kind: "run"; bytes: number };

export type PathAnswer =
  | { kind: "warm"; warm: WarmUp }
  | { kind: "run"; result: BulkResult }
  | { kind: "error"; message: string };

const name = process.argv[2] as PathName;
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
          const t = (await transfer(request.bytes)).bits;
          return t.units / t.cpu / 1e9;
        }, request.steadily);
        return { kind: "warm", warm };
      }
      case "run":
        return { kind: "run", result: await transfer(request.bytes) };
    }
  };
  work().then(
    (a) => answer(a),
    (e: unknown) => answer({ kind: "error", message: String(e) }),
  );
});
