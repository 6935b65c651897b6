/**
 * The scale suite's transfers (scale-suite.ts): `total` bytes over 1, 10, 100 or 1,000 concurrent
 * connections, the engine's and the kernel's, each count run in a process of its own (path-child.ts), as the tcp and api suites run
 * their paths: in one process, the single connection that followed the other counts (and whatever suite
 * ran before) moved 10.6 Gbit/s per CPU-second where it moves 15-20 in a process of its own, and the
 * curve's ratios read the anchor's slowdown, not the count's cost (per-segment-budget.md, Session 13).
 */
import { concurrentBulk } from "./concurrent-bulk.js";
import { nodeNet } from "./node-net.js";

export const SCALE_PATHS = {
  scale_1: (total: number) => concurrentBulk(1, total),
  scale_10: (total: number) => concurrentBulk(10, total),
  scale_100: (total: number) => concurrentBulk(100, total),
  scale_1000: (total: number) => concurrentBulk(1000, total),
  /** The kernel's TCP over the same 1 and 1,000 connections (Node `net` over 127.0.0.1). */
  net_1: (total: number) => nodeNet(total, 1),
  net_1000: (total: number) => nodeNet(total, 1000),
};
