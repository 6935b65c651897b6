/**
 * The typed event streams of `Stack.events` and `TcpStream.events`: `on(type, listener)` as Node's
 * emitters and the DOM's `addEventListener` both have it, with an `AbortSignal` to unsubscribe as the DOM
 * does, and `once(type)` as a promise. Listeners run synchronously, inside the engine's processing, so they
 * see each event at the moment it happens; a listener that throws does not disturb the engine (the error is
 * rethrown from a microtask, as EventTarget reports it).
 *
 * The engine builds events only while a stream has listeners: `EventHub.onActive` tells the owner when
 * the first listener arrives and the last one leaves.
 */
import type { StackEvent } from "../stack/stack-events.js";

/** The event of type `T`. */
export type EventOf<T extends StackEvent["type"]> = Extract<StackEvent, { type: T }>;

/** Options of `on` and `once`. */
export interface ListenOnOptions {
  /** Aborting it removes the listener (or rejects `once` with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * A stream of typed events (`StackEvent`): `stack.events` has every event of a stack, `stream.events`
 * those of one connection, the same object for every handle of it (it survives typestate transitions).
 *
 * @example
 * ```ts
 * const off = stack.events.on("state", (e) => console.log(e.connection.remotePort, e.from, "->", e.to));
 * stack.events.on("rto", (e) => console.log(`RTO ${e.rto} ms, backoff ${e.backoff}`));
 * const recovery = await stream.events.once("recovery"); // this connection's next loss recovery
 * off();
 * ```
 */
export interface EventStream {
  /** Calls `listener` with every event of `type` until the returned function (or `options.signal`) removes it. */
  on<T extends StackEvent["type"]>(
    type: T,
    listener: (event: EventOf<T>) => void,
    options?: ListenOnOptions,
  ): () => void;
  /** `"*"`: every event, whatever its type. */
  on(type: "*", listener: (event: StackEvent) => void, options?: ListenOnOptions): () => void;
  /** Removes a listener `on` added (removing one never added does nothing). */
  off(type: StackEvent["type"] | "*", listener: (event: never) => void): void;
  /** The next event of `type`. */
  once<T extends StackEvent["type"]>(type: T, options?: ListenOnOptions): Promise<EventOf<T>>;
  /** Whether any listener is attached (the engine builds events only then). */
  readonly listening: boolean;
}

type Listener = (event: StackEvent) => void;

/** The implementation behind `EventStream`, with the `emit` only the stack calls. */
export class EventHub implements EventStream {
  /** Listeners by type ("*" for all), made with the first one. */
  #byType: Map<string, Set<Listener>> | null = null;
  #count = 0;
  readonly #onActive: ((active: boolean) => void) | undefined;

  constructor(onActive?: (active: boolean) => void) {
    this.#onActive = onActive;
  }

  get listening(): boolean {
    return this.#count > 0;
  }

  on(type: string, listener: (event: never) => void, options?: ListenOnOptions): () => void {
    const signal = options?.signal;
    const off = () => this.off(type as StackEvent["type"], listener);
    if (signal?.aborted) return off;
    const map = (this.#byType ??= new Map());
    let set = map.get(type);
    if (set === undefined) map.set(type, (set = new Set()));
    const fn = listener as Listener;
    if (set.has(fn)) return off;
    set.add(fn);
    if (++this.#count === 1) this.#onActive?.(true);
    signal?.addEventListener("abort", off, { once: true });
    return off;
  }

  off(type: string, listener: (event: never) => void): void {
    const set = this.#byType?.get(type);
    if (set === undefined || !set.delete(listener as Listener)) return;
    if (set.size === 0) this.#byType?.delete(type);
    if (--this.#count === 0) this.#onActive?.(false);
  }

  once<T extends StackEvent["type"]>(type: T, options?: ListenOnOptions): Promise<EventOf<T>> {
    const signal = options?.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const aborted = () => {
        off();
        reject(signal?.reason);
      };
      const off = this.on(type, (event: EventOf<T>) => {
        off();
        signal?.removeEventListener("abort", aborted);
        resolve(event);
      });
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  /** Delivers `event` to the listeners of its type, then to those of every type. */
  emit(event: StackEvent): void {
    const map = this.#byType;
    if (map === null) return;
    deliver(map.get(event.type), event);
    deliver(map.get("*"), event);
  }
}

function deliver(set: Set<Listener> | undefined, event: StackEvent): void {
  if (set === undefined) return;
  for (const listener of set) {
    try {
      listener(event);
    } catch (error) {
      // The engine is mid-segment: a listener's failure must not leave a connection half-processed.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
