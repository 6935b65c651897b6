import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kvClient, KvStore, kvServer } from "../../examples/session-kv-store.js";
import { type ByteStream, dual, memoryStreamPair, session, SessionError } from "../../src/session/index.js";

/*
 * A peer that sends garbage gets a typed error, never a crash or a hang: the bytes a real client sent
 * (hello, commands, end) are mutated and replayed to a real server, which must either finish or reject
 * with a SessionError.
 */

/** Every byte the client side writes during one real run of the key-value protocol. */
async function transcript(): Promise<Uint8Array> {
  const [a, b] = memoryStreamPair();
  const written: Uint8Array[] = [];
  const tapped: ByteStream = { ...a, write: (c) => (written.push(c.slice()), a.write(c)) };
  await Promise.all([
    session(KvStore, tapped).then((ch) =>
      kvClient(ch, [
        { op: "put", key: "alpha", value: "1" },
        { op: "get", key: "alpha" },
        { op: "delete", key: "beta" },
      ]),
    ),
    session(dual(KvStore), b).then((ch) => kvServer(ch, new Map())),
  ]);
  return Uint8Array.from(written.flatMap((c) => [...c]));
}

type Outcome = "finished" | "session error";

/** Replays `bytes` as the client to a real server; resolves how the server ended. */
async function replay(bytes: Uint8Array, chunk: number): Promise<Outcome> {
  const [a, b] = memoryStreamPair({ chunkSize: chunk });
  const served = session(dual(KvStore), b, { maxFrameBytes: 4096 }).then((ch) => kvServer(ch, new Map()));
  await a.write(bytes).catch(() => {});
  await a.end();
  // The server answers into a, which nobody reads: harmless in memory.
  try {
    await served;
    return "finished";
  } catch (e) {
    if (e instanceof SessionError) return "session error";
    throw e;
  }
}

describe("a peer sending garbage", () => {
  it("mutated transcripts end the server cleanly or with a SessionError", async () => {
    const good = await transcript();
    expect(await replay(good, Infinity)).toBe("finished");
    const outcomes = { finished: 0, "session error": 0 };
    const mutation = fc.oneof(
      fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
        const m = good.slice();
        m[at] ^= x;
        return m;
      }),
      fc.nat(good.length - 1).map((at) => good.slice(0, at)),
      fc
        .tuple(fc.nat(good.length), fc.uint8Array({ minLength: 1, maxLength: 16 }))
        .map(([at, junk]) => Uint8Array.from([...good.slice(0, at), ...junk, ...good.slice(at)])),
    );
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom(1, 3, Infinity), async (bytes, chunk) => {
        outcomes[await replay(bytes, chunk)]++;
      }),
      { numRuns: 300 },
    );
    console.log(
      `mutated transcripts: ${outcomes.finished} finished, ${outcomes["session error"]} typed session errors`,
    );
    expect(outcomes["session error"]).toBeGreaterThan(100);
  });

  it("random bytes after a correct hello give a SessionError", async () => {
    const hello = (await transcript()).slice(0, 38);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (junk) => {
        expect(await replay(Uint8Array.from([...hello, ...junk]), 7)).toBe("session error");
      }),
      { numRuns: 200 },
    );
  });
});
