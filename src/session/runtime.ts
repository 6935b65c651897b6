import type { ChanBase, StepOptions } from "./chan.js";
import { decode, encode } from "./codec.js";
import { ChannelReused, DecodeError, EncodeError, PeerClosed, ProtocolViolation, SessionAborted, SessionError } from "./errors.js";
import { encodeFrame, type Frame, type FrameReader, Tag } from "./frame.js";
import type { AnyNode } from "./protocol.js";
import type { ByteStream } from "./transport.js";

/*
 * The runtime half of the session types: one SessionCore per transport holds the framing, the write queue
 * and the failure state; each protocol step gets a fresh endpoint object that can be used once. All of it
 * is untyped (AnyNode); `session()` casts the first endpoint to Chan<P>.
 */

type RecNode = Extract<AnyNode, { kind: "rec" }>;

/** The recursion variables in scope: each names its rec node and the scope that rec was defined in. */
interface Scope {
  readonly name: string;
  readonly rec: RecNode;
  readonly outer: Scope | undefined;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function withCause<E extends Error>(err: E, cause: unknown): E {
  if (cause !== undefined) err.cause = cause;
  return err;
}

/** Says what a frame was, for ProtocolViolation messages. */
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

export class SessionCore {
  failure: SessionError | undefined;
  private queue: Uint8Array[] = [];
  private flushing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private finished = false;

  constructor(
    readonly stream: ByteStream,
    readonly reader: FrameReader,
  ) {}

