/**
 * WHATWG streams over one connection, for browsers (and Node code that prefers them). No buffering of
 * their own (high-water mark 0 on the readable, 1 chunk on the writable): the TCP windows are the buffers,
 * so backpressure reaches the peer.
 *
 * The readable is a byte stream (`type: "bytes"`): `getReader({ mode: "byob" })` reads into the caller's
 * own buffer, filled straight from the connection's receive buffer; a default reader gets a fresh chunk
 * of at most 64 KiB per read, allocated by the stream, which it owns. Either way each byte is copied once
 * out of the engine, into memory the reader owns.
 */
import type { Owner, StreamCore } from "./stream-core.js";

const utf8 = new TextEncoder();

/** The chunk a default reader gets: the size of a full receive window, so one read can drain it. */
const AUTO_CHUNK = 64 * 1024;

export function webStreams(
  core: StreamCore,
  owner: Owner,
): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  const readable = new ReadableStream(
    {
      type: "bytes",
      autoAllocateChunkSize: AUTO_CHUNK,
      async pull(controller) {
        // With autoAllocateChunkSize every pull has a request: the BYOB reader's view or the stream's own.
        const request = controller.byobRequest!;
        const view = request.view!;
        const target = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        const n = await core.readInto(owner, target);
        if (n === null) {
          controller.close();
          // A BYOB read pending at the end is answered with an empty view (the stream requires it).
          request.respond(0);
        } else {
          request.respond(n);
        }
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
      if (typeof chunk === "string") return core.write(utf8.encode(chunk));
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
