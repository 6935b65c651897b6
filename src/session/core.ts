import type { StepOptions } from "./chan.js";
import { PeerClosedError, ProtocolViolationError, SessionAbortedError, SessionError } from "./errors.js";
import { ByteWriter } from "./bytes.js";
import { encodeFrame, type Frame, type FrameReader, HEADER_BYTES, Tag } from "./frame.js";
import type { ByteStream } from "./transport.js";

/*
 * One SessionCore per transport: the framing, the write queue, the graceful close and the failure state
 * shared by all the endpoints of a session. It knows frames, not protocols.
 */

// Typed by what they do, not as TextEncoder/TextDecoder: those names are types only in the DOM lib, and
// these declarations reach the shipped .d.ts, which must check for Node-only projects (no "dom" in lib).
export const utf8: { encode(text: string): Uint8Array } = new TextEncoder();
export const strictUtf8: { decode(bytes: Uint8Array): string } = new TextDecoder("utf-8", {
  fatal: true,
  ignoreBOM: true,
});
/** For text that is only shown to a person (an ABORT reason): bad bytes become U+FFFD, never an exception. */
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function withCause<E extends Error>(err: E, cause: unknown): E {
  if (cause !== undefined) err.cause = cause;
  return err;
}

/** Says what a frame was, for ProtocolViolationError messages. */
export function describeFrame(f: Frame): string {
  switch (f.tag) {
    case Tag.message:
      return `a message of ${f.payload.length} bytes (frame tag ${Tag.message})`;
    case Tag.choice: {
      let label: string;
      try {
        label = JSON.stringify(strictUtf8.decode(f.payload));
      } catch {
        label = "with a label that is not UTF-8";
      }
      return `choice ${label} (frame tag ${Tag.choice})`;
    }
    case Tag.end:
      return `the end of the session (frame tag ${Tag.end})`;
    case Tag.hello:
      return `a second hello (frame tag ${Tag.hello})`;
    default:
      return `unknown frame tag ${f.tag}`;
  }
}

/** What a step expects, spelled out only when an error needs the words. */
export type Expectation = () => string;

const OUT_KEEP_BYTES = 1 << 20;

export class SessionCore {
  failure: SessionError | undefined;
  /** Frames waiting for the next write, encoded in place: header, then the payload straight after. */
  private out = new ByteWriter(256);
  private flushing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private finished = false;

  constructor(
    readonly stream: ByteStream,
    readonly reader: FrameReader,
  ) {}

