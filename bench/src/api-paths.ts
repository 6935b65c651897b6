/**
 * The API suite's transfers (api-suite.ts): the same bulk transfer at MTU 1500 through the engine's
 * callback API (reading owned chunks, or into one buffer), `TcpStream.write/read` (and `readInto`), the
 * WHATWG pair (default and BYOB readers) and the Node `Duplex` ('data' events, or `onread` into one
 * buffer). Each runs in a process of its own (path-child.ts).
 */
import { Stack } from "../../src/api/stack.js";
import type { TcpStream } from "../../src/api/types.js";
import { toNodeDuplex } from "../../src/api/node.js";
import { RealClock } from "../../src/clock/real-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { bulk, CHUNK, stopwatch, tcpConfig, type Timed } from "./engine-bulk.js";

type Pair = { client: TcpStream<"Established">; server: TcpStream<"Established">; close(): void };

async function pair(port: number): Promise<Pair> {
  const clock = new RealClock();
  const [la, lb] = memoryLinkPair({ clock, mtu: 1500 });
  const tcp = tcpConfig(1500);
  const a = new Stack({ address: "10.0.0.1", link: la, clock, tcp });
  const b = new Stack({ address: "10.0.0.2", link: lb, clock, tcp });
  const listener = b.listen(port);
  const accepted = listener.accept();
  const client = await a.connect("10.0.0.2", port);
  const server = await accepted;
  return {
    client,
    server,
    close() {
      a.close();
      b.close();
    },
  };
}

const source = new Uint8Array(CHUNK).map((_, i) => i & 255);

function expectAll(received: number, total: number, how: string): void {
  if (received !== total) throw new Error(`${how}: received ${received} of ${total} bytes`);
}

/** TcpStream's `write`, and `read()` (chunks the reader keeps) or `readInto()` (into one buffer of its own). */
async function viaTcpStream(total: number, into: boolean): Promise<Timed> {
  const p = await pair(5101);
  const buffer = new Uint8Array(CHUNK);
  const stop = stopwatch();
  const sending = (async () => {
    for (let sent = 0; sent < total; sent += CHUNK)
      await p.client.write(source.subarray(0, Math.min(CHUNK, total - sent)));
    p.client.shutdown();
  })();
  let received = 0;
  for (;;) {
    const r = into ? await p.server.readInto(buffer) : await p.server.read();
    if (r.done) break;
    received += r.value.length;
  }
  const t = stop(total * 8);
  await sending;
  p.close();
  expectAll(received, total, into ? "TcpStream, readInto" : "TcpStream");
  return t;
}

async function viaWebStreams(total: number, byob: boolean): Promise<Timed> {
  const p = await pair(5102);
  const stop = stopwatch();
  const sending = (async () => {
    const writer = p.client.writable.getWriter();
    for (let sent = 0; sent < total; sent += CHUNK) {
      await writer.ready;
      void writer.write(source.subarray(0, Math.min(CHUNK, total - sent)));
    }
    await writer.close();
  })();
  let received = 0;
  if (byob) {
    const reader = p.server.readable.getReader({ mode: "byob" });
    // Each read transfers the buffer into the stream and back: the same memory, reused for every read.
    let buffer = new Uint8Array(CHUNK);
    for (;;) {
      const r = await reader.read(buffer);
      if (r.done) break;
      received += r.value.length;
      buffer = new Uint8Array(r.value.buffer);
    }
  } else {
    const reader = p.server.readable.getReader();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      received += r.value.length;
    }
  }
  const t = stop(total * 8);
  await sending;
  p.close();
  expectAll(received, total, byob ? "WHATWG BYOB" : "WHATWG");
  return t;
}

/**
 * The Node Duplex, its reader taking 'data' events (a Buffer of its own each) or, with `onread`, reading
 * into one buffer of its own, as `net.Socket`'s option does: the Duplex's counterpart of a BYOB reader.
 */
async function viaNodeDuplex(total: number, onread: boolean): Promise<Timed> {
  const p = await pair(5103);
  const client = toNodeDuplex(p.client);
  let received = 0;
  const into = new Uint8Array(CHUNK);
  const server = onread
    ? toNodeDuplex(p.server, { onread: { buffer: into, callback: (n) => void (received += n) } })
    : toNodeDuplex(p.server);
  const stop = stopwatch();
  const done = new Promise<void>((resolve, reject) => {
    if (!onread) {
      server.on("data", (d: Uint8Array) => {
        received += d.length;
      });
    }
    server.on("end", resolve);
    server.on("error", reject);
  });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(CHUNK, total - sent);
      sent += n;
      if (!client.write(source.subarray(0, n))) return void client.once("drain", pump);
    }
    client.end();
  };
  pump();
  await done;
  const t = stop(total * 8);
  client.destroy();
  server.destroy();
  p.close();
  expectAll(received, total, onread ? "Node Duplex, onread" : "Node Duplex");
  return t;
}

/** Every path the API suite measures, the engine's own two included, by figure name. */
export const PATHS = {
  engine: async (total: number) => (await bulk(total, 1500, "owned")).bits,
  engine_read_into: async (total: number) => (await bulk(total, 1500, "into")).bits,
  tcpstream: (total: number) => viaTcpStream(total, false),
  tcpstream_read_into: (total: number) => viaTcpStream(total, true),
  web: (total: number) => viaWebStreams(total, false),
  web_byob: (total: number) => viaWebStreams(total, true),
  node_duplex: (total: number) => viaNodeDuplex(total, false),
  node_duplex_onread: (total: number) => viaNodeDuplex(total, true),
};
