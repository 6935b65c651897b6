/**
 * The run-time halves behind `ReadHalf<S>` and `WriteHalf<S>` (half-types.ts): one class per state with
 * exactly its type's methods, linear like stream handles (a consumed half throws `StaleHandleError`).
 * The two halves share the connection's StreamCore and a record of which of them is done, so the
 * connection finishes only once both are.
 */
import type { ConnectionInfo } from "../tcp/types.js";
import { checkMaxBytes, checkReadBuffer, takesOver, toBytes } from "./byte-args.js";
import type { HandleKind } from "./errors.js";
import type { HalfReadResult, ReadHalf, ReadHalfState, SplitStream, WriteHalf, WriteHalfState } from "./half-types.js";
import { type Consumption, type Owner, type StreamCore, staleError } from "./stream-core.js";
import type { SocketAddress, WriteOptions } from "./types.js";
import type { EventStream } from "./event-stream.js";

/**
 * Which halves were disposed or reached their end (the connection is finished once both have), and each
 * side's newest half, which the split's own disposal disposes.
 */
class Pair {
  readonly core: StreamCore;
  readonly #latest = new Map<"read" | "write", AnyHalf>();
  #readerDone = false;
  #writerDone = false;

  constructor(core: StreamCore) {
    this.core = core;
  }

  track(half: AnyHalf): void {
    this.#latest.set(half.half, half);
  }

  latest(side: "read" | "write"): AnyHalf {
    return this.#latest.get(side)!;
  }

  done(half: "read" | "write"): void {
    if (half === "read") this.#readerDone = true;
    else this.#writerDone = true;
    if (this.#readerDone && this.#writerDone) void this.core.dispose();
  }
}

type AnyHalf = Half<"read" | "write", ReadHalfState | WriteHalfState>;

abstract class Half<K extends "read" | "write", S extends ReadHalfState | WriteHalfState> implements Owner {
  abstract readonly half: K;
  abstract readonly state: S;
  consumption: Consumption | null = null;
  readonly pair: Pair;

  constructor(pair: Pair) {
    this.pair = pair;
  }

  get kind(): HandleKind {
    return this.half === "read" ? "ReadHalf" : "WriteHalf";
  }

  get core(): StreamCore {
    return this.pair.core;
  }

  get peerAddr(): SocketAddress {
    return this.core.peerAddr;
  }

  get localAddr(): SocketAddress {
    return this.core.localAddr;
  }

  info(): ConnectionInfo {
    return this.core.info();
  }

  get events(): EventStream {
    return this.core.events;
  }

  abort(): void {
    this.core.abort();
  }

  ref(): void {
    this.core.hold.ref();
  }

  unref(): void {
    this.core.hold.unref();
  }

  abstract [Symbol.asyncDispose](): Promise<void>;

  protected assertLive(): void {
    if (this.consumption !== null) throw staleError(this);
  }

  /** Consume this half for `next`, synchronously, so two racing transitions cannot both succeed. */
  protected become<N extends AnyHalf>(by: string, next: N): N {
    this.assertLive();
    this.consumption = { by, replacedBy: next.state, delegated: false };
    this.pair.track(next);
    return next;
  }
}

class ReadOpen extends Half<"read", "Open"> implements ReadHalf<"Open"> {
  readonly half = "read";
  readonly state = "Open";

  async read(maxBytes?: number): Promise<HalfReadResult> {
    this.assertLive();
    checkMaxBytes(maxBytes);
    const got = await this.core.read(this, maxBytes, null);
    if (got instanceof Uint8Array) return { done: false, value: got };
    return this.#ended("read() reaching end-of-stream");
  }

  async readInto(buffer: Uint8Array): Promise<HalfReadResult> {
    this.assertLive();
    checkReadBuffer(buffer, "readInto's buffer");
    const n = await this.core.readInto(this, buffer);
    if (n !== null) return { done: false, value: buffer.subarray(0, n) };
    return this.#ended("readInto() reaching end-of-stream");
  }

  #ended(by: string): HalfReadResult {
    if (this.consumption !== null) throw staleError(this); // disposed while this read waited
    const half = this.become(by, new ReadEnded(this.pair));
    this.pair.done("read");
    return { done: true, value: undefined, half };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.consumption !== null) return;
    this.consumption = { by: "[Symbol.asyncDispose]()", replacedBy: undefined, delegated: false };
    this.core.stopReading();
    this.pair.done("read");
  }
}

class ReadEnded extends Half<"read", "Ended"> implements ReadHalf<"Ended"> {
  readonly half = "read";
  readonly state = "Ended";

  async [Symbol.asyncDispose](): Promise<void> {}
}

/** The write half's disposal in any state before Acknowledged: FIN if not sent, then wait for its ACK. */
async function finishWriting(half: Half<"write", WriteHalfState>): Promise<void> {
  if (half.consumption !== null) return;
  half.consumption = { by: "[Symbol.asyncDispose]()", replacedBy: undefined, delegated: false };
  const core = half.core;
  core.requestFin();
  try {
    await core.hold.during(core.until(() => core.finAcknowledged));
  } catch {
    // Reset or aborted: the connection is over, which is all disposal promises.
  }
  half.pair.done("write");
}

class WriteOpen extends Half<"write", "Open"> implements WriteHalf<"Open"> {
  readonly half = "write";
  readonly state = "Open";

  async write(data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    this.assertLive();
    return this.core.write(toBytes(data), takesOver(data, options));
  }

  shutdown(): WriteHalf<"Shutdown"> {
    this.core.throwIfFailed();
    const next = this.become("shutdown()", new WriteShutdown(this.pair));
    this.core.requestFin();
    return next;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return finishWriting(this);
  }
}

class WriteShutdown extends Half<"write", "Shutdown"> implements WriteHalf<"Shutdown"> {
  readonly half = "write";
  readonly state = "Shutdown";

  async acknowledged(): Promise<WriteHalf<"Acknowledged">> {
    this.assertLive();
    const core = this.core;
    await core.hold.during(core.until(() => core.finAcknowledged));
    const next = this.become("acknowledged()", new WriteAcknowledged(this.pair));
    this.pair.done("write");
    return next;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return finishWriting(this);
  }
}

class WriteAcknowledged extends Half<"write", "Acknowledged"> implements WriteHalf<"Acknowledged"> {
  readonly half = "write";
  readonly state = "Acknowledged";

  async [Symbol.asyncDispose](): Promise<void> {}
}

/** Internal, for `TcpStream<"Established">.split()`, which has consumed the stream handle. */
export function splitStream(core: StreamCore): SplitStream {
  const pair = new Pair(core);
  const reader = new ReadOpen(pair);
  const writer = new WriteOpen(pair);
  pair.track(reader);
  pair.track(writer);
  return {
    reader,
    writer,
    // Whatever state each half reached, disposing it from here is the same as disposing it directly.
    async [Symbol.asyncDispose]() {
      await Promise.all([pair.latest("read")[Symbol.asyncDispose](), pair.latest("write")[Symbol.asyncDispose]()]);
    },
  };
}
