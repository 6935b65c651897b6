import { createServer, connect, type Socket } from "node:net";
import type { ByteStream, WebStreamPair } from "../../src/session/index.js";

/** Two in-process ByteStreams joined back to back; `chunk` splits writes to exercise reassembly. */
export function byteStreamPair(chunk = Infinity): [ByteStream, ByteStream] {
  const make = () => ({ queue: [] as (Uint8Array | null)[], waiting: undefined as ((c: Uint8Array | null) => void) | undefined, closed: false });
  const ab = make();
  const ba = make();
  const push = (q: ReturnType<typeof make>, c: Uint8Array | null) => {
    if (q.closed) return;
    if (c === null) q.closed = true;
    const w = q.waiting;
    if (w) {
      q.waiting = undefined;
      w(c);
    } else q.queue.push(c);
  };
  const side = (inbox: ReturnType<typeof make>, outbox: ReturnType<typeof make>): ByteStream => {
    let aborted = false;
    return {
      read: () => {
        if (inbox.queue.length > 0) return Promise.resolve(inbox.queue.shift() as Uint8Array | null);
        if (aborted) return Promise.reject(new Error("aborted"));
        return new Promise((resolve) => (inbox.waiting = resolve));
      },
      async write(c) {
        if (aborted || outbox.closed) throw new Error("write after end");
        for (let i = 0; i < c.length; i += chunk) push(outbox, c.slice(i, Math.min(c.length, i + chunk)));
      },
      async end() {
        push(outbox, null);
      },
      abort() {
        if (aborted) return;
        aborted = true;
        push(outbox, null);
        push(inbox, null);
      },
    };
  };
  return [side(ba, ab), side(ab, ba)];
}

/** Two `{ readable, writable }` WHATWG pairs joined by TransformStreams. */
export function webStreamPair(): [WebStreamPair, WebStreamPair] {
  const ab = new TransformStream<Uint8Array, Uint8Array>();
  const ba = new TransformStream<Uint8Array, Uint8Array>();
  return [
    { readable: ba.readable, writable: ab.writable },
    { readable: ab.readable, writable: ba.writable },
  ];
}

/** A real TCP connection over 127.0.0.1 through Node's kernel sockets. */
export async function netPair(): Promise<[Socket, Socket, () => void]> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once("connection", r));
  const client = connect(port, "127.0.0.1");
  await new Promise<void>((r) => client.once("connect", () => r()));
  const srv = await accepted;
  return [client, srv, () => server.close()];
}

