/**
 * CPU time of the calling thread. Node 20 reports CPU time only per process (`process.threadCpuUsage`
 * arrived in Node 23.9), and a Worker's share of it cannot be told apart, so on Linux this reads the
 * thread's own scheduler account, /proc/thread-self/schedstat (nanoseconds on a CPU, read by the thread
 * itself: readFileSync runs on the calling thread). Elsewhere there is none: null, and callers fall back
 * to wall-clock time and say so.
 */
import { readFileSync } from "node:fs";

export function threadCpuSeconds(): number | null {
  const u = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage;
  if (u !== undefined) {
    const t = u.call(process);
    return (t.user + t.system) / 1e6;
  }
  try {
    const ns = Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ", 1)[0]);
    return Number.isFinite(ns) && ns > 0 ? ns / 1e9 : null;
  } catch {
    return null;
  }
}
