import type { ChanBase, StepOptions } from "./chan.js";
import { decode } from "./codec.js";
import { ChannelReusedError, DecodeError, EncodeError, SessionError } from "./errors.js";
import { Tag } from "./frame.js";
import type { AnyNode } from "./protocol.js";
import { errorText, type SessionCore, strictUtf8, utf8, withCause } from "./core.js";

/*
 * The runtime half of the session types: each protocol step gets a fresh endpoint object whose only
 * method is the one the step allows, usable once. All of it is untyped (AnyNode); `session()` casts the
 * first endpoint to Chan<P>.
 */

type RecNode = Extract<AnyNode, { kind: "rec" }>;

/** The recursion variables in scope: each names its rec node and the scope that rec was defined in. */
interface Scope {
  readonly name: string;
  readonly rec: RecNode;
  readonly outer: Scope | undefined;
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
  // Assigned in the constructor rather than as class fields: one endpoint is made per protocol step,
  // and define-semantics field initialisers were the largest single cost in a profile of a message loop.
  declare protected readonly core: SessionCore;
  declare protected readonly node: AnyNode;
  declare protected readonly scope: Scope | undefined;
  declare private used: boolean;

  constructor(core: SessionCore, node: AnyNode, scope: Scope | undefined) {
    this.core = core;
    this.node = node;
    this.scope = scope;
    this.used = false;
  }

  /** Throws unless this handle is fresh and the session alive; does not consume it. */
  protected check(method: string): void {
    if (this.used) {
      throw new ChannelReusedError(
        `${method}() on a channel that was already used: continue with the channel the previous call returned`,
      );
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
    const codec = this.node.codec;
    try {
      this.core.frame(Tag.message, (out) => codec.write(out, value));
    } catch (e) {
      if (e instanceof EncodeError || e instanceof SessionError) throw e;
      throw withCause(new EncodeError(`${codec.name}: ${errorText(e)}`), e);
    }
    this.consume();
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
    const expected = () => `a ${this.node.codec.name} message (frame tag ${Tag.message})`;
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
      throw new TypeError(
        `select(${JSON.stringify(label)}): the labels here are ${Object.keys(this.node.branches).join(" | ")}`,
      );
    }
    this.consume();
    this.core.frame(Tag.choice, (out) => out.raw(utf8.encode(label)));
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
    if (handlers) {
      const missing = Object.keys(this.node.branches).filter((l) => typeof handlers[l] !== "function");
      if (missing.length > 0) throw new TypeError(`offer(handlers): no handler for ${missing.join(", ")}`);
    }
    this.consume();
    const expected = () =>
      `a choice of ${Object.keys(this.node.branches)
        .map((l) => JSON.stringify(l))
        .join(" | ")} (frame tag ${Tag.choice})`;
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
