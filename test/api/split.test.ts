/** split(): a reader loop and a writer on one connection, each half with its own typestate. */
import { describe, expect, it } from "vitest";
import { StaleHandleError } from "../../src/api/index.js";
import { connected, drive, pass, patternBytes, sha256, stackPair } from "./helpers.js";

describe("split() into a read half and a write half", () => {
  it("the reader loop goes on after the writer's shutdown(): 1 MiB in, 600 kB out, both intact", async () => {
    const p = stackPair({ delay: 5, loss: 0.01, seed: 4 });
    const { client, server } = await connected(p);
    const down = patternBytes(1 << 20, 1);
    const up = patternBytes(600_000, 2);

    // The server sends `down`, reads until the client's FIN, then closes.
    const served = (async () => {
      const sending = server.write(down);
      const parts: Uint8Array[] = [];
      for (;;) {
        const r = await server.read();
        if (!r.done) {
          parts.push(r.value);
          continue;
        }
        await sending;
        await r.stream.close();
        return sha256(parts);
      }
    })();

    const { reader, writer } = client.split();
    const reading = (async () => {
      const parts: Uint8Array[] = [];
      for (;;) {
        const r = await reader.read();
        if (r.done) return { hash: sha256(parts), state: r.half.state };
        parts.push(r.value);
      }
    })();
    const writing = (async () => {
      await writer.write(up);
      const acked = await writer.shutdown().acknowledged();
      return acked.state;
    })();

    expect(await drive(p.clock, writing)).toBe("Acknowledged");
    expect(await drive(p.clock, reading)).toEqual({ hash: sha256(down), state: "Ended" });
    expect(await drive(p.clock, served)).toBe(sha256(up));
  });

  it("each half is linear: the stream handle and a replaced half throw StaleHandleError naming the half", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    server.read().catch(() => {});
    const { reader, writer } = client.split();
    expect(() => client.split()).toThrow(StaleHandleError);
    await expect(client.read()).rejects.toThrow(/consumed by split\(\)/);
    const shut = writer.shutdown();
    expect(shut.state).toBe("Shutdown");
    await expect(writer.write("late")).rejects.toThrow(
      'stale WriteHalf<"Open"> handle: it was consumed by shutdown(); use the WriteHalf<"Shutdown"> it returned',
    );
    expect(() => writer.shutdown()).toThrow(StaleHandleError);
    expect([reader.half, reader.state, writer.half, reader.peerAddr.port]).toEqual(["read", "Open", "write", 80]);
  });

  it("the connection finishes once both halves are disposed, not when only the writer is", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const { reader, writer } = client.split();
    await drive(p.clock, writer[Symbol.asyncDispose]());
    expect(reader.info().state).toBe("FIN-WAIT-2");
    await drive(p.clock, server.write("after our FIN"));
    const r = await drive(p.clock, reader.read());
    expect(r.done ? "" : new TextDecoder().decode(r.value)).toBe("after our FIN");
    await drive(p.clock, reader[Symbol.asyncDispose]());
    const end = await drive(p.clock, server.read());
    expect(end.done).toBe(true);
    if (end.done) await drive(p.clock, end.stream.close());
    await pass(p.clock, 100);
    expect(reader.info().state).toBe("TIME-WAIT");
  });
});
