import { describe, expect, it } from "vitest";
import type { Connection } from "../../src/tcp/types.js";
import { B, bytes, pair, sha } from "./harness.js";

const MIB = 2 ** 20;
/** 10,000 connections in 100 waves, one every 18 virtual seconds: 30 virtual minutes. */
const WAVES = 100;
const PER_WAVE = 100;
const WAVE_GAP_MS = 18_000;
const REQUEST = 3000;
const REPLY = 6000;

/** Collects what a connection reads until its peer's FIN; `onEnd` then runs once. */
function collect(conn: Connection, onEnd: (got: Uint8Array) => void): void {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const drain = () => {
    for (let c = conn.read(); c !== null; c = conn.read()) {
      chunks.push(c);
      total += c.length;
    }
    if (!ended && conn.readEnded) {
      ended = true;
      const all = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        all.set(c, o);
        o += c.length;
      }
      onEnd(all);
    }
  };
  conn.events.onReadable = drain;
  const prev = conn.events.onStateChange;
  conn.events.onStateChange = (from, to) => {
    prev?.(from, to);
    drain();
  };
}

/** Writes all of `data` as space frees, then `then()`. */
function writeAll(conn: Connection, data: Uint8Array, then: () => void): void {
  let off = 0;
  const step = () => {
    while (off < data.length) {
      const n = conn.write(data.subarray(off));
      if (n === 0) return;
      off += n;
    }
    conn.events.onWritable = undefined;
    then();
  };
  conn.events.onWritable = step;
  step();
}

describe("soak on the virtual clock (issue 13)", () => {
  it("10,000 connections in waves over 5% loss, reordering and duplication for 30 virtual minutes, budget 32 MiB", () => {
    const env = pair({ delay: 10, jitter: 4, loss: 0.05, reorder: 0.02, duplicate: 0.02, seed: 1313 }, {}, undefined, {
      memoryLimit: 32 * MIB,
    });
    const request = bytes(REQUEST, 1);
    const reply = bytes(REPLY, 2);
    const requestSha = sha(request);
    const replySha = sha(reply);
    const listener = env.b.listen(80, { backlog: 256 });
    let serverBad = 0;
    listener.onConnection = () => {
      for (let s = listener.accept(); s !== null; s = listener.accept()) {
        const conn = s;
        collect(conn, (got) => {
          if (sha(got) !== requestSha) serverBad++;
          writeAll(conn, reply, () => conn.shutdown());
        });
      }
    };
    let delivered = 0;
    let clientBad = 0;
    let failed = 0;
    const errors = new Map<string, number>();
    const open = () => {
      const c = env.a.connect(B, 80);
      c.events.onError = (why) => {
        failed++;
        errors.set(why, (errors.get(why) ?? 0) + 1);
      };
      collect(c, (got) => {
        if (sha(got) === replySha) delivered++;
        else clientBad++;
      });
      c.events.onStateChange = (_f, to) => {
        if (to === "ESTABLISHED") writeAll(c, request, () => c.shutdown());
      };
    };
    let peakUsed = 0;
    for (let w = 0; w < WAVES; w++) {
      for (let i = 0; i < PER_WAVE; i++) open();
      const until = env.clock.now() + WAVE_GAP_MS;
      while (env.clock.now() < until) {
        env.clock.advance(100);
        peakUsed = Math.max(peakUsed, env.b.counters.memory.used);
      }
    }
    expect(env.clock.runUntilIdle(3_600_000)).toBe(true);
    expect(Object.fromEntries(errors)).toEqual({});
    expect({ delivered, clientBad, serverBad, failed }).toEqual({
      delivered: WAVES * PER_WAVE,
      clientBad: 0,
      serverBad: 0,
      failed: 0,
    });
    // Nothing left: no connection, no timer, nothing charged.
    expect(env.a.connectionCount + env.b.connectionCount).toBe(0);
    expect(env.clock.pending).toBe(0);
    expect(env.b.counters.memory.used).toBe(0);
    expect(env.b.counters.memory.peak).toBeLessThanOrEqual(32 * MIB);
    expect(peakUsed).toBeGreaterThan(0);
    // The impairments really happened.
    expect(env.a.counters.retransmits + env.b.counters.retransmits).toBeGreaterThan(1000);
  }, 600_000);
});
