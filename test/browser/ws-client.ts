/**
 * Runs in the page (bundled by test/browser/websocket.test.ts): a wirestate stack whose link is the
 * browser's own WebSocket, connecting through the relay to a stack in Node, sending a payload through the
 * connection's WHATWG streams and reading the peer's echo until its FIN. Returns what came back and the
 * page-side capture.
 */
import { MemorySink, PcapngWriter, Stack, webSocketLink } from "../../src/api/index.js";

export interface EchoResult {
  /** Base64: large byte arrays cross page.evaluate far faster as one string than as arrays of numbers. */
  echoed: string;
  capture: string;
  states: string[];
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function echoOverWebSocket(
  url: string,
  payloadBase64: string,
  remote: string,
  port: number,
): Promise<EchoResult> {
  const payload = fromBase64(payloadBase64);
  const sink = new MemorySink();
  const states: string[] = [];
  const stack = new Stack({
    address: "10.0.0.1",
    link: webSocketLink(new WebSocket(url), { mtu: 1500 }),
    capture: new PcapngWriter(sink),
    onTrace: (text) => {
      const m = / ([A-Z0-9-]+) -> ([A-Z0-9-]+)$/.exec(text);
      if (m !== null) states.push(m[2]);
    },
  });
  try {
    const { readable, writable } = await stack.connect(remote, port);
    const writing = (async () => {
      const writer = writable.getWriter();
      // In pieces, as an application would, so reading and writing overlap.
      for (let at = 0; at < payload.length; at += 8192) await writer.write(payload.slice(at, at + 8192));
      await writer.close();
    })();
    const chunks: Uint8Array[] = [];
    for await (const chunk of readable) chunks.push(chunk);
    await writing;
    const echoed = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (echoed.set(c, at), at + c.length), 0);
    return { echoed: toBase64(echoed), capture: toBase64(sink.bytes()), states };
  } finally {
    stack.close();
  }
}
