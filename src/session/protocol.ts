import type { Codec } from "./codec.js";

/*
 * A protocol is a tree of plain objects; its static type is the tree's inferred type. The node interfaces
 * below are what the constructors return. Everything that walks a protocol at the type level (Dual, Chan)
 * reads nodes structurally through `kind`, so the lazily computed mapped types of Dual and of recursion
 * unfolding are protocols too.
 */

export type Kind = "send" | "recv" | "select" | "offer" | "rec" | "var" | "end";

/** The shallow constraint every protocol node meets; deliberately shallow so checks stay cheap. */
export interface ProtocolNode {
  readonly kind: Kind;
}

export interface Send<T, N> {
  readonly kind: "send";
  readonly codec: Codec<T>;
  readonly next: N;
}
export interface Recv<T, N> {
  readonly kind: "recv";
  readonly codec: Codec<T>;
  readonly next: N;
}
export interface Select<B> {
  readonly kind: "select";
  readonly branches: B;
}
export interface Offer<B> {
  readonly kind: "offer";
  readonly branches: B;
}
export interface Rec<Name extends string, Body> {
  readonly kind: "rec";
  readonly name: Name;
  readonly body: Body;
}
export interface Var<Name extends string> {
  readonly kind: "var";
  readonly name: Name;
}
export interface End {
  readonly kind: "end";
}

type Branches = Record<string, ProtocolNode>;

/** This side sends a T, then continues as `next`. */
export function send<T, N extends ProtocolNode>(codec: Codec<T>, next: N): Send<T, N> {
  return { kind: "send", codec, next };
}

/** This side receives a T, then continues as `next`. */
export function recv<T, N extends ProtocolNode>(codec: Codec<T>, next: N): Recv<T, N> {
  return { kind: "recv", codec, next };
}

/** This side chooses one of the labelled continuations. */
export function select<B extends Branches>(branches: B): Select<B> {
  checkBranches("select", branches);
  return { kind: "select", branches };
}

/** The peer chooses one of the labelled continuations; this side must handle every one. */
export function offer<B extends Branches>(branches: B): Offer<B> {
  checkBranches("offer", branches);
  return { kind: "offer", branches };
}

/** A recursion point: inside `body`, `v(name)` continues from here again. */
export function rec<Name extends string, Body extends ProtocolNode>(name: Name, body: Body): Rec<Name, Body> {
  if (body.kind === "var" || body.kind === "rec") {
    // rec X. X (or rec X. rec Y. X) never performs a step: a channel on it could not offer any method.
    throw new TypeError(`rec("${name}", ...): the body must perform a step before recurring`);
  }
  return { kind: "rec", name, body };
}

/** Continue from the enclosing `rec(name, ...)`. */
export function v<Name extends string>(name: Name): Var<Name> {
  return { kind: "var", name };
}

/** The protocol is over: the only thing left is to close. */
export const end: End = Object.freeze({ kind: "end" });

function checkBranches(what: string, branches: Branches): void {
  if (Object.keys(branches).length === 0) throw new TypeError(`${what}({}): a choice needs at least one label`);
}

type Flip<K> = K extends "send"
  ? "recv"
  : K extends "recv"
    ? "send"
    : K extends "select"
      ? "offer"
      : K extends "offer"
        ? "select"
        : K;

/**
 * The peer's view of P: sends become receives and selects become offers, everything else kept. A
 * homomorphic mapped type, so each level is computed only when something looks at it: a 200-step
 * protocol's dual costs nothing until a channel walks it, one step at a time (no TS2589).
 */
export type Dual<P> = {
  readonly [K in keyof P]: K extends "kind"
    ? Flip<P[K]>
    : K extends "next" | "body"
      ? Dual<P[K]>
      : K extends "branches"
        ? { readonly [L in keyof P[K]]: Dual<P[K][L]> }
        : P[K];
};

const flip: Record<Kind, Kind> = {
  send: "recv",
  recv: "send",
  select: "offer",
  offer: "select",
  rec: "rec",
  var: "var",
  end: "end",
};

/** The peer's protocol, as a value; its type is `Dual<P>`. */
export function dual<P extends ProtocolNode>(p: P): Dual<P> {
  return dualOf(p as unknown as AnyNode) as unknown as Dual<P>;
}

/** The untyped view runtime code walks (generic internals stay untyped; types are cast at the API). */
export type AnyNode =
  | { readonly kind: "send" | "recv"; readonly codec: Codec<unknown>; readonly next: AnyNode }
  | { readonly kind: "select" | "offer"; readonly branches: Readonly<Record<string, AnyNode>> }
  | { readonly kind: "rec"; readonly name: string; readonly body: AnyNode }
  | { readonly kind: "var"; readonly name: string }
  | { readonly kind: "end" };

function dualOf(p: AnyNode): AnyNode {
  switch (p.kind) {
    case "send":
    case "recv":
      return { kind: flip[p.kind] as "send" | "recv", codec: p.codec, next: dualOf(p.next) };
    case "select":
    case "offer":
      return {
        kind: flip[p.kind] as "select" | "offer",
        branches: Object.fromEntries(Object.entries(p.branches).map(([l, b]) => [l, dualOf(b)])),
      };
    case "rec":
      return { kind: "rec", name: p.name, body: dualOf(p.body) };
    case "var":
    case "end":
      return p;
  }
}
