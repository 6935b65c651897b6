/** One user notification per burst of the link (Link.onBurstEnd), not one per segment. */
import { describe, expect, it } from "vitest";
import type { Connection } from "../../src/tcp/types.js";
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
});
