/**
 * The two halves `split()` makes of an Established stream, for full-duplex code: a reader loop and a
 * writer that run independently, as tokio's `into_split` gives. Each half has its own typestate, so a
 * writer's `shutdown()` never makes the reader stale:
 *
 * - read half: `Open` (reads) -> `Ended` (the peer's FIN was read);
 * - write half: `Open` (writes) -> `Shutdown` (our FIN queued) -> `Acknowledged` (the peer has it all).
 *
 * As with `TcpStream<S>`, each alias is an intersection of named interfaces so compiler messages keep
 * the alias name (`Property 'write' does not exist on type 'WriteHalf<"Shutdown">'`).
 */
import type { ConnectionInfo } from "../tcp/types.js";
import type { SocketAddress, WriteOptions } from "./types.js";
import type { EventStream } from "./event-stream.js";

/** The states of a read half: `Open` reads, `Ended` has read the peer's FIN. */
export type ReadHalfState = "Open" | "Ended";
/** The states of a write half: `Open` writes, `Shutdown` has queued our FIN, `Acknowledged` has it delivered. */
export type WriteHalfState = "Open" | "Shutdown" | "Acknowledged";

/** Members both halves have in every state. */
export interface HalfCommon<K extends "read" | "write", S extends string> {
  /** Which half this is; read and write halves are never assignable to each other. */
  readonly half: K;
  /** The state this half stands for; a transition returns a new half. */
  readonly state: S;
  readonly peerAddr: SocketAddress;
  readonly localAddr: SocketAddress;
  /** The engine's view of the connection right now (RFC state name, RTT, windows, counters). */
  info(): ConnectionInfo;
  /** The connection's typed events: the same stream as the split handle's `events`. */
  readonly events: EventStream;
  /** RFC 9293 ABORT of the whole connection: RST, both halves' pending calls reject. */
  abort(): void;
  /** Let this connection's pending calls keep a Node process alive (the default), for both halves. */
  ref(): void;
  /** Pending calls on this connection no longer keep the process alive, for both halves. */
  unref(): void;
  /**
   * Read half: stop reading (what still arrives is dropped, so the peer is never blocked). Write half:
   * send FIN after the queued bytes if not yet sent and resolve once the peer acknowledged it. Once both
   * halves are disposed the connection finishes as `TcpStream`'s disposal does. Never rejects.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A read on the open read half: bytes, or the peer's FIN with the `Ended` half. */
export type HalfReadResult =
  | { readonly done: false; readonly value: Uint8Array }
  | { readonly done: true; readonly value: undefined; readonly half: ReadHalf<"Ended"> };

/** The open read half: it reads. */
export interface ReadOpenMethods {
  /** Bytes available now (at most `maxBytes`), waiting only when there are none; at the peer's FIN, `done`. */
  read(maxBytes?: number): Promise<HalfReadResult>;
  /** As `read`, into `buffer`: the value is a view of the bytes copied into its start (TcpStream's `readInto`). */
  readInto(buffer: Uint8Array): Promise<HalfReadResult>;
}

/** The peer has closed its direction: nothing is left to read. */
export interface ReadEndedMethods {}

/** The open write half: it writes and half-closes. */
export interface WriteOpenMethods {
  /** Resolves once every byte is in the send buffer (strings as UTF-8); awaiting it bounds memory. */
  write(data: Uint8Array | string, options?: WriteOptions): Promise<void>;
  /** Half-close: FIN after the queued bytes. The read half goes on reading. */
  shutdown(): WriteHalf<"Shutdown">;
}

/** Our FIN is queued: the half waits for the peer to acknowledge everything. */
export interface WriteShutdownMethods {
  /** Resolves when the peer has acknowledged everything written, FIN included. */
  acknowledged(): Promise<WriteHalf<"Acknowledged">>;
}

/** Everything written, FIN included, reached the peer. */
export interface WriteAcknowledgedMethods {}

/** The read half's methods by state (`ReadHalf<S>` is `HalfCommon` and `ReadHalfMethods[S]`). */
export interface ReadHalfMethods {
  Open: ReadOpenMethods;
  Ended: ReadEndedMethods;
}

/** The write half's methods by state (`WriteHalf<S>` is `HalfCommon` and `WriteHalfMethods[S]`). */
export interface WriteHalfMethods {
  Open: WriteOpenMethods;
  Shutdown: WriteShutdownMethods;
  Acknowledged: WriteAcknowledgedMethods;
}

/** The read half of a split connection in state `S`. */
export type ReadHalf<S extends ReadHalfState> = HalfCommon<"read", S> & ReadHalfMethods[S];

/** The write half of a split connection in state `S`. */
export type WriteHalf<S extends WriteHalfState> = HalfCommon<"write", S> & WriteHalfMethods[S];

/** What `split()` returns; `await using` on it disposes both halves (the connection then finishes). */
export interface SplitStream {
  readonly reader: ReadHalf<"Open">;
  readonly writer: WriteHalf<"Open">;
  /** Dispose both halves, whatever state each reached; the connection then finishes. */
  [Symbol.asyncDispose](): Promise<void>;
}
