/** One user notification per burst of the link (Link.onBurstEnd), not one per segment. */
import { describe, expect, it } from "vitest";
import type { Connection } from "../../src/tcp/types.js";
import { parsePacket } from "../../src/wire/index.js";
import { B, bytes, pair, sha } from "./harness.js";

/** A connection a -> b:`port` on a 1 ms link, established, Nagle off (each write goes at once). */
function established(port: number) {
  const env = pair({ delay: 1 });
  const listener = env.b.listen(port);
  let accepted: Connection | null = null;
  listener.onConnection = () => {
    accepted = listener.accept();
  };
  const client = env.a.connect(B, port);
  client.setNoDelay(true);
  env.clock.runUntilCondition(() => accepted !== null && client.state === "ESTABLISHED", 10_000);
  return { env, client, server: accepted! as Connection };
}

describe("bursts of the memory link", () => {
  it("a burst of data segments draws one onReadable, with all of the burst's bytes readable", () => {
    const { env, client, server } = established(7100);
    const reads: number[] = [];
    const got: Uint8Array[] = [];
    server.events.onReadable = () => {
      reads.push(server.readableLength);
      for (let d = server.read(); d !== null; d = server.read()) got.push(d);
    };
    // Seven segments at once: the initial window sends them together, the link delivers them together.
    const data = bytes(10_000, 4);
    expect(client.write(data)).toBe(data.length);
    const segmentsBefore = env.b.counters.segmentsIn;
    env.clock.runUntilCondition(() => got.reduce((n, d) => n + d.length, 0) === data.length, 10_000);
    expect(env.b.counters.segmentsIn - segmentsBefore).toBeGreaterThanOrEqual(7);
    expect(reads).toEqual([data.length]);
    expect(sha(Buffer.concat(got))).toBe(sha(data));
  });

  it("the burst's segments draw one ACK, after the reader took them, with the whole window open", () => {
    const { env, client, server } = established(7103);
    server.events.onReadable = () => {
      while (server.read() !== null);
    };
    // What b sends back while a's seven segments arrive in one burst.
    const acks: { ack: number; window: number; length: number }[] = [];
    const send = env.lb.send.bind(env.lb);
    env.lb.send = (p: Uint8Array) => {
      const r = parsePacket(p);
      if (r.ok) acks.push({ ack: r.tcp.ack, window: r.tcp.window, length: r.payloadLength });
      send(p);
    };
    const before = env.b.counters.segmentsIn;
    const open = server.info().receiveWindow;
    const scale = server.info().windowScale?.receive ?? 0;
    expect(client.write(bytes(10_000, 7))).toBe(10_000);
    env.clock.advance(5);
    expect(env.b.counters.segmentsIn - before).toBeGreaterThanOrEqual(7);
    expect(acks).toHaveLength(1);
    expect(acks[0].length).toBe(0);
    // It acknowledges all 10,000 bytes, and advertises the window as open as before they came.
    expect(client.info().bytesInFlight).toBe(0);
    expect(Math.abs((acks[0].window << scale) - open)).toBeLessThan(1 << scale);
  });

  it("segments that arrive in separate bursts are announced separately", () => {
    const { env, client, server } = established(7101);
    const reads: number[] = [];
    server.events.onReadable = () => {
      reads.push(server.readableLength);
      while (server.read() !== null);
    };
    client.write(new Uint8Array(100));
    env.clock.advance(5);
    client.write(new Uint8Array(200));
    env.clock.advance(5);
    expect(reads).toEqual([100, 200]);
  });

  it("a burst carrying two flows tells each reader when its run ends, so one ring serves both", () => {
    const env = pair({ delay: 1 });
    const listener = env.b.listen(7102, { backlog: 2 });
    const servers: Connection[] = [];
    listener.onConnection = () => {
      for (let s = listener.accept(); s !== null; s = listener.accept()) servers.push(s);
    };
    const clients = [env.a.connect(B, 7102), env.a.connect(B, 7102)];
    for (const c of clients) c.setNoDelay(true);
    env.clock.runUntilCondition(() => servers.length === 2 && clients.every((c) => c.state === "ESTABLISHED"), 10_000);
    const memory = env.b.counters.memory;
    const before = memory.used;
    const data = [bytes(10_000, 5), bytes(10_000, 6)];
    const got: Uint8Array[][] = [[], []];
    const seen: string[] = [];
    servers.forEach((server, i) => {
      server.events.onReadable = () => {
        // The other flow's run has not been taken in yet when this one's ends (or it is already read).
        seen.push(`${i}: ${server.readableLength} other ${servers[1 - i].readableLength}`);
        for (let d = server.read(); d !== null; d = server.read()) got[i].push(d);
      };
    });
    // Both writes go in the same instant: their segments (one flow's run, then the other's) make one burst.
    const segmentsBefore = env.b.counters.segmentsIn;
    clients.forEach((c, i) => expect(c.write(data[i])).toBe(10_000));
    const peakBefore = memory.peak;
    env.clock.advance(1);
    expect(env.b.counters.segmentsIn - segmentsBefore).toBeGreaterThanOrEqual(14);
    expect(seen).toEqual(["0: 10000 other 0", "1: 10000 other 0"]);
    got.forEach((chunks, i) => expect(sha(Buffer.concat(chunks))).toBe(sha(data[i])));
    // The first reader emptied its ring before the second flow's segments came, and the second took it:
    // at most one 16 KiB ring (10,000 bytes, doubled from 4 KiB) was held at once, not one per flow.
    expect(Math.max(memory.peak, peakBefore) - before).toBeLessThanOrEqual(16_384);
    expect(memory.used).toBe(before);
  });

  it("a reader that throws at its run's end loses no segment of the next flow", () => {
    const env = pair({ delay: 1 });
    const listener = env.b.listen(7103, { backlog: 2 });
    const servers: Connection[] = [];
    listener.onConnection = () => {
      for (let s = listener.accept(); s !== null; s = listener.accept()) servers.push(s);
    };
    const clients = [env.a.connect(B, 7103), env.a.connect(B, 7103)];
    for (const c of clients) c.setNoDelay(true);
    env.clock.runUntilCondition(() => servers.length === 2 && clients.every((c) => c.state === "ESTABLISHED"), 10_000);
    const got: Uint8Array[] = [];
    let thrown = 0;
    servers[0].events.onReadable = () => {
      while (servers[0].read() !== null);
      if (thrown++ === 0) throw new Error("reader failed");
    };
    servers[1].events.onReadable = () => {
      for (let d = servers[1].read(); d !== null; d = servers[1].read()) got.push(d);
    };
    const data = bytes(10_000, 7);
    clients[0].write(bytes(10_000, 8));
    clients[1].write(data);
    expect(() => env.clock.advance(1)).toThrow("reader failed");
    env.clock.runUntilCondition(() => got.reduce((n, d) => n + d.length, 0) === data.length, 10_000);
    expect(sha(Buffer.concat(got))).toBe(sha(data));
    expect(env.a.counters.retransmits).toBe(0);
  });
});
