/**
 * Runs in the page (bundled by test/browser/websocket.test.ts and relay-origin.test.ts): a wirestate stack
 * whose link is the browser's own WebSocket, connecting through the relay to a stack in Node (an echo, with
 * the page-side capture) or to the Linux kernel (an HTTP GET); and a bare attempt to open the WebSocket.
 */
import { MemorySink, PcapngWriter, Stack, webSocketLink } from "../../src/api/index.js";

export interface EchoResult {
  /** Base64: large byte arrays cross page.evaluate far faster as one string than as arrays of numbers. */
  echoed: string;
  capture: string;
  states: string[];
}

/** Keeps the RFC 9293 state each of the stack's transitions reaches. */
function recordStates(stack: Stack, states: string[]): void {
  stack.events.on("state", (e) => states.push(e.to));
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
  });
  recordStates(stack, states);
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

/** Whether a WebSocket to `url` opens; if not, the close code the page saw (1006 for a refused upgrade). */
export function tryOpen(url: string): Promise<{ opened: boolean; code: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      socket.close(1000);
      resolve({ opened: true, code: 0 });
    });
    socket.addEventListener("close", (event) => resolve({ opened: false, code: event.code }));
  });
}

export interface HttpGetResult {
  /** The response's header block. */
  head: string;
  bodyLength: number;
  /** Hex SHA-256 of the body, computed in the page so megabytes need not cross page.evaluate. */
  bodySha256: string;
  states: string[];
}

/** Where the blank line after an HTTP header block starts, or the length when there is none. */
function headerEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return bytes.length;
}

/** An HTTP/1.0 GET for `path` from `remote:port`, from a stack at `local` whose link is a WebSocket to `url`. */
export async function getOverWebSocket(
  url: string,
  local: string,
  remote: string,
  port: number,
  path: string,
): Promise<HttpGetResult> {
  const states: string[] = [];
  const stack = new Stack({
    address: local,
    link: webSocketLink(new WebSocket(url), { mtu: 1500 }),
  });
  recordStates(stack, states);
  try {
    const { readable, writable } = await stack.connect(remote, port);
    const writer = writable.getWriter();
    await writer.write(new TextEncoder().encode(`GET ${path} HTTP/1.0\r\nHost: ${remote}\r\n\r\n`));
    await writer.close();
    const chunks: Uint8Array[] = [];
    for await (const chunk of readable) chunks.push(chunk);
    const response = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (response.set(c, at), at + c.length), 0);
    const end = headerEnd(response);
    const body = response.subarray(end + 4);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    return {
      head: new TextDecoder().decode(response.subarray(0, end)),
      bodyLength: body.length,
      bodySha256: [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""),
      states,
    };
  } finally {
    stack.close();
  }
}
