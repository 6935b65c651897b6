import { TransportClosedError } from "./errors.js";

/**
 * The byte stream a session runs on. Everything the session layer needs from a transport, so it runs over
 * TCP (this package's or Node's), WebSockets, MessagePorts or anything else that moves ordered bytes.
 */
export interface ByteStream {
  /** The next chunk, or null once the peer has ended its side. Rejects if the transport failed. */
  read(): Promise<Uint8Array | null>;
  /** Resolves once the transport has accepted the chunk (backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  /** Graceful end of this side's writing, after everything written so far. */
  end(): Promise<void>;
  /** Stop both directions now; pending reads end, queued writes may be lost. Never throws. */
  abort(reason?: unknown): void;
}

/** A readable/writable pair of WHATWG streams: wirestate's own `TcpStream`, a WebSocketStream, ... */
export interface WebStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/**
 * The parts of a Node `stream.Duplex` the adapter uses, spelled out so this module (and browsers that
 * import it) need no Node types: `net.Socket`, `tls.TLSSocket` and wirestate's `toNodeDuplex()` fit.
 */
export interface NodeDuplexLike {
  /** Take buffered bytes (paused mode), or null. */
  read(): unknown;
  /** Queue bytes; `callback` runs once they are handed on. */
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  /** End the writable side; `callback` runs once it is finished. */
  end(callback: () => void): unknown;
  /** Tear the stream down. */
  destroy(error?: Error): unknown;
  readonly destroyed: boolean;
  /** Listen for 'readable', 'end', 'error', 'close'. */
  on(event: string, listener: (...args: any[]) => void): unknown;
  pipe: unknown;
}

/** What `session()` accepts as a transport. */
export type Transport = ByteStream | WebStreamPair | NodeDuplexLike;

/** A session transport over a WHATWG readable/writable pair (a wirestate stream's, a WebSocketStream's...). */
export function fromWebStreams(pair: WebStreamPair): ByteStream {
  const reader = pair.readable.getReader();
  const writer = pair.writable.getWriter();
  return {
    async read() {
      const r = await reader.read();
      return r.done ? null : r.value;
    },
    async write(chunk) {
      await writer.ready;
      await writer.write(chunk);
    },
    end: () => writer.close(),
    abort(reason) {
      writer.abort(reason).catch(() => {});
      reader.cancel(reason).catch(() => {});
    },
  };
}

/** Any Node Duplex: `net.Socket`, `tls.TLSSocket`, wirestate's `toNodeDuplex(stream)`. */
export function fromNodeDuplex(stream: NodeDuplexLike): ByteStream {
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on("readable", notify);
  stream.on("end", () => {
    ended = true;
    notify();
  });
  stream.on("error", (e: Error) => {
    failure = e;
    notify();
  });
  stream.on("close", () => {
    if (!ended) failure ??= new TransportClosedError("stream closed before it ended");
    notify();
  });
  return {
    async read() {
      for (;;) {
        const chunk = stream.read() as Uint8Array | string | null;
        if (chunk !== null) return typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
        if (ended) return null;
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    write(chunk) {
      return new Promise((resolve, reject) => {
        if (failure || stream.destroyed) {
          reject(failure ?? new TransportClosedError("stream destroyed"));
          return;
        }
        stream.write(chunk, (err) => (err ? reject(err) : resolve()));
      });
    },
    end() {
      return new Promise((resolve) => stream.end(() => resolve()));
    },
    abort(reason) {
      // destroy() closes without a reset unless unread bytes remain, so a final frame still arrives.
      stream.destroy(reason instanceof Error ? reason : undefined);
    },
  };
}

function isByteStream(t: Transport): t is ByteStream {
  const s = t as Partial<ByteStream>;
  return (
    typeof s.read === "function" &&
    typeof s.write === "function" &&
    typeof s.end === "function" &&
    typeof s.abort === "function" &&
    !("pipe" in t)
  );
}

function isWebStreamPair(t: Transport): t is WebStreamPair {
  const p = t as Partial<WebStreamPair>;
  return typeof p.readable?.getReader === "function" && typeof p.writable?.getWriter === "function";
}

/** Wraps whichever kind of transport it is given. */
export function toByteStream(t: Transport): ByteStream {
  if (isWebStreamPair(t)) return fromWebStreams(t);
  if (isByteStream(t)) return t;
  if (typeof (t as NodeDuplexLike).pipe === "function") return fromNodeDuplex(t as NodeDuplexLike);
  throw new TypeError(
    "session transport: expected a ByteStream, a { readable, writable } WHATWG pair, or a Node Duplex",
  );
}
