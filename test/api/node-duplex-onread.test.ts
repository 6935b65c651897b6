/** The Duplex's `onread` mode (net.Socket's option): reads into the caller's buffer, pause and resume, errors. */
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { ConnectionResetError } from "../../src/api/index.js";
import { nodeNet, toNodeDuplex } from "../../src/api/node.js";
import { connected, drive, pass, patternBytes, sha256, stackPair } from "./helpers.js";

describe("toNodeDuplex with onread", () => {
  it("puts every byte into the caller's one buffer and none into 'data'; 'end' and 'close' come as usual", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const sent = patternBytes(300_000, 3);
    const buffer = new Uint8Array(16_384);
    const copies: Uint8Array[] = [];
    const buffers = new Set<Uint8Array>();
    const b = toNodeDuplex(server, {
      onread: {
        buffer,
        callback(n, buf) {
          buffers.add(buf);
          copies.push(buf.slice(0, n));
          return true;
        },
      },
    });
    let streamed = 0;
    b.on("data", (d: Buffer) => (streamed += d.length));
    const events: string[] = [];
    b.on("end", () => events.push("end"));
    const closed = new Promise((resolve) =>
      b.on("close", (hadError: boolean) => resolve(events.push(`close ${hadError}`))),
    );
    const a = toNodeDuplex(client);
    a.end(sent);
    b.end();
    await drive(p.clock, closed);
    expect(sha256(copies)).toBe(sha256(sent));
    expect([...buffers]).toEqual([buffer]);
    expect(Math.max(...copies.map((c) => c.length))).toBeLessThanOrEqual(buffer.length);
    expect(copies.length).toBeGreaterThanOrEqual(Math.ceil(sent.length / buffer.length));
    expect([streamed, b.bytesRead]).toEqual([0, sent.length]);
    expect(events).toEqual(["end", "close false"]);
  });

  it("a callback's false pauses: no read until resume(), and the closed window holds the sender back", async () => {
    const p = stackPair({ delay: 5 }, { tcp: { receiveBufferSize: 16_384, receiveBufferAutotune: false } });
    const { client, server } = await connected(p);
    const sent = patternBytes(200_000, 4);
    const copies: Uint8Array[] = [];
    const b = toNodeDuplex(server, {
      onread: {
        buffer: new Uint8Array(4_096),
        callback(n, buf) {
          copies.push(buf.slice(0, n));
          return copies.length > 1; // the first read pauses
        },
      },
    });
    const a = toNodeDuplex(client);
    a.write(sent);
    await pass(p.clock, 2_000);
    expect(copies.length).toBe(1);
    expect(b.isPaused()).toBe(true);
    // The window closed: what arrived is the one read and a receive buffer's worth, the rest waits.
    expect(b.info().bytesReceived).toBeLessThanOrEqual(4_096 + 16_384);
    b.resume();
    a.end();
    await drive(p.clock, once(b, "end"));
    expect(sha256(copies)).toBe(sha256(sent));
  });

  it("a buffer function is asked for a buffer before each read, and each callback gets the one it gave", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const sent = patternBytes(50_000, 5);
    const given: Uint8Array[] = [];
    const got: Uint8Array[] = [];
    let mismatched = 0;
    const b = toNodeDuplex(server, {
      onread: {
        buffer: () => {
          given.push(new Uint8Array(1_000 + given.length));
          return given[given.length - 1];
        },
        callback(n, buf) {
          if (buf !== given[given.length - 1]) mismatched++;
          got.push(buf.slice(0, n));
        },
      },
    });
    const ended = once(b, "end");
    toNodeDuplex(client).end(sent);
    await drive(p.clock, ended);
    expect(sha256(got)).toBe(sha256(sent));
    expect(mismatched).toBe(0);
    // One buffer per read, and one more for the read that found the end.
    expect(given.length).toBe(got.length + 1);
    expect(got.every((c, i) => c.length <= given[i].length)).toBe(true);
  });

  it("refuses a malformed onread at once; a bad buffer from the function or a throwing callback destroys it", async () => {
    const p = stackPair();
    const { server } = await connected(p);
    const callback = () => true;
    expect(() => toNodeDuplex(server, { onread: { buffer: new Uint8Array(0), callback } })).toThrow(
      /onread.buffer must be a non-empty Uint8Array, got an empty Uint8Array/,
    );
    expect(() => toNodeDuplex(server, { onread: { buffer: new Uint8Array(8) } as never })).toThrow(
      /onread must be an object with a callback function/,
    );
    const bad = toNodeDuplex(server, { onread: { buffer: () => null as never, callback } });
    const [badError] = await drive(p.clock, once(bad, "error"));
    expect(badError).toBeInstanceOf(TypeError);
    expect((badError as Error).message).toMatch(
      /the onread buffer function's result must be a non-empty Uint8Array, got null/,
    );

    const q = stackPair();
    const pair = await connected(q);
    const thrower = toNodeDuplex(pair.server, {
      onread: {
        buffer: new Uint8Array(64),
        callback() {
          throw new RangeError("the application's parser failed");
        },
      },
    });
    const events: string[] = [];
    thrower.on("error", (e: Error) => events.push(`error ${e.message}`));
    const closed = new Promise((resolve) =>
      thrower.on("close", (hadError: boolean) => resolve(events.push(`close ${hadError}`))),
    );
    const peer = toNodeDuplex(pair.client).on("data", () => {});
    const peerError = once(peer, "error");
    peer.write(new Uint8Array(10));
    await drive(q.clock, closed);
    expect(events).toEqual(["error the application's parser failed", "close true"]);
    // Destroyed with an error: the connection is reset, as a destroy(error) of any Duplex.
    const [reset] = await drive(q.clock, peerError);
    expect(reset).toBeInstanceOf(ConnectionResetError);
  });

  it("paused while connecting, it reads nothing until resume(); destroyed with a read pending, it closes", async () => {
    const p = stackPair();
    const listener = p.server.listen(80);
    const got: Uint8Array[] = [];
    const a = toNodeDuplex(p.client.connect("10.0.0.2", 80), {
      onread: { buffer: new Uint8Array(1_000), callback: (n, buf) => void got.push(buf.slice(0, n)) },
    });
    a.pause();
    const connectedA = once(a, "connect");
    const b = toNodeDuplex(await drive(p.clock, listener.accept()));
    await drive(p.clock, connectedA);
    const sent = patternBytes(5_000, 9);
    b.write(sent);
    await pass(p.clock, 500);
    expect(got.length).toBe(0);
    a.resume();
    await pass(p.clock, 500);
    expect(sha256(got)).toBe(sha256(sent));
    const closed = once(a, "close"); // a read into the buffer is pending again
    const peerEnded = once(b.resume(), "end");
    a.destroy();
    expect(await drive(p.clock, closed)).toEqual([false]);
    await drive(p.clock, peerEnded); // a graceful close: the peer reads our FIN
  });

  it("nodeNet's connect takes onread: the client reads an echo into its buffer once connected", async () => {
    const p = stackPair();
    nodeNet(p.server)
      .createServer((socket) => socket.pipe(socket))
      .listen(7);
    const sent = patternBytes(70_000, 6);
    const got: Uint8Array[] = [];
    const socket = nodeNet(p.client).connect({
      host: "10.0.0.2",
      port: 7,
      onread: { buffer: new Uint8Array(8_192), callback: (n, buf) => void got.push(buf.slice(0, n)) },
    });
    expect(socket.connecting).toBe(true);
    socket.on("connect", () => socket.end(sent));
    await drive(p.clock, once(socket, "end"));
    expect(sha256(got)).toBe(sha256(sent));
  });
});
