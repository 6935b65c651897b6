/**
 * The run-time handles behind `TcpStream<S>`: one class per state, carrying exactly the methods its
 * type declares, so a cast cannot reach a method the state lacks. The shared machinery (queues, the
 * live-handle check) is in the base class and StreamCore; each public method is a one-line choice of
 * successor state.
 */
import type { ConnectionInfo } from "../tcp/types.js";
import { checkMaxBytes, checkReadBuffer, takesOver, toBytes } from "./byte-args.js";
import { splitStream } from "./halves.js";
import type { SplitStream } from "./half-types.js";
import { staleError, type AtEnd, type Consumption, type Owner, type StreamCore } from "./stream-core.js";
import type { CloseOptions, ReadResult, SocketAddress, StreamState, TcpStream, WriteOptions } from "./types.js";
import { webStreams } from "./web-streams.js";
import type { EventStream } from "./event-stream.js";

/** How a read that reaches end-of-stream consumes its handle (StaleHandleError says it). */
const READ_END = "read() reaching end-of-stream";
const READ_INTO_END = "readInto() reaching end-of-stream";

abstract class Handle<S extends StreamState> implements Owner {
  abstract readonly state: S;
  consumption: Consumption | null = null;
  /** Internal: not part of `TcpStream<S>`, which is all a user sees. */
  readonly core: StreamCore;

  constructor(core: StreamCore) {
    this.core = core;
  }

  get peerAddr(): SocketAddress {
    this.assertInspectable();
    return this.core.peerAddr;
  }

  get localAddr(): SocketAddress {
    this.assertInspectable();
    return this.core.localAddr;
  }

  info(): ConnectionInfo {
    this.assertInspectable();
    return this.core.info();
  }

  get events(): EventStream {
    return this.core.events;
  }

  ref(): void {
    this.core.hold.ref();
  }

  unref(): void {
    this.core.hold.unref();
  }

  /** Disposing any handle of a connection, live or replaced, finishes the connection (see StreamCore). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.core.dispose();
  }

  /** Byte operations and transitions need the live handle. */
  protected assertLive(): void {
    if (this.consumption !== null) throw staleError(this);
  }

  /** Inspection and abort also work on a handle whose bytes went to an adapter. */
  protected assertInspectable(): void {
    if (this.consumption !== null && !this.consumption.delegated) throw staleError(this);
  }

  // writeBytes and the reads (ReadingHandle) are not async functions: an async function returning the
  // core's promise settles a tick or two after it, on each of the two reads and two writes a round trip
  // makes. Their argument errors still reject, as from an async function.

