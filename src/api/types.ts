/**
 * The typestate surface: a `TcpStream<S>` is a connection in the state `S` as the application knows it.
 * Each state's methods are the calls RFC 9293 allows there, so an illegal call is a compile error that
 * names the state (`Property 'write' does not exist on type 'TcpStream<"FinWait1">'`).
 *
 * `TcpStream<S>` is an alias of an intersection, not a conditional type, on purpose: TypeScript keeps the
 * alias name in its messages only for the former. Every state's method set is a named interface (even the
 * empty ones) because `Common<S> & {}` would collapse to `Common<S>` and lose the alias too.
 */
import type { ConnectionInfo } from "../tcp/types.js";
import type { SplitStream } from "./half-types.js";
import type { EventStream } from "./event-stream.js";

/** The states an application can hold a stream in, spelled as RFC 9293 names them, in CamelCase. */
export type StreamState =
  | "Established"
  | "FinWait1"
  | "FinWait2"
  | "CloseWait"
  | "Closing"
  | "LastAck"
  | "TimeWait"
  | "Closed";

export interface SocketAddress {
  /** A dotted quad, or an IPv6 address in RFC 5952 form. */
  readonly address: string;
  readonly port: number;
  readonly family: "IPv4" | "IPv6";
}

export interface CloseOptions {
  /**
   * Milliseconds to wait for the close to finish (our FIN acknowledged, the peer's FIN received) before
   * aborting with a RST and rejecting with `CloseTimeoutError`. Default: the stack's `closeTimeout`.
   */
  timeout?: number;
}

/** What a read gives: bytes, or the end of the peer's data together with the handle for what follows. */
export type ReadResult<Next> =
  | { readonly done: false; readonly value: Uint8Array }
  | { readonly done: true; readonly value: undefined; readonly stream: Next };

/** Members every handle has, whatever its state. */
export interface StreamCommon<S extends StreamState> {
  /** The state this handle stands for. It never changes: a transition returns a new handle. */
  readonly state: S;
  readonly peerAddr: SocketAddress;
  readonly localAddr: SocketAddress;
  /** The engine's view right now (RFC state name, RTT, window, counters). */
  info(): ConnectionInfo;
  /**
   * This connection's typed events (state changes, RTO, retransmissions, recovery, timers, drops): one
   * stream for every handle of the connection, so a listener added on the Established handle keeps
   * hearing after `shutdown()` or `read()` returned the next handle. Works on consumed handles too.
   */
  readonly events: EventStream;
  /**
   * Let a pending `read()`, `write()` or close on this connection keep a Node process alive (the
   * default), as a pending operation on a `net.Socket` does. Applies to every handle of the connection.
   */
  ref(): void;
  /** A pending call on this connection no longer keeps the process alive (as `socket.unref()`). */
  unref(): void;
  /**
   * Close gracefully: FIN after the queued bytes; resolves once the peer acknowledged it (everything
   * written was delivered). Waiting for the peer's FIN continues in the background, dropping what still
   * arrives, and aborts (RST) after the close timeout. Never rejects. Disposing a handle that a call
   * replaced closes the connection too, so `await using` on the first handle covers the handles derived
   * from it; on TimeWait and Closed handles it does nothing.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface Reads<Next> {
  /**
   * Resolves with the bytes available now (at most `maxBytes`), waiting only when there are none. At the
   * peer's FIN it resolves `{ done: true, stream }` and this handle is consumed.
   */
  read(maxBytes?: number): Promise<ReadResult<Next>>;
  /**
   * As `read`, into `buffer`: resolves with a view of the bytes copied into its start (at most
   * `buffer.length`; `value.buffer` is the caller's memory), waiting only when there are none. Nothing is
   * allocated for the bytes, as a BYOB reader's: the caller reuses the buffer for the next call, once it is
   * done with the bytes. At the peer's FIN, as `read`. A buffer of no bytes is a TypeError.
   */
  readInto(buffer: Uint8Array): Promise<ReadResult<Next>>;
}

/** How `write` takes its chunk. */
export interface WriteOptions {
  /**
   * Take the chunk over: the send buffer keeps `data` itself instead of a copy, and segments are built
   * from it (and rebuilt from it for each retransmission). Ownership: from the call on, the bytes belong to
   * the connection for good; never modify them, nor any other view of the same memory, even after the
   * promise settles (the connection may read them until the peer acknowledges them, and it does not say
   * when that is). Hand over chunks made for the purpose; default `false`.
   */
  noCopy?: boolean;
}

