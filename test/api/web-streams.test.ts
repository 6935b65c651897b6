/** `stream.readable` / `stream.writable`: WHATWG streams over a connection. */
import { describe, expect, it } from "vitest";
import { ConnectionResetError, StaleHandleError } from "../../src/api/index.js";
import { toNodeDuplex } from "../../src/api/node.js";
import { type Pair, connected, drive, patternBytes, settle, sha256, stackPair } from "./helpers.js";

async function readAll(p: Pair, readable: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await drive(p.clock, reader.read());
    if (done) return parts;
    parts.push(value);
  }
}

describe("WHATWG streams", () => {
  it("an echo server by pipeTo: 1 MiB through and back, the end of each side carried by FIN", async () => {
    const p = stackPair({ delay: 3, loss: 0.01, seed: 7 });
    const { client, server } = await connected(p);
    const echo = server.readable.pipeTo(server.writable); // closes the writable (FIN) when the readable ends
    const data = patternBytes(1 << 20, 21);
    const { readable, writable } = client;
    const sending = (async () => {
      const writer = writable.getWriter();
      for (let off = 0; off < data.length; off += 50_000) await writer.write(data.subarray(off, off + 50_000));
      await writer.close();
    })();
    const back = await readAll(p, readable);
    await drive(p.clock, sending);
    await drive(p.clock, echo);
    expect(back.reduce((n, b) => n + b.length, 0)).toBe(data.length);
    expect(sha256(back)).toBe(sha256(data));
    expect(client.info().state).toBe("TIME-WAIT");
  });

  it("aborting the writable resets the connection; the peer's reads reject with ConnectionResetError", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const reader = server.readable.getReader();
    const pending = reader.read().catch((e: unknown) => e);
    await client.writable.abort(new Error("changed my mind"));
    expect(await drive(p.clock, pending)).toBeInstanceOf(ConnectionResetError);
    expect(client.info().state).toBe("CLOSED");
  });

  it("the readable errors when the peer resets", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const reader = client.readable.getReader();
    const pending = reader.read().catch((e: unknown) => e);
    server.abort();
    expect(await drive(p.clock, pending)).toBeInstanceOf(ConnectionResetError);
  });

  it("hands the bytes over: the handle's byte calls go stale, inspection and abort stay", async () => {
    const p = stackPair();
    const { client } = await connected(p);
    const { readable, writable } = client;
    expect(client.readable).toBe(readable);
    expect(client.writable).toBe(writable);
    await expect(client.read()).rejects.toBeInstanceOf(StaleHandleError);
    await expect(client.write("x")).rejects.toBeInstanceOf(StaleHandleError);
    expect(() => client.shutdown()).toThrow(/consumed by \.readable\/\.writable/);
    expect(() => toNodeDuplex(client)).toThrow(StaleHandleError);
    expect(client.peerAddr.port).toBe(80);
    expect(client.abort().state).toBe("Closed");
  });

  it("cancelling the readable drops what still arrives, so the peer's writes are never blocked", async () => {
    const p = stackPair({ delay: 2 }, { tcp: { receiveBufferSize: 16 * 1024 } });
    const { client, server } = await connected(p);
    await client.readable.cancel();
    await drive(p.clock, server.write(patternBytes(512 * 1024, 2))); // 32 times the receive buffer
    const writer = client.writable.getWriter();
    await drive(p.clock, writer.write(new TextEncoder().encode("still writing")));
    const r = await drive(p.clock, server.read());
    expect(!r.done && new TextDecoder().decode(r.value)).toBe("still writing");
  });
});

describe("WHATWG byte streams", () => {
  it("reads asked for before any bytes arrive are answered in order, the last one by the end", async () => {
    const p = stackPair({ delay: 2 });
    const { client, server } = await connected(p);
    const reader = server.readable.getReader();
    const first = reader.read();
    const second = reader.read();
    const third = reader.read();
    await drive(p.clock, client.write(new TextEncoder().encode("one")));
    const a = await drive(p.clock, first);
    expect(new TextDecoder().decode(a.value)).toBe("one");
    await drive(p.clock, client.write(new TextEncoder().encode("two")));
    const b = await drive(p.clock, second);
    expect(new TextDecoder().decode(b.value)).toBe("two");
    client.shutdown();
    expect((await drive(p.clock, third)).done).toBe(true);
  });

  for (const mode of ["default", "byob"] as const) {
    it(`cancelling a ${mode} reader with a read waiting ends that read, and the peer can still write`, async () => {
      const p = stackPair({ delay: 2 }, { tcp: { receiveBufferSize: 16 * 1024 } });
      const { client, server } = await connected(p);
      let waiting: Promise<{ done: boolean }>;
      let cancel: () => Promise<void>;
      if (mode === "byob") {
        const reader = client.readable.getReader({ mode });
        waiting = reader.read(new Uint8Array(64));
        cancel = () => reader.cancel();
      } else {
        const reader = client.readable.getReader();
        waiting = reader.read();
        cancel = () => reader.cancel();
      }
      await settle(); // the stream has started and pulled: the read waits in the connection
      await drive(p.clock, cancel());
      expect((await drive(p.clock, waiting)).done).toBe(true);
      await drive(p.clock, server.write(patternBytes(128 * 1024, 3)));
      expect(server.info().state).toBe("ESTABLISHED");
    });
  }

  it("a BYOB reader receives into its own buffer: 300 KiB through one 16 KiB buffer, then the end", async () => {
    const p = stackPair({ delay: 2 });
    const { client, server } = await connected(p);
    const data = patternBytes(300 * 1024, 5);
    const sending = (async () => {
      await client.write(data);
      client.shutdown();
    })();
    const reader = server.readable.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(16 * 1024);
    const parts: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await drive(p.clock, reader.read(new Uint8Array(buffer)));
      if (done) {
        expect(value?.length ?? 0).toBe(0);
        break;
      }
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(16 * 1024);
      parts.push(value.slice());
      buffer = value.buffer; // the same memory comes back, transferred, with every read
    }
    await drive(p.clock, sending);
    expect(parts.reduce((n, b) => n + b.length, 0)).toBe(data.length);
    expect(sha256(parts)).toBe(sha256(data));
  });

  it("a BYOB read into a view of part of a buffer fills only that part", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    await drive(p.clock, client.write(new TextEncoder().encode("hello, world")));
    const reader = server.readable.getReader({ mode: "byob" });
    const backing = new Uint8Array(32).fill(0xee);
    const { value } = await drive(p.clock, reader.read(backing.subarray(4, 9)));
    expect(new TextDecoder().decode(value)).toBe("hello");
    const all = new Uint8Array(value!.buffer);
    expect(all[3]).toBe(0xee);
    expect(all[9]).toBe(0xee);
    const rest = await drive(p.clock, reader.read(new Uint8Array(32)));
    expect(new TextDecoder().decode(rest.value)).toBe(", world");
  });

  it("a default reader of the byte stream gets chunks it owns, each in a buffer of its own", async () => {
    const p = stackPair({ delay: 1 });
    const { client, server } = await connected(p);
    const data = patternBytes(200 * 1024, 9);
    const sending = (async () => {
      await client.write(data);
      client.shutdown();
    })();
    const parts = await readAll(p, server.readable);
    await drive(p.clock, sending);
    for (const part of parts) expect(part.byteLength).toBe(part.buffer.byteLength);
    // Each chunk has its own buffer: keeping one is safe while later reads go on.
    expect(new Set(parts.map((b) => b.buffer)).size).toBe(parts.length);
    expect(sha256(parts)).toBe(sha256(data));
  });
});
