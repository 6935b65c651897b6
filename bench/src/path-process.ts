/**
 * One of the bench's transfers in a process of its own (path-child.ts), kept for a suite: the suites
 * that compare paths (api-suite.ts, tcp-suite.ts) run each in its own, as native lwIP and Node `net` run
 * in theirs, so no path's code shares a JIT, inline caches or a heap with another's.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PathAnswer, PathName, PathRequest, PathRun } from "./path-child.js";
import type { WarmUp, WarmUpOptions } from "./warm-up.js";

const CHILD = fileURLToPath(new URL("./path-child.js", import.meta.url));

export class PathProcess {
  readonly #child: ChildProcess;

  /** `heapMiB`: long-lived objects the process holds besides the path's, as an application would (path-child.ts). */
  constructor(name: PathName, heapMiB = 0) {
    this.#child = fork(CHILD, [name, String(heapMiB)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  }

  #ask(request: PathRequest): Promise<PathAnswer> {
    return new Promise((resolve, reject) => {
      const onMessage = (a: PathAnswer) => {
        done();
        if (a.kind === "error") reject(new Error(a.message));
        else resolve(a);
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`bench path process exited with ${code}`));
      };
      const done = () => {
        this.#child.off("message", onMessage);
        this.#child.off("exit", onExit);
      };
      this.#child.on("message", onMessage);
      this.#child.on("exit", onExit);
      this.#child.send(request);
    });
  }

  /** Warm-up runs of `bytes` until two agree (warm-up.ts); their rates, the cold one first. */
  async warm(bytes: number, steadily: WarmUpOptions): Promise<WarmUp> {
    const a = await this.#ask({ kind: "warm", bytes, steadily });
    if (a.kind !== "warm") throw new Error(`bench path process answered ${a.kind} to warm`);
    return a.warm;
  }

  /** One measured transfer of `bytes`. */
  async run(bytes: number): Promise<PathRun> {
    const a = await this.#ask({ kind: "run", bytes });
    if (a.kind !== "run") throw new Error(`bench path process answered ${a.kind} to run`);
    return a.result;
  }

  /** Ends the process (it holds nothing to finish). */
  stop(): void {
    this.#child.kill();
  }
}
