/**
 * Random use of the API by two applications at once, over a lossy wire: each side picks, step by step,
 * one of the calls its handle's state allows (reads and writes may stay pending across steps, as in a real
 * program). Whatever the interleaving: every promise settles, only wirestate's own errors appear, each
 * side receives a prefix of what the other wrote (all of it when nobody aborted), and both stacks end
 * with no connection left.
 */
import { describe, expect, it } from "vitest";
import {
  CloseTimeoutError,
  ConnectionAbortedError,
  ConnectionResetError,
  StaleHandleError,
  UserTimeoutError,
  type AnyTcpStream,
  type ReadResult,
  type TcpStream,
  type VirtualClock,
} from "../../src/api/index.js";
import { Prng } from "../../src/link/prng.js";
import { connected, drive, pass, patternBytes, sleep, stackPair } from "./helpers.js";

interface Side {
  attempted: Uint8Array[];
  received: Uint8Array[];
  sawEnd: boolean;
  aborted: boolean;
  errors: unknown[];
  unsettled: Set<Promise<unknown>>;
  log: string[];
}

const newSide = (): Side => ({
  attempted: [],
  received: [],
  sawEnd: false,
  aborted: false,
  errors: [],
  unsettled: new Set(),
  log: [],
});

const concat = (parts: Uint8Array[]) => Buffer.concat(parts);

const ALLOWED = [StaleHandleError, ConnectionResetError, ConnectionAbortedError, CloseTimeoutError, UserTimeoutError];

async function actor(
  rng: Prng,
  clock: VirtualClock,
  first: TcpStream<"Established">,
  side: Side,
  steps: number,
): Promise<void> {
  let h: AnyTcpStream = first;
  let pendingRead: Promise<void> | null = null;
  let pendingWrite: Promise<void> | null = null;
  let failed = false;
  const current = (): AnyTcpStream => h;
  const note = (e: unknown) => {
    side.errors.push(e);
    if (!(e instanceof StaleHandleError)) failed = true;
  };
  const track = (p: Promise<unknown>): Promise<void> => {
    const settled = p.then(
      () => {},
      (e: unknown) => note(e),
    );
    side.unsettled.add(settled);
    void settled.then(() => side.unsettled.delete(settled));
    return settled;
  };
  const within = (p: Promise<void> | null, ms: number) =>
    p === null ? Promise.resolve() : Promise.race([p, sleep(clock, ms)]);
  /** The buffer readInto fills: one read is pending at a time, and each read's bytes are copied out. */
  const into = new Uint8Array(7_000);
  /** read() or readInto(), by the roll's parity (no draw of its own, so the seeds' sequences stay). */
  const readOrInto = (
    s: { read(): Promise<ReadResult<AnyTcpStream>>; readInto(b: Uint8Array): Promise<ReadResult<AnyTcpStream>> },
    roll: number,
  ) => (roll % 2 === 0 ? s.read() : s.readInto(into));
  /** Start a read unless one is pending, then give it a while: a read may outlive the step that began it. */
  const readStep = (read: () => Promise<ReadResult<AnyTcpStream>>) => {
    pendingRead ??= track(
      read().then((r) => {
        if (r.done) {
          side.sawEnd = true;
          h = r.stream;
        } else side.received.push(r.value.slice()); // a readInto's view is overwritten by the next
      }),
    ).then(() => void (pendingRead = null));
    return within(pendingRead, 60);
  };

  for (let i = 0; i < steps && !failed; i++) {
    await sleep(clock, rng.below(40));
    const s = current(); // read through a call: callbacks replace `h` where control flow cannot see it
    const roll = rng.below(100);
    side.log.push(`${s.state}:${roll}`);
    try {
      switch (s.state) {
        case "Established":
        case "CloseWait":
          if (roll < 45) {
            if (pendingWrite !== null) await within(pendingWrite, 50);
            else {
              const data = patternBytes(1 + rng.below(30_000), rng.uint32());
              side.attempted.push(data);
              pendingWrite = track(s.write(data)).then(() => void (pendingWrite = null));
            }
          } else if (roll < 80 && s.state === "Established") {
            await readStep(() => readOrInto(s, roll));
          } else if (roll < 95) h = s.shutdown();
          else if (roll < 99) h = await s.close({ timeout: 3_000 });
          else {
            side.aborted = true;
            h = s.abort();
          }
          break;
        case "FinWait1":
        case "FinWait2":
          if (roll < 70) {
            await readStep(() => readOrInto(s, roll));
          } else if (roll < 85 && s.state === "FinWait1") {
            await within(track(s.acknowledged().then((next) => void (h = next))), 60);
          } else if (roll < 99) h = await s.close({ timeout: 3_000 });
          else {
            side.aborted = true;
            h = s.abort();
          }
          break;
        case "Closing":
        case "LastAck":
          if (roll < 98) h = await s.close({ timeout: 3_000 });
          else {
            side.aborted = true;
            h = s.abort();
          }
          break;
        case "TimeWait":
        case "Closed":
          return;
      }
    } catch (e) {
      note(e);
    }
  }
  await h[Symbol.asyncDispose]();
}

describe("random use of both ends at once", () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  it.each(seeds)("seed %i", async (seed) => {
    const rng = new Prng(seed);
    const loss = rng.below(4) / 100;
    const buffer = 4096 << rng.below(5);
    const p = stackPair(
      { delay: 1 + rng.below(20), loss, seed },
      { closeTimeout: 3_000, tcp: { sendBufferSize: buffer, receiveBufferSize: Math.min(buffer, 65535) } },
    );
    const { client, server, listener } = await connected(p);
    listener.close();
    const a = newSide();
    const b = newSide();
    const context = () => `seed ${seed} loss ${loss} buffer ${buffer}\nA: ${a.log.join(" ")}\nB: ${b.log.join(" ")}`;
    await drive(
      p.clock,
      Promise.all([actor(new Prng(seed, 1), p.clock, client, a, 30), actor(new Prng(seed, 2), p.clock, server, b, 30)]),
      30 * 60_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${context()}`);
    });
    await pass(p.clock, 5 * 60_000);

    expect(a.unsettled.size + b.unsettled.size, context()).toBe(0);
    for (const e of [...a.errors, ...b.errors]) {
      expect(
        ALLOWED.some((c) => e instanceof c),
        `${String(e)}\n${context()}`,
      ).toBe(true);
    }
    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      const sent = concat(from.attempted);
      const got = concat(to.received);
      expect(got.length, context()).toBeLessThanOrEqual(sent.length);
      expect(got.equals(sent.subarray(0, got.length)), `received bytes differ from sent\n${context()}`).toBe(true);
      const clean = !a.aborted && !b.aborted && [...a.errors, ...b.errors].every((e) => e instanceof StaleHandleError);
      if (clean && to.sawEnd) expect(got.length, `short stream\n${context()}`).toBe(sent.length);
    }
    expect(p.client.connectionCount + p.server.connectionCount, context()).toBe(0);
  });
});