export interface Writes {
  /**
   * Resolves once every byte is in the send buffer (strings are sent as UTF-8). Awaiting each write
   * bounds memory: a writer faster than the peer waits here instead of queueing without limit.
   *
   * Ownership: the stream borrows `data` until the promise settles, copying it into the send buffer as
   * the window allows (one copy; the segments are then built from the send buffer). Do not change the
   * bytes before it settles; after that the chunk is the caller's again, to reuse or change. With
   * `{ noCopy: true }` the stream takes the chunk over instead (see `WriteOptions`). A string's UTF-8 bytes
   * are the stream's own, so they are always taken over.
   */
  write(data: Uint8Array | string, options?: WriteOptions): Promise<void>;
}

export interface Aborts {
  /** RFC 9293 ABORT: send RST, drop every queued byte, reject pending calls. */
  abort(): TcpStream<"Closed">;
}

export interface EstablishedMethods extends Reads<TcpStream<"CloseWait">>, Writes, Aborts {
  /** Half-close: send FIN after the queued bytes; the returned handle can still read. */
  shutdown(): TcpStream<"FinWait1">;
  /**
   * Send FIN after the queued bytes, discard what the peer still sends, and resolve when both sides
   * have closed: in TimeWait when we closed first, in Closed when the peer had.
   */
  close(options?: CloseOptions): Promise<TcpStream<"TimeWait"> | TcpStream<"Closed">>;
  /**
   * For full-duplex code: a read half and a write half with typestates of their own (read: Open ->
   * Ended; write: Open -> Shutdown -> Acknowledged), so a reader loop goes on after the writer's
   * `shutdown()`. This handle is consumed; the connection finishes once both halves are disposed.
   */
  split(): SplitStream;
  /**
   * The stream as WHATWG streams. Touching either hands the bytes over to the pair: `read`, `write`,
   * `shutdown` and `close` on this handle then throw `StaleHandleError`. Closing the writable sends FIN,
   * the readable ends at the peer's FIN, aborting the writable sends RST.
   *
   * The readable is a byte stream: `readable.getReader({ mode: "byob" })` reads into the caller's own
   * buffer, copied once from the receive buffer (the stream transfers that buffer and gives it back with
   * each read, as BYOB readers do); a default reader gets chunks that are its own. The writable borrows
   * each chunk as `write` does, until the promise of its `writer.write` settles.
   */
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

export interface CloseWaitMethods extends Writes, Aborts {
  /** Send FIN after the queued bytes; the peer has closed already, so nothing is left to read. */
  shutdown(): TcpStream<"LastAck">;
  /** Send our FIN after the queued bytes and wait for the close to finish; past `CloseOptions.timeout` (default: the stack's `closeTimeout`) abort with RST and reject with `CloseTimeoutError`. */
  close(options?: CloseOptions): Promise<TcpStream<"Closed">>;
}

export interface FinWait1Methods extends Reads<TcpStream<"Closing"> | TcpStream<"TimeWait">>, Aborts {
  /** Resolves when the peer has acknowledged everything we sent, FIN included. */
  acknowledged(): Promise<TcpStream<"FinWait2">>;
  /** Wait for the close to finish; past `CloseOptions.timeout` (default: the stack's `closeTimeout`) abort with RST and reject with `CloseTimeoutError`. */
  close(options?: CloseOptions): Promise<TcpStream<"TimeWait">>;
}

export interface FinWait2Methods extends Reads<TcpStream<"TimeWait">>, Aborts {
  /** Wait for the close to finish; past `CloseOptions.timeout` (default: the stack's `closeTimeout`) abort with RST and reject with `CloseTimeoutError`. */
  close(options?: CloseOptions): Promise<TcpStream<"TimeWait">>;
}

export interface ClosingMethods extends Aborts {
  /** Wait for the close to finish; past `CloseOptions.timeout` (default: the stack's `closeTimeout`) abort with RST and reject with `CloseTimeoutError`. */
  close(options?: CloseOptions): Promise<TcpStream<"TimeWait">>;
}

export interface LastAckMethods extends Aborts {
  /** Wait for the close to finish; past `CloseOptions.timeout` (default: the stack's `closeTimeout`) abort with RST and reject with `CloseTimeoutError`. */
  close(options?: CloseOptions): Promise<TcpStream<"Closed">>;
}

/** Both sides have closed and our FIN is acknowledged; the engine holds the 4-tuple for 2*MSL. */
export interface TimeWaitMethods {}

/** Nothing is left to do: the connection finished, was reset, or was aborted. */
export interface ClosedMethods {}

export interface StateMethods {
  Established: EstablishedMethods;
  FinWait1: FinWait1Methods;
  FinWait2: FinWait2Methods;
  CloseWait: CloseWaitMethods;
  Closing: ClosingMethods;
  LastAck: LastAckMethods;
  TimeWait: TimeWaitMethods;
  Closed: ClosedMethods;
}

/** A TCP connection in state `S`. Handles of different states are not assignable to each other. */
export type TcpStream<S extends StreamState> = StreamCommon<S> & StateMethods[S];

/** A handle in any state. */
export type AnyTcpStream = { [S in StreamState]: TcpStream<S> }[StreamState];