  /**
   * Queues a frame. The write starts a microtask later, so the frames of one synchronous chain
   * (`select("ping").send(1)`) leave in one write: two small writes would meet Nagle and the peer's
   * delayed ACK and cost a 40 ms stall per round trip on TCP.
   */
  write(frame: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.queue.push(frame);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.queue.length > 0 && !this.failure) {
        const frames = this.queue;
        this.queue = [];
        await this.stream.write(frames.length === 1 ? frames[0] : concat(frames));
      }
    } catch (e) {
      this.fail(withCause(new PeerClosed(`transport write failed: ${errorText(e)}`), e), false);
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
   * The next frame, which the caller checks against `expected`; end of stream and ABORT are PeerClosed.
   * `translate` lets a caller restate a failure in its own terms before the session ends with it.
   */
  async read(expected: string, options?: StepOptions, translate: (e: SessionError) => SessionError = (e) => e): Promise<Frame> {
    if (this.failure) throw this.failure;
    let frame: Frame | null;
    try {
      frame = await untilAborted(this.reader.next(), options?.signal, expected);
    } catch (e) {
      if (this.failure) throw this.failure;
      if (e instanceof SessionError) throw this.fail(translate(e));
      throw this.fail(withCause(new PeerClosed(`transport failed while expecting ${expected}: ${errorText(e)}`), e));
    }
    if (this.failure) throw this.failure;
    if (frame === null) throw this.fail(new PeerClosed(`the peer ended the transport while this side expected ${expected}`), false);
    if (frame.tag === Tag.abort) {
      const why = strictUtf8.decode(frame.payload.subarray(0, 512)) || "no reason given";
      throw this.fail(new PeerClosed(`the peer aborted the session (${why}) while this side expected ${expected}`), false);
    }
    return frame;
  }

  /** A frame that is not what the step allows: the session is over. */
  violation(expected: string, frame: Frame): never {
    throw this.fail(new ProtocolViolation(expected, describeFrame(frame)));
  }

  /**
   * Ends the session with `err` (the first failure wins). `tellPeer` sends an ABORT frame carrying the
   * reason first, so the peer learns why rather than seeing a bare disconnect.
   */
  fail(err: SessionError, tellPeer = true): SessionError {
    if (this.failure) return this.failure;
    this.failure = err;
    this.queue = [];
    const stream = this.stream;
    if (!tellPeer) {
      stream.abort(err);
      return err;
    }
    const sent = stream.write(encodeFrame(Tag.abort, utf8.encode(err.message.slice(0, 480)))).catch(() => {});
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
    this.write(encodeFrame(Tag.end));
    await this.drained();
    await this.stream.end().catch((e: unknown) => {
      throw this.fail(withCause(new PeerClosed(`transport end failed: ${errorText(e)}`), e), false);
    });
    const expected = `the end of the session (frame tag ${Tag.end})`;
    const frame = await this.read(expected);
    if (frame.tag !== Tag.end) this.violation(expected, frame);
    const after = await this.reader.next().catch(() => null);
    if (after !== null) this.violation("nothing after the end of the session", after);
    this.finished = true;
  }

  async close(options?: StepOptions): Promise<void> {
    if (!this.closing) throw new TypeError("close() before End");
    try {
      await untilAborted(this.closing, options?.signal, "the peer's end of the session");
    } catch (e) {
      if (e instanceof SessionAborted) throw this.fail(e);
      throw e;
    }
  }

  /** `using` left the scope: before End that abandons the session; at End the close is already running. */
  dispose(): void {
    if (this.closing || this.failure) return;
    this.fail(new SessionAborted("the session was disposed before it reached End"));
  }

  async disposeAsync(): Promise<void> {
    if (this.closing && !this.finished) return this.close();
    this.dispose();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `work`, unless `signal` fires first: then a SessionAborted carrying the signal's reason. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return work;
  const aborted = () => withCause(new SessionAborted(`gave up waiting for ${what}: the step's signal was aborted`), signal.reason);
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

/** Follows rec and var nodes to the next node that performs a step. */
export function settle(node: AnyNode, scope: Scope | undefined): [AnyNode, Scope | undefined] {
  for (;;) {
    if (node.kind === "rec") {
      scope = { name: node.name, rec: node, outer: scope };
      node = node.body;
    } else if (node.kind === "var") {
      let s = scope;
      while (s && s.name !== node.name) s = s.outer;
      if (!s) throw new TypeError(`v("${node.name}") has no enclosing rec`);
      node = s.rec;
      scope = s.outer;
    } else {
      return [node, scope];
    }
  }
}

export function endpoint(core: SessionCore, start: AnyNode, scope: Scope | undefined): Endpoint {
  const [step, s] = settle(start, scope);
  switch (step.kind) {
    case "send":
      return new SendEndpoint(core, step, s);
    case "recv":
      return new RecvEndpoint(core, step, s);
    case "select":
      return new SelectEndpoint(core, step, s);
    case "offer":
      return new OfferEndpoint(core, step, s);
    case "end":
      core.finish();
      return new EndEndpoint(core, step, s);
    default:
      throw new TypeError(`unexpected ${step.kind} node`);
  }
}

abstract class Endpoint {
  private used = false;

  constructor(
    protected readonly core: SessionCore,
    protected readonly node: AnyNode,
    protected readonly scope: Scope | undefined,
  ) {}

  /** Throws unless this handle is fresh and the session alive; does not consume it. */
  protected check(method: string): void {
    if (this.used) {
      throw new ChannelReused(`${method}() on a channel that was already used: continue with the channel the previous call returned`);
    }
    if (this.core.failure) throw this.core.failure;
  }

  protected consume(): void {
    this.used = true;
  }

  /** Resolves when every frame sent so far is with the transport: the backpressure of sends. */
  drained(): Promise<void> {
    return this.core.drained();
  }

  protected continueAs(node: AnyNode): Endpoint {
    return endpoint(this.core, node, this.scope);
  }

  [Symbol.dispose](): void {
    this.core.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.core.disposeAsync();
  }
}

type MessageNode = Extract<AnyNode, { kind: "send" | "recv" }>;
type ChoiceNode = Extract<AnyNode, { kind: "select" | "offer" }>;

class SendEndpoint extends Endpoint {
  get step(): "send" {
    return "send";
  }

  declare protected readonly node: MessageNode;

  send(value: unknown): Endpoint {
    this.check("send");
    let payload: Uint8Array;
    try {
      payload = encode(this.node.codec, value);
    } catch (e) {
      if (e instanceof EncodeError) throw e;
      throw withCause(new EncodeError(`${this.node.codec.name}: ${errorText(e)}`), e);
    }
    this.consume();
    this.core.write(encodeFrame(Tag.message, payload));
    return this.continueAs(this.node.next);
  }
}

class RecvEndpoint extends Endpoint {
  get step(): "recv" {
    return "recv";
  }

  declare protected readonly node: MessageNode;

  async recv(options?: StepOptions): Promise<[unknown, Endpoint]> {
    this.check("recv");
    this.consume();
    const expected = `a ${this.node.codec.name} message (frame tag ${Tag.message})`;
    const frame = await this.core.read(expected, options);
    if (frame.tag !== Tag.message) this.core.violation(expected, frame);
    let value: unknown;
    try {
      value = decode(this.node.codec, frame.payload);
    } catch (e) {
      throw this.core.fail(e instanceof DecodeError ? e : withCause(new DecodeError(errorText(e)), e));
    }
    return [value, this.continueAs(this.node.next)];
  }
}

class SelectEndpoint extends Endpoint {
  get step(): "select" {
    return "select";
  }

  declare protected readonly node: ChoiceNode;

  select(label: string): Endpoint {
    this.check("select");
    if (!Object.hasOwn(this.node.branches, label)) {
      throw new TypeError(`select(${JSON.stringify(label)}): the labels here are ${Object.keys(this.node.branches).join(" | ")}`);
    }
    this.consume();
    this.core.write(encodeFrame(Tag.choice, utf8.encode(label)));
    return this.continueAs(this.node.branches[label]);
  }
}

type HandlerMap = Record<string, (chan: Endpoint) => unknown>;

function isHandlerMap(x: unknown): x is HandlerMap {
  return typeof x === "object" && x !== null && Object.values(x).some((h) => typeof h === "function");
}

class OfferEndpoint extends Endpoint {
  get step(): "offer" {
    return "offer";
  }

  declare protected readonly node: ChoiceNode;

  async offer(first?: HandlerMap | StepOptions, second?: StepOptions): Promise<unknown> {
    this.check("offer");
    const handlers = isHandlerMap(first) ? first : undefined;
    const options = handlers ? second : (first as StepOptions | undefined);
    const labels = Object.keys(this.node.branches);
    if (handlers) {
      const missing = labels.filter((l) => typeof handlers[l] !== "function");
      if (missing.length > 0) throw new TypeError(`offer(handlers): no handler for ${missing.join(", ")}`);
    }
    this.consume();
    const expected = `a choice of ${labels.map((l) => JSON.stringify(l)).join(" | ")} (frame tag ${Tag.choice})`;
    const frame = await this.core.read(expected, options);
    if (frame.tag !== Tag.choice) this.core.violation(expected, frame);
    let label: string;
    try {
      label = strictUtf8.decode(frame.payload);
    } catch {
      this.core.violation(expected, frame);
    }
    if (!Object.hasOwn(this.node.branches, label)) this.core.violation(expected, frame);
    const chan = this.continueAs(this.node.branches[label]);
    return handlers ? handlers[label](chan) : { label, chan };
  }
}

class EndEndpoint extends Endpoint {
  get step(): "end" {
    return "end";
  }

  close(options?: StepOptions): Promise<void> {
    try {
      this.check("close");
    } catch (e) {
      return Promise.reject(e);
    }
    this.consume();
    return this.core.close(options);
  }
}

/**
 * Waits until everything sent on the session is with the transport. `send` queues and returns at once (so
 * loops read naturally); a producer that sends much without receiving awaits this now and then.
 */
export function drained(chan: ChanBase): Promise<void> {
  if (!(chan instanceof Endpoint)) return Promise.reject(new TypeError("drained(): not a session channel"));
  return chan.drained();
}

export type { Endpoint };
