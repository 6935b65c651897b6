import type { Codec } from "./codec.js";

/*
 * The channel types. `Chan<P>` reads the current node's `kind` and picks the one interface whose only
 * method is the step P allows. Continuations sit in method return types, which TypeScript resolves only
 * when a call is checked, so the walk is one step deep at a time however long the protocol is.
 *
 * Recursion: `rec(name, body)` unfolds to `body` with `v(name)` replaced by the rec node itself (lazily,
 * through a mapped type). A loop therefore comes back to exactly the type it started from, and
 * `ch = ch.select("more").send(x)` assigns `Chan<P>` to a `Chan<P>`: identical types, no structural walk.
 */

/** Options every waiting step accepts: a deadline as an AbortSignal (`AbortSignal.timeout(ms)`). */
export interface StepOptions {
  readonly signal?: AbortSignal;
}

type Subst<P, Name extends string, R> = P extends { readonly kind: "var"; readonly name: Name }
  ? R
  : P extends { readonly kind: "rec"; readonly name: Name }
    ? P // shadowed: the inner rec binds the name
    : P extends { readonly kind: "end" }
      ? P
      : {
          readonly [K in keyof P]: K extends "next" | "body"
            ? Subst<P[K], Name, R>
            : K extends "branches"
              ? { readonly [L in keyof P[K]]: Subst<P[K][L], Name, R> }
              : P[K];
        };

type Unfold<P> = P extends { readonly kind: "rec"; readonly name: infer Name extends string; readonly body: infer B }
  ? Subst<B, Name, P>
  : never;

/**
 * The channel at protocol step P: exactly one of send, recv, select, offer, close. A protocol whose type
 * is not known statically (`any`, or widened to `ProtocolNode`) gets a DynamicChan instead of an error.
 */
export type Chan<P> = 0 extends 1 & P
  ? DynamicChan
  : P extends { readonly kind: infer K }
    ? [K] extends ["send"]
      ? P extends { readonly codec: Codec<infer T>; readonly next: infer N }
        ? SendChan<T, N>
        : never
      : [K] extends ["recv"]
        ? P extends { readonly codec: Codec<infer T>; readonly next: infer N }
          ? RecvChan<T, N>
          : never
        : [K] extends ["select"]
          ? P extends { readonly branches: infer B }
            ? SelectChan<B>
            : never
          : [K] extends ["offer"]
            ? P extends { readonly branches: infer B }
              ? OfferChan<B>
              : never
            : [K] extends ["rec"]
              ? Chan<Unfold<P>>
              : [K] extends ["end"]
                ? EndChan
                : [K] extends ["var"]
                  ? never // a v(name) outside its rec: session() refuses it at run time
                  : DynamicChan
    : never;

/**
 * What every handle has: `step` names the current step (the only method is the one it names, `close`
 * at "end"); dropping the handle (`using`) before End aborts the session, at End it closes it.
 */
export interface ChanBase {
  /** `using`: before End, aborts the session; at End, closes it. */
  [Symbol.dispose](): void;
  /** `await using`: as `[Symbol.dispose]`, and waits for the close at End. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The protocol sends a T here. The frame is queued at once; a failed write surfaces at the next wait. */
export interface SendChan<T, N> extends ChanBase {
  readonly step: "send";
  /** Send `value`; returns the channel for the rest of the protocol. */
  send(value: T): Chan<N>;
}

/** The protocol receives a T here. */
export interface RecvChan<T, N> extends ChanBase {
  readonly step: "recv";
  /** Wait for the peer's value; resolves with it and the channel for the rest. */
  recv(options?: StepOptions): Promise<[value: T, next: Chan<N>]>;
}

/** This side picks one label. */
export interface SelectChan<B> extends ChanBase {
  readonly step: "select";
  /** Pick branch `label`; returns that branch's channel. */
  select<L extends keyof B & string>(label: L): Chan<B[L]>;
}

/** One case of an offer: switch on `label` and `chan` narrows to that branch's channel. */
export type Offered<B> = { [L in keyof B & string]: { readonly label: L; readonly chan: Chan<B[L]> } }[keyof B &
  string];

/** One handler per label, all required. */
export type Handlers<B, R> = { readonly [L in keyof B & string]: (chan: Chan<B[L]>) => R | Promise<R> };

/** The peer picks a label; this side handles every one. */
export interface OfferChan<B> extends ChanBase {
  readonly step: "offer";
  /** Wait for the peer's pick; resolves with the label and its branch's channel. */
  offer(options?: StepOptions): Promise<Offered<B>>;
  /** Wait for the peer's pick and run that label's handler; resolves with its result. */
  offer<R>(handlers: Handlers<B, R>, options?: StepOptions): Promise<R>;
}

/**
 * The protocol is over. Reaching End already starts the graceful close (an end-of-session frame, then the
 * transport's end); `close()` waits until the peer has ended too.
 */
export interface EndChan extends ChanBase {
  readonly step: "end";
  /** Wait until the peer has ended too. */
  close(options?: StepOptions): Promise<void>;
}

/**
 * The channel of a protocol known only at run time. Switch on `step` to reach the method; payloads are
 * `unknown` and labels plain strings, all still checked against the protocol value as the session runs.
 */
export type DynamicChan =
  | (ChanBase & {
      readonly step: "send";
      /** As `SendChan.send`; the value is checked against the protocol's codec as it is encoded. */
      send(value: unknown): DynamicChan;
    })
  | (ChanBase & {
      readonly step: "recv";
      /** As `RecvChan.recv`. */
      recv(options?: StepOptions): Promise<[value: unknown, next: DynamicChan]>;
    })
  | (ChanBase & {
      readonly step: "select";
      /** As `SelectChan.select`; a label the protocol lacks is a ProtocolViolationError. */
      select(label: string): DynamicChan;
    })
  | (ChanBase & {
      readonly step: "offer";
      /** As `OfferChan.offer`, without handlers. */
      offer(options?: StepOptions): Promise<{ readonly label: string; readonly chan: DynamicChan }>;
      /** As `OfferChan.offer`, with one handler per label. */
      offer<R>(
        handlers: Readonly<Record<string, (chan: DynamicChan) => R | Promise<R>>>,
        options?: StepOptions,
      ): Promise<R>;
    })
  | (ChanBase & {
      readonly step: "end";
      /** As `EndChan.close`. */
      close(options?: StepOptions): Promise<void>;
    });