  protected writeBytes(data: Uint8Array | string, options: WriteOptions | undefined): Promise<void> {
    try {
      this.assertLive();
      return this.core.write(toBytes(data), takesOver(data, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  protected halfClose<N extends Owner>(next: N): N {
    this.assertLive();
    this.core.throwIfFailed();
    const successor = this.core.replace(this, "shutdown()", next);
    this.core.requestFin();
    return successor;
  }

  protected async closeThen<N extends Owner>(options: CloseOptions | undefined, next: () => N): Promise<N> {
    this.assertLive();
    const timeout = options?.timeout;
    if (timeout !== undefined && !(timeout > 0 && timeout < Infinity)) {
      throw new RangeError(`close timeout must be a positive number of milliseconds, got ${timeout}`);
    }
    this.core.throwIfFailed();
    this.core.consume(this, "close()");
    await this.core.hold.during(this.core.finish(timeout));
    return this.core.adopt(next());
  }

  protected abortNow(): ClosedStream {
    this.assertInspectable();
    const next = new ClosedStream(this.core);
    if (this.consumption === null) this.core.replace(this, "abort()", next);
    else this.consumption = { by: "abort()", replacedBy: "Closed", delegated: false };
    this.core.abort();
    return next;
  }
}

/**
 * The states that read (Established, FinWait1, FinWait2): `read` and `readInto`, and the successor that a
 * read reaching the peer's FIN leaves.
 */
abstract class ReadingHandle<S extends StreamState, N extends Owner> extends Handle<S> {
  /** Makes the handle a read reaching end-of-stream leaves (a private field: no cast reaches it). */
  readonly #nextAtEnd: (core: StreamCore) => N;
  #atEnd: (AtEnd & { next(): N }) | undefined;

  constructor(core: StreamCore, nextAtEnd: (core: StreamCore) => N) {
    super(core);
    this.#nextAtEnd = nextAtEnd;
  }

  read(maxBytes?: number): Promise<ReadResult<N>> {
    try {
      this.assertLive();
      checkMaxBytes(maxBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.core.readResult(this, maxBytes, this.#rule(READ_END)) as Promise<ReadResult<N>>;
  }

  readInto(buffer: Uint8Array): Promise<ReadResult<N>> {
    try {
      this.assertLive();
      checkReadBuffer(buffer, "readInto's buffer");
    } catch (error) {
      return Promise.reject(error);
    }
    return this.core.readIntoResult(this, buffer, this.#rule(READ_INTO_END)) as Promise<ReadResult<N>>;
  }

  // One end-of-stream rule per handle and call, not a closure per read (a round trip makes two reads).
  #rule(by: string): AtEnd & { next(): N } {
    if (this.#atEnd?.by !== by) this.#atEnd = { by, next: () => this.#nextAtEnd(this.core) };
    return this.#atEnd;
  }
}

// The successors of a read reaching the peer's FIN, one function each for every handle of the state.
const closeWaitAfterFin = (c: StreamCore) => new CloseWaitStream(c);
const closingOrTimeWaitAfterFin = (c: StreamCore) => (c.finAcknowledged ? new TimeWaitStream(c) : new ClosingStream(c));
const timeWaitAfterFin = (c: StreamCore) => new TimeWaitStream(c);

export class EstablishedStream
  extends ReadingHandle<"Established", CloseWaitStream>
  implements TcpStream<"Established">
{
  readonly state = "Established";

  constructor(core: StreamCore) {
    super(core, closeWaitAfterFin);
  }

  write(data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    return this.writeBytes(data, options);
  }

  shutdown(): TcpStream<"FinWait1"> {
    return this.halfClose(new FinWait1Stream(this.core));
  }

  close(options?: CloseOptions): Promise<TcpStream<"TimeWait"> | TcpStream<"Closed">> {
    return this.closeThen(options, () =>
      this.core.engineState === "TIME-WAIT" ? new TimeWaitStream(this.core) : new ClosedStream(this.core),
    );
  }

  abort(): TcpStream<"Closed"> {
    return this.abortNow();
  }

  split(): SplitStream {
    this.assertLive();
    this.core.consume(this, "split()");
    return splitStream(this.core);
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.#web().readable;
  }

  get writable(): WritableStream<Uint8Array> {
    return this.#web().writable;
  }

  #web(): NonNullable<StreamCore["web"]> {
    if (this.core.web === null) {
      this.core.delegate(this, ".readable/.writable");
      this.core.web = webStreams(this.core, this);
    }
    return this.core.web;
  }
}

export class CloseWaitStream extends Handle<"CloseWait"> implements TcpStream<"CloseWait"> {
  readonly state = "CloseWait";

  write(data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    return this.writeBytes(data, options);
  }

  shutdown(): TcpStream<"LastAck"> {
    return this.halfClose(new LastAckStream(this.core));
  }

  close(options?: CloseOptions): Promise<TcpStream<"Closed">> {
    return this.closeThen(options, () => new ClosedStream(this.core));
  }

  abort(): TcpStream<"Closed"> {
    return this.abortNow();
  }
}

export class FinWait1Stream
  extends ReadingHandle<"FinWait1", ClosingStream | TimeWaitStream>
  implements TcpStream<"FinWait1">
{
  readonly state = "FinWait1";

  constructor(core: StreamCore) {
    super(core, closingOrTimeWaitAfterFin);
  }

  async acknowledged(): Promise<TcpStream<"FinWait2">> {
    this.assertLive();
    await this.core.hold.during(this.core.until(() => this.core.finAcknowledged));
    return this.core.replace(this, "acknowledged()", new FinWait2Stream(this.core));
  }

  close(options?: CloseOptions): Promise<TcpStream<"TimeWait">> {
    return this.closeThen(options, () => new TimeWaitStream(this.core));
  }

  abort(): TcpStream<"Closed"> {
    return this.abortNow();
  }
}

export class FinWait2Stream extends ReadingHandle<"FinWait2", TimeWaitStream> implements TcpStream<"FinWait2"> {
  readonly state = "FinWait2";

  constructor(core: StreamCore) {
    super(core, timeWaitAfterFin);
  }

  close(options?: CloseOptions): Promise<TcpStream<"TimeWait">> {
    return this.closeThen(options, () => new TimeWaitStream(this.core));
  }

  abort(): TcpStream<"Closed"> {
    return this.abortNow();
  }
}

export class ClosingStream extends Handle<"Closing"> implements TcpStream<"Closing"> {
  readonly state = "Closing";

  close(options?: CloseOptions): Promise<TcpStream<"TimeWait">> {
    return this.closeThen(options, () => new TimeWaitStream(this.core));
  }

  abort(): TcpStream<"Closed"> {
    return this.abortNow();
  }
}

export class LastAckStream extends Handle<"LastAck"> implements TcpStream<"LastAck"> {
  readonly state = "LastAck";

  close(options?: CloseOptions): Promise<TcpStream<"Closed">> {
    return this.closeThen(options, () => new ClosedStream(this.core));
  }

  abort(): TcpStream<"Closed"> {
    return this.abortNow();
  }
}

export class TimeWaitStream extends Handle<"TimeWait"> implements TcpStream<"TimeWait"> {
  readonly state = "TimeWait";
}

export class ClosedStream extends Handle<"Closed"> implements TcpStream<"Closed"> {
  readonly state = "Closed";
}

/**
 * For adapters: take over the bytes of an Established handle. The handle keeps `info()`, addresses and
 * `abort()`; its byte calls and transitions throw `StaleHandleError` from now on.
 */
export function takeBytes(stream: TcpStream<"Established">, by: string): { core: StreamCore; owner: Owner } {
  if (!(stream instanceof EstablishedStream)) {
    throw new TypeError(`${by} needs a TcpStream<"Established"> made by a wirestate Stack`);
  }
  stream.core.delegate(stream, by);
  return { core: stream.core, owner: stream };
}

/** The first handle of a connection the engine has (or will have) synchronized. */
export function openStream(core: StreamCore): TcpStream<"Established"> {
  return core.adopt(new EstablishedStream(core));
}
