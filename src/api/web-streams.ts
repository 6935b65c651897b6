/**
 * WHATWG streams over one connection, for browsers (and Node code that prefers them). No buffering of
 * their own (high-water mark 0 on the readable, 1 chunk on the writable): the TCP windows are the buffers,
 * so backpressure reaches the peer.
 *
 * The readable is a byte stream (`type: "bytes"`): `getReader({ mode: "byob" })` reads into the caller's
 * own buffer, filled from the connection's receive buffer; a default reader gets what has arrived, copied
 * once from the receive buffer into an ArrayBuffer of its own (a byte stream transfers the buffers it
 * hands out, so a chunk carved from the engine's shared slab would need a second copy).
 */
import type { Owner, StreamCore } from "./stream-core.js";

const utf8 = new TextEncoder();

export function webStreams(
  core: StreamCore,
  owner: Owner,
): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  const readable = new ReadableStream(
    {
      type: "bytes",
      // Not an async function: the core's promise is the pull's, one promise and tick fewer per chunk.
      pull(controller) {
        const request = controller.byobRequest;
        if (request !== null) {
          // A BYOB read: straight into the reader's view (a Uint8Array over the reader's buffer).
          return core.readInto(owner, request.view as Uint8Array).then((n) => {
            if (n !== null) return request.respond(n);
            controller.close();
            // A BYOB read pending at the end is answered with an empty view (the stream requires it).
            request.respond(0);
          });
        }
        return core.readOwned(owner).then((chunk) => {
          if (chunk === null) controller.close();
          else controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
        });
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
