/**
 * `node api-child.js PATH`: one of the API suite's transfers (api-paths.ts), kept in a process of its
 * own for the whole suite. Asked over IPC, it warms up until steady, then runs one measured transfer per
 * request and answers with its Timed record (its CPU time is this process's).
 */
import { PATHS } from "./api-paths.js";
import type { Timed } from "./engine-bulk.js";
import { warmUntilSteady, type WarmUp, type WarmUpOptions } from "./warm-up.js";

export type ApiPath = keyof typeof PATHS;

export type ApiRequest =
  | { kind: "warm"; bytes: number; steadily: WarmUpOptions }
  | { kind: "run"; bytes: number }
  | { kind: "stop" };

export type ApiAnswer =
  | { kind: "warm"; warm: WarmUp }
  | { kind: "run"; timed: Timed }
  | { kind: "error"; message: string };

const name = process.argv[2] as ApiPath;
const path = PATHS[name];
if (path === undefined) throw new RangeError(`api-child: no path ${process.argv[2]}`);
const answer = (a: ApiAnswer) => process.send?.(a);

process.on("message", (request: ApiRequest) => {
  const work = async (): Promise<ApiAnswer | null> => {
    switch (request.kind) {
      case "warm": {
        const warm = await warmUntilSteady(async () => {
          const t = await path(request.bytes);
          return t.units / t.cpu / 1e9;
        }, request.steadily);
        return { kind: "warm", warm };
      }
      case "run":
        return { kind: "run", timed: await path(request.bytes) };
      case "stop":
        process.disconnect();
        return null;
    }
  };
  work().then(
    (a) => a !== null && answer(a),
    (e: unknown) => answer({ kind: "error", message: String(e) }),
  );
});
