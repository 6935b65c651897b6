import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import { MemoryLimitError } from "../../src/tcp/errors.js";
import { CONNECTION_BYTES, FLOOR_BYTES, MemoryBudget } from "../../src/tcp/memory-budget.js";
import { MEMORY_REFUSED, ReceiveBuffer } from "../../src/tcp/receive-buffer.js";
import { SendBuffer } from "../../src/tcp/send-buffer.js";
import type { Connection } from "../../src/tcp/types.js";
import { buildPacket, parseIpv4 } from "../../src/wire/index.js";
import { TcpFlags } from "../../src/wire/types.js";
import { B, bytes, key, pair, pump, recordingLink, sha, sink } from "../stack/harness.js";

const { SYN, ACK, RST } = TcpFlags;

describe("the stack's memory budget", () => {
  it("buffers draw from it: a ring's growth is charged and given back when the ring empties", () => {
    const budget = new MemoryBudget(1 << 20);
    expect(budget.admit()).toBe(true);
    const sb = new SendBuffer(256 * 1024, 4096, budget);
    expect(sb.write(new Uint8Array(10_000))).toBe(10_000);
    expect(budget.used).toBe(CONNECTION_BYTES + 16_384);
    sb.consume(10_000);
    expect(budget.used).toBe(CONNECTION_BYTES);
    budget.leave();
    expect(budget.used).toBe(0);
    expect(budget.peak).toBe(CONNECTION_BYTES + 16_384);
  });

  it("out-of-order data is refused before in-order data; the window offered shrinks to what the budget allows", () => {
    const budget = new MemoryBudget(20_000);
    budget.admit();
    // Fair share per buffer: 20,000 / 2 = 10,000 bytes, offered as far as the doubling reaches within it
    // (8192); the first ring (4096) is always allowed.
    const rb = new ReceiveBuffer(64 * 1024, 8, 4096, budget);
    expect(rb.free).toBe(8192);
    expect(rb.insert(0, new Uint8Array(4096))).toBe(4096);
    // Out of order, past the share: refused for memory (not for the range bound).
    expect(rb.insert(8192, new Uint8Array(1000))).toBe(MEMORY_REFUSED);
    // Out of order within the share: taken.
    expect(rb.insert(1000, new Uint8Array(1000))).toBe(0);
    // In order past the share: taken (the window promised it), charged past the share.
    expect(rb.insert(0, new Uint8Array(9000))).toBe(9000);
    expect(rb.length).toBe(13_096);
    expect(budget.used).toBe(CONNECTION_BYTES + 13_096);
    // Nothing more may be offered now.
    expect(rb.free).toBe(0);
    rb.read(13_096);
    expect(budget.used).toBe(CONNECTION_BYTES);
    expect(rb.free).toBe(8192);
  });

  it("a send buffer stops growing at its share; writes take only what fits", () => {
    const budget = new MemoryBudget(40_000);
    budget.admit();
    budget.admit();
    // Two connections: 40,000 / 4 = 10,000 bytes per buffer, taken as far as the doubling reaches (8192):
    // a ring is never grown by a sliver, copying all it holds for it.
    const sb = new SendBuffer(1 << 20, 4096, budget);
    expect(sb.write(new Uint8Array(50_000))).toBe(8192);
    expect(sb.free).toBe(0);
    expect(budget.used).toBe(2 * CONNECTION_BYTES + 8192);
    sb.consume(4000);
    expect(sb.free).toBe(4000);
    // A budget that is not the bound (the capacity is) leaves the capacity as it is, a power of two or not.
    const roomy = new MemoryBudget(1 << 20);
    roomy.admit();
    const odd = new SendBuffer(10_000, 4096, roomy);
    expect(odd.write(new Uint8Array(50_000))).toBe(10_000);
  });

  it("new connections are refused with a counted reason: SYNs get cookies, connect() throws MemoryLimitError", () => {
    const clock = new VirtualClock(0);
    const traces: string[] = [];
    const link: Link = { mtu: 1500, send() {}, onReceive: null, close() {} };
    const stack = new IpStack({
      address: "10.0.0.2",
      link,
      clock,
      isnKey: key(4),
      memoryLimit: 5 * CONNECTION_BYTES + 2 * FLOOR_BYTES,
      onTrace: (t) => traces.push(t),
    });
    stack.listen(80);
    for (let i = 0; i < 20; i++) {
      stack.input(
        buildPacket({
          src: parseIpv4("10.0.0.1"),
          dst: stack.ip,
          srcPort: 1000 + i,
          dstPort: 80,
          seq: i,
          flags: SYN,
          window: 1000,
        }),
      );
    }
    // A connection is admitted while its TCB and two first rings fit: 5 half-open connections, then cookies.
    expect(stack.connectionCount).toBe(5);
    expect(stack.counters.drops["memory-limit"]).toBe(15);
    expect(stack.counters.synCookiesSent).toBe(15);
    expect(traces).toContain("10.0.0.2:80 memory pressure: cookie sent");
    expect(traces.some((t) => t.startsWith("memory pressure: window 0, new connections refused"))).toBe(true);
    expect(() => stack.connect("10.0.0.1", 9)).toThrow(MemoryLimitError);
    expect(stack.counters.drops["memory-limit"]).toBe(16);
    expect(stack.counters.memory.used).toBe(5 * CONNECTION_BYTES);
    stack.close();
    expect(stack.counters.memory.used).toBe(0);
  });

  it("a peer's data followed by its RST leaves nothing charged, read or not", () => {
    const clock = new VirtualClock(0);
    const { link, out } = recordingLink();
    const stack = new IpStack({ address: "10.0.0.2", link, clock, isnKey: key(5), memoryLimit: 1 << 20 });
    const l = stack.listen(80);
    const from = { src: parseIpv4("10.0.0.1"), dst: stack.ip, srcPort: 4000, dstPort: 80, window: 65535 };
    for (let i = 0; i < 50; i++) {
      const port = 4000 + i;
      link.onReceive!(buildPacket({ ...from, srcPort: port, seq: 100, flags: SYN }));
      const iss = out[out.length - 1].tcp.seq;
      link.onReceive!(
        buildPacket({ ...from, srcPort: port, seq: 101, ack: iss + 1, flags: ACK, payload: bytes(9000, i) }),
      );
      expect(l.accept()!.readableLength).toBe(9000);
      link.onReceive!(buildPacket({ ...from, srcPort: port, seq: 9101, flags: RST }));
    }
    expect(stack.connectionCount).toBe(0);
    expect(stack.counters.memory.used).toBe(0);
    expect(stack.counters.memory.peak).toBeGreaterThan(16_384);
  });

  it("one greedy connection cannot starve nine others", () => {
    const limit = 1 << 20;
    // Buffers as large as the whole budget: only the budget's fair shares keep one from taking it all.
    const env = pair({ delay: 2, seed: 11 }, { receiveBufferSize: limit, sendBufferSize: limit }, undefined, {
      memoryLimit: limit,
    });
    const l = env.b.listen(80);
    const servers: Connection[] = [];
    const sinks: Array<ReturnType<typeof sink>> = [];
    let greedyReads = false;
    l.onConnection = () => {
      const s = l.accept()!;
      const first = servers.length === 0;
      servers.push(s);
      // The first connection's reader stalls: its peer keeps sending into its window.
      sinks.push(sink(s, { paused: () => first && !greedyReads }));
    };
    const greedyData = bytes(8 << 20, 1);
    const greedy = env.a.connect(B, 80);
    pump(greedy, greedyData);
    env.clock.runUntilCondition(() => servers.length === 1, 10_000);
    env.clock.advance(2000);
    const others = Array.from({ length: 9 }, (_, i) => {
      const data = bytes(256 * 1024, i + 2);
      const c = env.a.connect(B, 80);
      pump(c, data);
      return { c, data };
    });
    const done = env.clock.runUntilCondition(
      () => sinks.length === 10 && sinks.slice(1).every((s) => s.ended),
      120_000,
    );
    expect(done, "the nine finished while the greedy one held its buffer").toBe(true);
    sinks.slice(1).forEach((s, i) => expect(sha(s.data())).toBe(sha(others[i].data)));
    // The greedy receiver holds at most its share of the budget (limit / 2 per connection at first, then
    // limit / 20 once ten share it), never the whole; the budget's own peak stays within the limit.
    expect(servers[0].readableLength).toBeGreaterThan(0);
    expect(servers[0].readableLength).toBeLessThanOrEqual(limit / 2);
    expect(env.b.counters.memory.peak).toBeLessThanOrEqual(limit);
    // Then the greedy one is read and finishes too; everything given back.
    greedyReads = true;
    sinks[0].drain();
    for (const s of servers) s.events.onStateChange = (_f, to) => void (to === "CLOSE-WAIT" && s.shutdown());
    const all = env.clock.runUntilCondition(() => sinks[0].ended, 600_000);
    expect(all).toBe(true);
    expect(sha(sinks[0].data())).toBe(sha(greedyData));
    for (const s of servers) if (s.state === "CLOSE-WAIT") s.shutdown();
    expect(env.clock.runUntilIdle(600_000)).toBe(true);
    expect(env.b.connectionCount).toBe(0);
    expect(env.b.counters.memory.used).toBe(0);
  });
});
