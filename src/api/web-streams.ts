/**
 * WHATWG streams over one connection, for browsers (and Node code that prefers them). No buffering of
 * their own (high-water mark 0 on the readable, 1 chunk on the writable): the TCP windows are the buffers,
 * so backpressure reaches the peer.
 */
import type { Owner, StreamCore } from "./stream-core.js";

const utf8 = new TextEncoder();

export function webStreams(
  core: StreamCore,
  owner: Owner,
): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  const readable = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = (await core.read(owner, undefined, null)) as Uint8Array | null;
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      // The application wants no more: keep the window open by dropping what still arrives.
      cancel() {
        core.stopReading();
      },
    },
    { highWaterMark: 0 },
  );
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
