import { createServer, connect, type Socket } from "node:net";
import { type ByteStream, memoryStreamPair, type WebStreamPair } from "../../src/session/index.js";

/** Two in-process ByteStreams joined back to back; `chunk` splits writes to exercise reassembly. */
export function byteStreamPair(chunk = Infinity): [ByteStream, ByteStream] {
  return memoryStreamPair({ chunkSize: chunk });
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
