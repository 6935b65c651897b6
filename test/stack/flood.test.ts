import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { runFlood } from "../../bench/src/flood-scenario.js";

/** A full collection, so heap figures measure what is live. */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MIB = 2 ** 20;

describe("a SYN flood on the virtual clock (issue 13)", () => {
  it("100,000 spoofed SYNs in 10 s into backlog 128: >= 99% of 1,000 real clients served, memory bounded", () => {
    const heap: number[] = [];
    const r = runFlood({
      syns: 100_000,
      seconds: 10,
      clients: 1000,
      backlog: 128,
      seed: 13,
      memoryLimit: 64 * MIB,
      rounds: 2,
      afterRound: () => {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      },
    });
    expect(r.synsInjected).toBe(200_000);
    // Every client of both rounds, less at most 1%.
    expect(r.served).toBeGreaterThanOrEqual(0.99 * 2 * r.clients);
    // Cookies took over once the SYN queue (256) was full, and real clients came in through them too.
    expect(r.cookiesSent).toBeGreaterThan(150_000);
    expect(r.cookiesAccepted).toBeGreaterThan(0);
    expect(r.synQueuePruned).toBeGreaterThan(0);
    // The budget's own accounting: the SYN queue, the clients in service and TIME-WAIT, far below the limit,
    // and all given back once the half-open entries and TIME-WAITs expired.
    expect(r.budgetPeak).toBeLessThanOrEqual(r.budgetLimit);
    expect(r.budgetPeak).toBeLessThan(8 * MIB);
    expect(r.budgetUsedAtEnd).toBe(0);
    expect(r.server.connectionCount).toBe(0);
    // The process heap does not grow across the second flood by more than 16 MiB (stated bound; measured
    // growth is a few MiB of JIT and allocator noise).
    expect(heap[1] - heap[0]).toBeLessThan(16 * MIB);
    console.log(
      `flood: served ${r.served}/${2 * r.clients}, cookies ${r.cookiesSent} (${r.cookiesAccepted} back), ` +
        `pruned ${r.synQueuePruned}, budget peak ${r.budgetPeak} B, peak TCBs ${r.peakConnections}, ` +
        `heap after round 1 ${(heap[0] / MIB).toFixed(1)} MiB, after round 2 ${(heap[1] / MIB).toFixed(1)} MiB`,
    );
  }, 120_000);
});