  /**
   * Queues a frame whose payload `body` writes. A payload that fails to encode leaves nothing behind.
   * The write starts a microtask later, so the frames of one synchronous chain (`select("ping").send(1)`)
   * leave in one write: two small writes would meet Nagle and the peer's delayed ACK and cost a 40 ms
   * stall per round trip on TCP.
   */
  frame(tag: number, body?: (out: ByteWriter) => void): void {
    if (this.failure) throw this.failure;
    const out = this.out;
    const start = out.length;
    out.u32(0);
    out.u8(tag);
    if (body) {
      try {
        body(out);
      } catch (e) {
        out.truncate(start);
        throw e;
      }
    }
    out.patchU32(start, out.length - start - HEADER_BYTES);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.out.length > 0 && !this.failure) {
        const chunk = this.out.bytes().slice();
        if (this.out.capacity > OUT_KEEP_BYTES) this.out = new ByteWriter(256);
        else this.out.truncate(0);
        await this.stream.write(chunk);
      }
    } catch (e) {
      this.fail(withCause(new PeerClosedError(`transport write failed: ${errorText(e)}`), e), false);
    } finally {
      this.flushing = undefined;
    }
  }

  /** Waits until every queued frame is with the transport. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.failure) throw this.failure;
  }

  /**
   * The next frame, which the caller checks against `expected`; end of stream and ABORT are PeerClosedError.
   * `translate` lets a caller restate a failure in its own terms before the session ends with it.
   */
  async read(
    expected: Expectation,
    options?: StepOptions,
    translate: (e: SessionError) => SessionError = (e) => e,
  ): Promise<Frame> {
    if (this.failure) throw this.failure;
    let frame: Frame | null;
    try {
      frame = await untilAborted(this.reader.next(), options?.signal, expected);
    } catch (e) {
      if (this.failure) throw this.failure;
      if (e instanceof SessionError) throw this.fail(translate(e));
      throw this.fail(
        withCause(new PeerClosedError(`transport failed while expecting ${expected()}: ${errorText(e)}`), e),
      );
    }
    if (this.failure) throw this.failure;
    if (frame === null)
      throw this.fail(
        new PeerClosedError(`the peer ended the transport while this side expected ${expected()}`),
        false,
      );
    if (frame.tag === Tag.abort) {
      const why = lenientUtf8.decode(frame.payload.subarray(0, 512)) || "no reason given";
      throw this.fail(
        new PeerClosedError(`the peer aborted the session (${why}) while this side expected ${expected()}`),
        false,
      );
    }
    return frame;
  }

  /** A frame that is not what the step allows: the session is over. */
  violation(expected: Expectation, frame: Frame): never {
    throw this.fail(new ProtocolViolationError(expected(), describeFrame(frame)));
  }

  /**
   * Ends the session with `err` (the first failure wins). `tellPeer` sends an ABORT frame carrying the
   * reason first, so the peer learns why rather than seeing a bare disconnect.
   */
  fail(err: SessionError, tellPeer = true): SessionError {
    if (this.failure) return this.failure;
    this.failure = err;
    this.out = new ByteWriter(0);
    const stream = this.stream;
    if (!tellPeer) {
      stream.abort(err);
      return err;
    }
    // After the write in flight (a transport need not take concurrent writes), and not for long.
    const abortFrame = encodeFrame(Tag.abort, utf8.encode(err.message.slice(0, 480)));
    const sent = (this.flushing ?? Promise.resolve()).then(() => stream.write(abortFrame)).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, 200)));
    void Promise.race([sent, patience]).then(() => {
      clearTimeout(timer);
      stream.abort(err);
    });
    return err;
  }

  /** Fails without an abort: our last frames still reach the peer, so it can fail the same way. */
  async failGracefully(err: SessionError): Promise<SessionError> {
    if (this.failure) return this.failure;
    try {
      await this.drained();
      this.failure = err;
      await this.stream.end();
    } catch {
      // the transport is going away anyway
    }
    this.failure = err;
    this.stream.abort(err);
    return err;
  }

  /** Reaching End: send END, end our side, then wait for the peer's END and end of stream. */
  finish(): void {
    if (this.closing) return;
    this.closing = this.closeGracefully();
    this.closing.catch(() => {}); // observed through close(); nobody may ask
  }

  private async closeGracefully(): Promise<void> {
    this.frame(Tag.end);
    await this.drained();
    await this.stream.end().catch((e: unknown) => {
      throw this.fail(withCause(new PeerClosedError(`transport end failed: ${errorText(e)}`), e), false);
    });
    const expected = () => `the end of the session (frame tag ${Tag.end})`;
    const frame = await this.read(expected);
    if (frame.tag !== Tag.end) this.violation(expected, frame);
    const after = await this.reader.next().catch(() => null);
    if (after !== null) this.violation(() => "nothing after the end of the session", after);
    this.finished = true;
  }

  async close(options?: StepOptions): Promise<void> {
    if (!this.closing) throw new TypeError("close() before End");
    try {
      await untilAborted(this.closing, options?.signal, () => "the peer's end of the session");
    } catch (e) {
      if (e instanceof SessionAbortedError) throw this.fail(e);
      throw e;
    }
  }

  /** `using` left the scope: before End that abandons the session; at End the close is already running. */
  dispose(): void {
    if (this.closing || this.failure) return;
    this.fail(new SessionAbortedError("the session was disposed before it reached End"));
  }

  async disposeAsync(): Promise<void> {
    if (this.closing && !this.finished) return this.close();
    this.dispose();
  }
}

/** `work`, unless `signal` fires first: then a SessionAbortedError carrying the signal's reason. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, what: Expectation): Promise<T> {
  if (!signal) return work;
  const aborted = () =>
    withCause(new SessionAbortedError(`gave up waiting for ${what()}: the step's signal was aborted`), signal.reason);
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
