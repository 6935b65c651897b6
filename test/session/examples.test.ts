import { describe, expect, it } from "vitest";
import { runKvStore } from "../../examples/session-kv-store.js";
import { runLogin } from "../../examples/session-login.js";
import { runPingPong } from "../../examples/session-ping-pong.js";

describe("the session examples, each over two wirestate stacks joined by an in-memory wire", () => {
  it("login: right password gets a grant", async () => {
    const r = await runLogin("alice", "wonderland");
    expect(r).toEqual({
      client: { ok: true, token: "token-for-alice", expiresAt: 1_700_000_000_000n },
      server: "alice logged in",
    });
  });

  it("login: wrong password gets the reason", async () => {
    const r = await runLogin("alice", "guess");
    expect(r).toEqual({ client: { ok: false, reason: "unknown user or wrong password" }, server: "alice refused" });
  });

  it("ping-pong: 50 rounds in a loop", async () => {
    const r = await runPingPong(50);
    expect(r.served).toBe(50);
    expect(r.replies).toEqual(Array.from({ length: 50 }, (_, i) => i * 10 + 1));
  });

  it("key-value store: a recursive command loop", async () => {
    const r = await runKvStore([
      { op: "get", key: "a" },
      { op: "put", key: "a", value: "1" },
      { op: "put", key: "a", value: "2" },
      { op: "put", key: "b", value: "3" },
      { op: "get", key: "a" },
      { op: "delete", key: "b" },
      { op: "delete", key: "b" },
    ]);
    expect(r.answers).toEqual([undefined, false, true, false, "2", true, false]);
    expect([...r.store]).toEqual([["a", "2"]]);
    expect(r.served).toBe(7);
  });
});
