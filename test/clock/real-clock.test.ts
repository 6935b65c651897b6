/** RealClock's zero-delay work: answers run without a turn of the event loop each, yet I/O keeps its turns. */
import { expect, it } from "vitest";
import { RealClock } from "../../src/clock/real-clock.js";

it("runs zero-delay work scheduled by zero-delay work before the event loop's next turn", async () => {
  const clock = new RealClock();
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    setImmediate(() => {
      order.push("turn");
      resolve();
    });
    // A request and its reply, as two stacks in one process exchange them.
    clock.schedule(0, () => {
      order.push("request");
      clock.schedule(0, () => order.push("reply"));
    });
  });
  expect(order).toEqual(["request", "reply", "turn"]);
});

it("gives the event loop a turn while zero-delay work keeps scheduling more", async () => {
  const clock = new RealClock();
  let flushes = 0;
  let stop = false;
  const again = () => {
    flushes++;
    if (!stop && flushes < 100_000) clock.schedule(0, again);
  };
  const atTurn = await new Promise<number>((resolve) => {
    setImmediate(() => {
      stop = true;
      resolve(flushes);
    });
    clock.schedule(0, again);
  });
  // A microtask loop would run all 100000 before the turn; the clock yields after a bounded chain.
  expect(atTurn).toBeGreaterThan(1);
  expect(atTurn).toBeLessThan(1000);
});

/** Busy-waits until performance.now() has moved past `t`, so a fresh reading differs from a held one. */
function spinPast(t: number): void {
  while (performance.now() <= t + 0.05);
}

it("holds now() through one flush and reads it afresh in the next", async () => {
  const clock = new RealClock();
  const seen: number[] = [];
  await new Promise<void>((resolve) => {
    clock.schedule(0, () => {
      seen.push(clock.now());
      spinPast(performance.now());
      seen.push(clock.now());
      clock.schedule(0, () => {
        seen.push(clock.now());
        resolve();
      });
    });
  });
  expect(seen[1]).toBe(seen[0]);
  expect(seen[2]).toBeGreaterThan(seen[1]);
});

it("drops a reading taken outside a flush by the next microtask or flush", async () => {
  const clock = new RealClock();
  const before = clock.now();
  spinPast(performance.now());
  expect(clock.now()).toBe(before);
  await Promise.resolve();
  await Promise.resolve();
  const later = clock.now();
  expect(later).toBeGreaterThan(before);
  // With a flush queued, the flush is what starts a new reading.
  let inFlush = 0;
  await new Promise<void>((resolve) => {
    clock.schedule(0, () => {
      inFlush = clock.now();
      resolve();
    });
    const held = clock.now();
    expect(held).toBe(later);
    spinPast(performance.now());
  });
  expect(inFlush).toBeGreaterThan(later);
  await new Promise((r) => setImmediate(r));
  spinPast(performance.now());
  expect(clock.now()).toBeGreaterThan(inFlush);
});

it("runs the rest of a flush whose callback throws, and later flushes", async () => {
  const clock = new RealClock();
  const ran: string[] = [];
  const failures: unknown[] = [];
  const onRejection = (e: unknown) => failures.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    clock.schedule(0, () => {
      ran.push("first");
      throw new Error("callback failed");
    });
    clock.schedule(0, () => ran.push("second"));
    await new Promise((r) => setImmediate(r));
    await new Promise<void>((resolve) => clock.schedule(0, () => resolve(void ran.push("next"))));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  expect(ran).toEqual(["first", "second", "next"]);
  expect(failures).toHaveLength(1);
});
