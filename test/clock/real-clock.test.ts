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
