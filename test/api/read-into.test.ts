/** `readInto(buffer)` on the typestate handles and the read half: the caller's memory, the end, bad calls. */
import { describe, expect, it } from "vitest";
import { StaleHandleError, type TcpStream } from "../../src/api/index.js";
import { connected, drive, patternBytes, sha256, stackPair } from "./helpers.js";

describe("readInto", () => {
  it("copies into the caller's buffer, each value a view of its start, and ends as read() does", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const sent = patternBytes(300_000, 11);
    const sending = (async () => {
      await client.write(sent);
      client.shutdown();
    })();
    const buffer = new Uint8Array(16_384);
    const copies: Uint8Array[] = [];
    let offsets = 0;
    let others = 0;
    const received = (async () => {
      for (;;) {
        const r = await server.readInto(buffer);
        if (r.done) return r.stream;
        if (r.value.buffer !== buffer.buffer) others++;
        offsets += r.value.byteOffset;
        copies.push(r.value.slice());
      }
    })();
    const next: TcpStream<"CloseWait"> = await drive(p.clock, received);
    await drive(p.clock, sending);
    expect(sha256(copies)).toBe(sha256(sent));
    expect([others, offsets]).toEqual([0, 0]);
    expect(Math.max(...copies.map((c) => c.length))).toBeLessThanOrEqual(buffer.length);
    expect(next.state).toBe("CloseWait");
    await expect(server.readInto(buffer)).rejects.toThrow(
      'stale TcpStream<"Established"> handle: it was consumed by readInto() reaching end-of-stream; use the TcpStream<"CloseWait"> it returned',
    );
  });

  it("reads on after shutdown(): a FinWait1 handle's readInto ends in TimeWait or Closing", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const half = client.shutdown();
    const reply = patternBytes(20_000, 12);
    const replying = (async () => {
      await server.write(reply);
      server.shutdown();
    })();
    const buffer = new Uint8Array(3_000);
    const copies: Uint8Array[] = [];
    const end = await drive(
      p.clock,
      (async () => {
        for (;;) {
          const r = await half.readInto(buffer);
          if (r.done) return r.stream;
          copies.push(r.value.slice());
        }
      })(),
    );
    await drive(p.clock, replying);
    expect(sha256(copies)).toBe(sha256(reply));
    expect(["TimeWait", "Closing"]).toContain(end.state);
  });

  it("refuses a buffer of no bytes or not bytes with TypeError, and a stale handle with StaleHandleError", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    await expect(server.readInto(new Uint8Array(0))).rejects.toThrow(
      new TypeError("readInto's buffer must be a non-empty Uint8Array, got an empty Uint8Array"),
    );
    await expect(server.readInto([1, 2, 3] as unknown as Uint8Array)).rejects.toThrow(TypeError);
    client.shutdown();
    await expect(client.readInto(new Uint8Array(8))).rejects.toThrow(StaleHandleError);
  });

  it("the read half's readInto fills the caller's buffer and ends with the Ended half", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const { reader, writer } = server.split();
    const sent = patternBytes(40_000, 13);
    const sending = (async () => {
      await client.write(sent);
      client.shutdown();
    })();
    const buffer = new Uint8Array(5_000);
    const copies: Uint8Array[] = [];
    const ended = await drive(
      p.clock,
      (async () => {
        for (;;) {
          const r = await reader.readInto(buffer);
          if (r.done) return r.half;
          expect(r.value.buffer).toBe(buffer.buffer);
          copies.push(r.value.slice());
        }
      })(),
    );
    await drive(p.clock, sending);
    expect(sha256(copies)).toBe(sha256(sent));
    expect(ended.state).toBe("Ended");
    await expect(reader.readInto(buffer)).rejects.toThrow(/consumed by readInto\(\) reaching end-of-stream/);
    await drive(p.clock, writer[Symbol.asyncDispose]());
  });
});
