/**
 * WHATWG streams over one connection, for browsers (and Node code that prefers them). No buffering of
 * their own (high-water mark 0 on the readable, 1 chunk on the writable): the TCP windows are the buffers,
 * so backpressure reaches the peer.
 *
 * The readable is a byte stream (`type: "bytes"`): `getReader({ mode: "byob" })` reads into the caller's
 * own buffer, filled from the connection's receive buffer; a default reader gets each chunk the engine
 * reads, in a buffer of its own (a byte stream transfers the buffers it hands out, so a chunk carved
 * from the engine's shared slab is copied into one of its size first).
 */
import type { Owner, StreamCore } from "./stream-core.js";

const utf8 = new TextEncoder();

/** True when `chunk` is all of its buffer, so the stream may transfer that buffer to the reader. */
function ownsBuffer(chunk: Uint8Array): boolean {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
}

export function webStreams(
  core: StreamCore,
  owner: Owner,
): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  const readable = new ReadableStream(
    {
      type: "bytes",
      async pull(controller) {
        const request = controller.byobRequest;
        if (request !== null) {
          // A BYOB read: straight into the reader's view.
          const view = request.view!;
          const n = await core.readInto(owner, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
          if (n === null) {
            controller.close();
            // A BYOB read pending at the end is answered with an empty view (the stream requires it).
            request.respond(0);
          } else {
            request.respond(n);
          }
          return;
        }
        const chunk = (await core.read(owner, undefined, null)) as Uint8Array | null;
        if (chunk === null) controller.close();
        else controller.enqueue((ownsBuffer(chunk) ? chunk : chunk.slice()) as Uint8Array<ArrayBuffer>);
      },
      // The application wants no more: keep the window open by dropping what still arrives.
      cancel() {
        core.stopReading();
      },
    },
    { highWaterMark: 0 },
  ) as ReadableStream<Uint8Array>;
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      if (typeof chunk === "string") return core.write(utf8.encode(chunk), true);
      if (!(chunk instanceof Uint8Array)) throw new TypeError("TCP writable takes Uint8Array or string chunks");
      return core.write(chunk);
    },
    close() {
      core.requestFin();
    },
    abort() {
      core.abort();
    },
  });
  return { readable, writable };
}
