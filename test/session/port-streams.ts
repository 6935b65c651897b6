import type { WebStreamPair } from "../../src/session/index.js";

/**
 * `{ readable, writable }` over the two ports of a MessageChannel, as a browser app would wrap a
 * MessagePort: each chunk is one message, `null` marks the end of the stream.
 */
export function messagePortPair(): [WebStreamPair, WebStreamPair, () => void] {
  const { port1, port2 } = new MessageChannel();
  const wrap = (port: MessagePort): WebStreamPair => ({
    readable: new ReadableStream<Uint8Array>({
      start(controller) {
        port.onmessage = (e: MessageEvent<Uint8Array | null>) => {
          if (e.data === null) controller.close();
          else controller.enqueue(e.data);
        };
      },
      cancel() {
        port.onmessage = null; // the reader is gone: later messages have nowhere to go
      },
    }),
    writable: new WritableStream<Uint8Array>({
      write(chunk) {
        port.postMessage(chunk);
      },
      close() {
        port.postMessage(null);
      },
    }),
  });
  return [wrap(port1), wrap(port2), () => (port1.close(), port2.close())];
}
