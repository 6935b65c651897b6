import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { StackEvent } from "../../src/stack/stack-events.js";
import { MemoryBudget } from "../../src/tcp/memory-budget.js";
import type { StackEventInit } from "../../src/tcp/tcp-events.js";
import { buildPacket, parseIpv4 } from "../../src/wire/index.js";
import { TcpFlags } from "../../src/wire/types.js";
import { key, recordingLink } from "./harness.js";

const { SYN } = TcpFlags;

describe("the stack's own events (connection: null)", () => {
  it("a SYN past a full SYN queue: the listener's syn-cookie event, after the first SYN's transition", () => {
    const clock = new VirtualClock(5000);
    const { link } = recordingLink();
    const events: StackEvent[] = [];
    const stack = new IpStack({
      address: "10.0.0.2",
      link,
      clock,
      isnKey: key(3),
      events: { listening: true, emit: (e) => events.push(e) },
    });
    stack.listen(80, { synBacklog: 1 });
    const syn = (srcPort: number) =>
      link.onReceive!(
        buildPacket({
          src: parseIpv4("10.0.0.1"),
          dst: parseIpv4("10.0.0.2"),
          srcPort,
          dstPort: 80,
          seq: 1,
          flags: SYN,
          window: 65535,
        }),
      );
    syn(1000);
    expect(events).toEqual([
      {
        type: "state",
        from: "LISTEN",
        to: "SYN-RECEIVED",
        time: 5000,
        connection: { localAddress: "10.0.0.2", localPort: 80, remoteAddress: "10.0.0.1", remotePort: 1000 },
      },
    ]);
    clock.advance(1);
    syn(1001);
    expect(events.slice(1)).toEqual([
      {
        type: "syn-cookie",
        phase: "sent",
        listener: { address: "10.0.0.2", port: 80 },
        cause: "syn-queue-full",
        time: 5001,
        connection: null,
      },
    ]);
  });

  it("memory: pressure past 75% of the limit, relieved below 67.5%, each once", () => {
    const reports: StackEventInit[] = [];
    const budget = new MemoryBudget(100_000, (init) => reports.push(init));
    budget.charge(70_000);
    expect(reports).toEqual([]);
    budget.charge(6_000);
    budget.charge(1_000);
    expect(reports).toEqual([{ type: "memory", phase: "pressure", used: 76_000, limit: 100_000 }]);
    budget.release(10_000);
    expect(reports.length).toBe(2);
    expect(reports[1]).toEqual({ type: "memory", phase: "relieved", used: 67_000, limit: 100_000 });
  });
});
