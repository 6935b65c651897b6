import { createHash } from "node:crypto";
import { VirtualClock } from "../../src/clock/index.js";
import { Stack, type ConnectOptions, type StackOptions } from "../../src/api/index.js";
import { memoryLinkPair, type MemoryLinkOptions } from "../../src/link/memory.js";
import type { CountedLink } from "../../src/link/path.js";
import { xorshiftBytes } from "../helpers/bytes.js";

/** Let every pending promise continuation run (a macrotask turn drains the microtask queue). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Run the virtual clock, one timer batch at a time with the promise continuations they release in
 * between, until `promise` settles. Fails instead of hanging when nothing is left to fire or `limitMs`
 * of virtual time passes.
 */
export async function drive<T>(clock: VirtualClock, promise: Promise<T>, limitMs = 10 * 60_000): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const deadline = clock.now() + limitMs;
  for (;;) {
    await settle();
    if (settled) return promise;
    const next = clock.nextAt();
    if (next === undefined) throw new Error(`drive: stuck at t=${clock.now()} ms, no timer pending`);
    if (next > deadline) throw new Error(`drive: still pending after ${limitMs} ms of virtual time`);
    clock.runUntil(next);
  }
}

/** Every chunk a stream reads until its end. */
export async function readAll(s: { read(): Promise<{ done: boolean; value?: Uint8Array }> }): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const r = await s.read();
    if (r.done) return parts;
    parts.push(r.value as Uint8Array);
  }
}

/** Advance virtual time by `ms`, letting continuations run after each timer batch. */
export async function pass(clock: VirtualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  for (;;) {
    await settle();
    const next = clock.nextAt();
    if (next === undefined || next > end) break;
    clock.runUntil(next);
  }
  clock.runUntil(end);
  await settle();
}

export interface Pair {
  clock: VirtualClock;
  client: Stack;
  server: Stack;
  links: [CountedLink, CountedLink];
}

/** Two stacks (10.0.0.1 client, 10.0.0.2 server) on one virtual clock, joined by an in-memory wire. */
export function stackPair(
  link: Omit<MemoryLinkOptions, "clock"> = { delay: 5 },
  options: Partial<Omit<StackOptions, "address" | "link" | "clock">> = {},
): Pair {
  const clock = new VirtualClock(1_700_000_000_000);
  const links = memoryLinkPair({ ...link, clock });
  const isnKey = new Uint8Array(16).fill(7);
  const client = new Stack({ address: "10.0.0.1", link: links[0], clock, isnKey, ...options });
  const server = new Stack({ address: "10.0.0.2", link: links[1], clock, isnKey, ...options });
  return { clock, client, server, links };
}

/** Deterministic pseudo-random bytes (xorshift), so a transfer's content is checkable by hash. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  return xorshiftBytes(length, seed | 0 || 1);
}

export function sha256(data: Uint8Array | Uint8Array[]): string {
  const h = createHash("sha256");
  for (const chunk of Array.isArray(data) ? data : [data]) h.update(chunk);
  return h.digest("hex");
}

/** A promise that resolves after `ms` of virtual time (for code running under `drive`). */
export function sleep(clock: VirtualClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.schedule(ms, resolve));
}

/** A connection from the pair's client to a listener on the server's port 80; both ends' handles. */
export async function connected(p: Pair, options?: ConnectOptions) {
  const listener = p.server.listen(80);
  const accepted = listener.accept();
  const client = await drive(p.clock, p.client.connect("10.0.0.2", 80, options));
  const server = await drive(p.clock, accepted);
  return { listener, client, server };
}
