/**
 * TCP Small Queues over the memory link (tcp/small-queues.ts): the stack's flows keep at most
 * `transmitQueueLimit` packets of data in the link's transmit queue, wait their turn past it, and resume
 * as the link drains; links that count no queue never hold a flow back.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import { memoryLinkPair, type MemoryLinkOptions } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { Connection } from "../../src/tcp/types.js";
import { A, B, bytes, key, pump, sha, sink } from "./harness.js";

interface Sent {
  /** The sender's source port, TCP flags and payload length of each segment, in send order. */
  port: number;
  flags: number;
  length: number;
  /** Packets the link held for the sender just before it took this one. */
  queuedBefore: number;
}

/**
 * `flows` connections a -> b, each sending `size` bytes (`hide`: a's link shows only Link's required
 * members), established and writing. `sent` records every segment a sends; `received` is what each
 * client's server got so far.
 */
function start(
  flows: number,
  size: number,
  options: { limit?: number; link?: Omit<MemoryLinkOptions, "clock">; hide?: boolean } = {},
) {
  const clock = new VirtualClock(1_000_000);
  const [la, lb] = memoryLinkPair({ ...options.link, clock });
  const sent: Sent[] = [];
  const send = la.send.bind(la);
  la.send = (p: Uint8Array) => {
    const ihl = (p[0] & 15) * 4;
    const dataOffset = (p[ihl + 12] >> 4) * 4;
    const length = ((p[2] << 8) | p[3]) - ihl - dataOffset;
    const port = (p[ihl] << 8) | p[ihl + 1];
    sent.push({ port, flags: p[ihl + 13], length, queuedBefore: la.transmitQueued ?? -1 });
    send(p);
  };
  // A link with only Link's required members: the stack sees no transmit queue.
  const plain: Link = {
    mtu: la.mtu,
    send: (p) => la.send(p),
    set onReceive(h) {
      la.onReceive = h;
    },
    get onReceive() {
      return la.onReceive;
    },
    close: () => la.close(),
  };
  const limit = options.limit === undefined ? {} : { transmitQueueLimit: options.limit };
  const a = new IpStack({ address: A, link: options.hide ? plain : la, clock, isnKey: key(1), ...limit });
  const b = new IpStack({ address: B, link: lb, clock, isnKey: key(2), ...limit });
  const listener = b.listen(7400, { backlog: flows });
  const sinks: ReturnType<typeof sink>[] = [];
  const servers: Connection[] = [];
  listener.onConnection = () => {
    for (let s = listener.accept(); s !== null; s = listener.accept()) {
      servers.push(s);
      sinks.push(sink(s));
    }
  };
  const data = Array.from({ length: flows }, (_, i) => bytes(size, 40 + i));
  const clients = data.map((d) => {
    const c = a.connect(B, 7400);
    pump(c, d);
    return c;
  });
  clock.runUntilCondition(() => sinks.length === flows, 10_000);
  // Servers are matched to clients by port.
  const received = () => clients.map((c) => sinks[servers.findIndex((s) => s.remotePort === c.localPort)].data());
  const done = () => sinks.every((s) => s.total === size);
  return { clock, a, b, clients, data, received, done, sent: sent.filter((s) => s.length > 0), all: sent };
}

/** `start`, run until every server has all its bytes; `sent` holds only the data segments. */
function transfer(flows: number, size: number, options: Parameters<typeof start>[2] = {}) {
  const env = start(flows, size, options);
  env.clock.runUntilCondition(env.done, 120_000);
  return { ...env, received: env.received(), sent: env.all.filter((s) => s.length > 0) };
}

describe("TCP small queues over the memory link", () => {
  it("a flow never has more than the limit queued in the link, and every byte arrives in order", () => {
    const { data, received, sent, a } = transfer(3, 200_000, { limit: 4 });
    expect(received.map(sha)).toEqual(data.map(sha));
    // Each data segment went while fewer than 4 packets were queued, and the bound was reached.
    expect(Math.max(...sent.map((s) => s.queuedBefore))).toBe(3);
    expect(a.counters.retransmits).toBe(0);
  });

  it("flows share the link in turn: none starves while another finishes", () => {
    const flows = 8;
    const size = 100_000;
    const { data, received, sent, clients } = transfer(flows, size, { limit: 4 });
    expect(received.map(sha)).toEqual(data.map(sha));
    // When the first flow has sent its last byte, every other flow has sent most of its own.
    const sentBy = new Map<number, number>(clients.map((c) => [c.localPort, 0]));
    let firstDone = -1;
    for (const s of sent) {
      const total = sentBy.get(s.port)! + s.length;
      sentBy.set(s.port, total);
      if (total >= size) {
        firstDone = s.port;
        break;
      }
    }
    expect(firstDone).toBeGreaterThan(0);
    for (const [port, total] of sentBy) if (port !== firstDone) expect(total).toBeGreaterThan(size * 0.75);
  });

  it("without a limit (Infinity) a window goes into the link at once", () => {
    const { data, received, sent } = transfer(1, 200_000, { limit: Infinity });
    expect(received.map(sha)).toEqual(data.map(sha));
    expect(Math.max(...sent.map((s) => s.queuedBefore))).toBeGreaterThan(20);
  });

  it("a link that counts no transmit queue holds no flow back, whatever the limit", () => {
    const { data, received, sent } = transfer(2, 200_000, { limit: 4, hide: true });
    expect(received.map(sha)).toEqual(data.map(sha));
    expect(Math.max(...sent.map((s) => s.queuedBefore))).toBeGreaterThan(20);
  });

  it("a timed path reports no queue: its flows are not held back", () => {
    const { data, received, sent } = transfer(2, 100_000, { limit: 4, link: { delay: 1 } });
    expect(received.map(sha)).toEqual(data.map(sha));
    expect(sent.every((s) => s.queuedBefore === 0)).toBe(true);
  });

  it("a connection reset while it waits its turn sends nothing more, and the others finish", () => {
    const env = start(4, 100_000, { limit: 2 });
    const victim = env.clients[1];
    env.clock.runUntilCondition(
      () => env.all.filter((s) => s.port === victim.localPort && s.length > 0).length >= 2,
      10_000,
    );
    victim.abort();
    const resetAt = env.all.length;
    expect(env.all[resetAt - 1]).toMatchObject({ port: victim.localPort, flags: expect.any(Number) });
    expect(env.all[resetAt - 1].flags & 0x04).toBe(0x04);
    const others = env.clients.filter((c) => c !== victim);
    env.clock.runUntilCondition(() => others.every((c) => c.state === "CLOSED" || c.state === "TIME-WAIT"), 120_000);
    expect(env.all.slice(resetAt).filter((s) => s.port === victim.localPort)).toEqual([]);
    const got = env.received();
    for (const [i, c] of env.clients.entries()) if (c !== victim) expect(sha(got[i])).toBe(sha(env.data[i]));
  });

  it("refuses a limit below one packet", () => {
    const [la] = memoryLinkPair({ clock: new VirtualClock() });
    expect(() => new IpStack({ address: A, link: la, transmitQueueLimit: 0 })).toThrow(RangeError);
  });
});
