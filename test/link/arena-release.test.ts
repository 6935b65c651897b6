import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { type MemoryLinkOptions, memoryLinkPair } from "../../src/link/index.js";
import { buildPacketInArena } from "../../src/wire/build.js";
import { freeSlots } from "../../src/wire/packet-arena.js";
import { TcpFlags } from "../../src/wire/types.js";

// A packet built in the packet arena holds a slot until the receiving stack gives it back; a link that
// drops one must give it back itself, or every lost packet shrinks the arena for good (closing
// stacks with packets in flight left 10,000 slots taken per 1,000-connection run).
function arenaPacket(n: number): Uint8Array {
  const p = buildPacketInArena({
    src: 0x0a000001,
    dst: 0x0a000002,
    srcPort: 1000 + n,
    dstPort: 80,
    seq: n,
    ack: 0,
    flags: TcpFlags.ACK,
    window: 1000,
    payload: new Uint8Array(100).fill(n),
  });
  if (p === null) throw new Error("arena full before the test");
  return p;
}

function sendAll(options: MemoryLinkOptions, count: number, receive: boolean): number {
  const clock = new VirtualClock();
  const [a, b] = memoryLinkPair({ ...options, clock });
  let arrived = 0;
  if (receive) b.onReceive = () => arrived++;
  for (let i = 0; i < count; i++) a.send(arenaPacket(i));
  clock.runUntilIdle();
  return arrived;
}

describe("a memory link gives back the arena slot of each packet it drops", () => {
  it("lost at random, over the MTU, or tail-dropped", () => {
    const before = freeSlots();
    expect(sendAll({ loss: 1 }, 50, true)).toBe(0);
    expect(sendAll({ mtu: 100 }, 50, true)).toBe(0);
    expect(sendAll({ maxInFlight: 10 }, 50, false)).toBe(0);
    expect(freeSlots()).toEqual(before);
  });

  it("dropped Not-ECT by an ECN marking queue (RFC 3168 §5)", () => {
    const before = freeSlots();
    expect(sendAll({ bandwidth: 1_000_000, queueBytes: 100_000, ecnThreshold: 0 }, 50, false)).toBe(0);
    expect(freeSlots()).toEqual(before);
  });

  it("unclaimed at the far end, and in flight when that end closes", () => {
    const before = freeSlots();
    expect(sendAll({}, 50, false)).toBe(0);
    const clock = new VirtualClock();
    const [a, b] = memoryLinkPair({ clock, delay: 10 });
    for (let i = 0; i < 50; i++) a.send(arenaPacket(i));
    expect(freeSlots().small).toBe(before.small - 50);
    b.close();
    clock.runUntilIdle();
    expect(a.counters.tx.dropped.closed).toBe(50);
    expect(freeSlots()).toEqual(before);
  });
});
