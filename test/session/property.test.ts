import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  array,
  bool,
  bytes,
  type Codec,
  dual,
  end,
  f64,
  i32,
  json,
  offer,
  optional,
  type ProtocolNode,
  rec,
  recv,
  select,
  send,
  session,
  struct,
  tuple,
  u8,
  u16,
  u32,
  u64,
  utf8,
  v,
} from "../../src/session/index.js";
import type { AnyNode } from "../../src/session/protocol.js";
import { settle } from "../../src/session/endpoints.js";
import { byteStreamPair } from "./pairs.js";

/*
 * Random well-typed protocols run to completion between a process and its dual: the two logs of what
 * was sent, received and chosen must agree step for step. Loops are generated so that `v(name)` only
 * closes an "again" branch; the selecting side takes "again" at most twice per loop, so every run ends.
 */

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const str = (rng: Rng) => ["", "a", "héllo", "日本", "x".repeat(int(rng, 300)), "\u0000\uffff"][int(rng, 6)];

const Pair = struct({ id: u16, name: utf8 });
const Both = tuple([bool, i32]);
const List = array(u32);
const Maybe = optional(utf8);

/** A random value for each codec in the pool. */
const values = new Map<Codec<any>, (rng: Rng) => unknown>([
  [u8, (r) => int(r, 256)],
  [u16, (r) => int(r, 65536)],
  [u32, (r) => int(r, 2 ** 32)],
  [u64, (r) => BigInt(int(r, 2 ** 32)) * BigInt(int(r, 2 ** 32))],
  [i32, (r) => int(r, 2 ** 32) - 2 ** 31],
  [f64, (r) => [0, -0, Math.PI, -1e300, Infinity, NaN][int(r, 6)]],
  [bool, (r) => r() < 0.5],
  [utf8, str],
  [bytes, (r) => Uint8Array.from({ length: int(r, 40) }, () => int(r, 256))],
  [json, (r) => [null, 1, "s", [1, "x", { a: [true] }], { nested: { k: str(r) } }][int(r, 5)]],
  [Pair, (r) => ({ id: int(r, 65536), name: str(r) })],
  [Both, (r) => [r() < 0.5, int(r, 1000) - 500]],
  [List, (r) => Array.from({ length: int(r, 5) }, () => int(r, 2 ** 32))],
  [Maybe, (r) => (r() < 0.5 ? undefined : str(r))],
]);
const codecs = [...values.keys()];
const labelPool = ["a", "b", "ok", "no", "x-y", "ünï"];

const codecArb = fc.constantFrom(...codecs);
const labelsArb = fc.uniqueArray(fc.constantFrom(...labelPool), { minLength: 1, maxLength: 3 });

/** A protocol that ends (possibly through loops nested in it). */
function protocolArb(depth: number): fc.Arbitrary<ProtocolNode> {
  if (depth === 0) return fc.constant(end);
  const inner = protocolArb(depth - 1);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(end) },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.boolean(), codecArb, inner).map(([out, c, next]) => (out ? send(c, next) : recv(c, next))),
    },
    { weight: 2, arbitrary: choiceArb(labelsArb, inner) },
    { weight: 2, arbitrary: loopArb(depth - 1, inner) },
  );
}

function choiceArb(labels: fc.Arbitrary<string[]>, branch: fc.Arbitrary<ProtocolNode>): fc.Arbitrary<ProtocolNode> {
  return fc.tuple(fc.boolean(), labels).chain(([mine, ls]) =>
    fc.tuple(...ls.map(() => branch)).map((bs) => {
      const branches = Object.fromEntries(ls.map((l, i) => [l, bs[i]]));
      return mine ? select(branches) : offer(branches);
    }),
  );
}

/** rec(name, choice{ again: ...steps... v(name), exit: continuation }). */
function loopArb(depth: number, exit: fc.Arbitrary<ProtocolNode>): fc.Arbitrary<ProtocolNode> {
  const name = `r${depth}`;
  return fc.tuple(fc.boolean(), loopBodyArb(depth, name), exit).map(([mine, again, out]) => {
    const head = { again, exit: out };
    return rec(name, mine ? select(head) : offer(head));
  });
}

/** Steps that all lead back to v(name), possibly through a choice or an inner loop. */
function loopBodyArb(depth: number, name: string): fc.Arbitrary<ProtocolNode> {
  const back = fc.constant(v(name));
  const step = (next: fc.Arbitrary<ProtocolNode>) =>
    fc.tuple(fc.boolean(), codecArb, next).map(([out, c, n]) => (out ? send(c, n) : recv(c, n)));
  const options: fc.Arbitrary<ProtocolNode>[] = [step(back), step(step(back)), step(choiceArb(labelsArb, step(back)))];
  if (depth > 0) options.push(step(loopArb(depth - 1, back)));
  return fc.oneof(...options);
}

/** Walks `protocol` on `ch`, making up values and choices from `seed`; returns the log of every step. */
async function play(protocol: AnyNode, start: unknown, seed: number, form: "handlers" | "union"): Promise<unknown[]> {
  const rng = mulberry32(seed);
  const againCount = new Map<AnyNode, number>();
  const log: unknown[] = [];
  let ch = start as Record<string, any>;
  let [node, scope] = settle(protocol, undefined);
  for (;;) {
    const methods = ["send", "recv", "select", "offer", "close"].filter((m) => typeof ch[m] === "function");
    expect(methods).toEqual([node.kind === "end" ? "close" : node.kind]);
    expect(ch.step).toBe(node.kind);
    switch (node.kind) {
      case "send": {
        const value = (values.get(node.codec) as (r: Rng) => unknown)(rng);
        log.push(value);
        ch = ch.send(value);
        [node, scope] = settle(node.next, scope);
        break;
      }
      case "recv": {
        const [value, next] = await ch.recv();
        log.push(value);
        ch = next;
        [node, scope] = settle(node.next, scope);
        break;
      }
      case "select": {
        let labels = Object.keys(node.branches);
        const taken = againCount.get(node) ?? 0;
        if (labels.includes("again") && taken >= 2) labels = labels.filter((l) => l !== "again");
        const label = labels[int(rng, labels.length)];
        if (label === "again") againCount.set(node, taken + 1);
        log.push(label);
        ch = ch.select(label);
        [node, scope] = settle(node.branches[label], scope);
        break;
      }
      case "offer": {
        let label: string;
        if (form === "union") {
          const o = await ch.offer();
          label = o.label;
          ch = o.chan;
        } else {
          const handlers = Object.fromEntries(Object.keys(node.branches).map((l) => [l, (c: typeof ch) => [l, c]]));
          [label, ch] = await ch.offer(handlers);
        }
        log.push(label);
        [node, scope] = settle(node.branches[label], scope);
        break;
      }
      case "end":
        await ch.close();
        return log;
      default:
        throw new Error(`unexpected ${node.kind}`);
    }
  }
}

describe("random well-typed protocols", () => {
  it("run to completion between a process and its dual, both logs agreeing", async () => {
    const lengths: number[] = [];
    let loopsTaken = 0;
    await fc.assert(
      fc.asyncProperty(
        protocolArb(6),
        fc.integer(),
        fc.integer(),
        fc.constantFrom(1, 2, 7, Infinity),
        async (protocol, seedA, seedB, chunk) => {
          const p = protocol as unknown as AnyNode;
          const d = dual(protocol) as unknown as AnyNode;
          const [a, b] = byteStreamPair(chunk);
          const [ca, cb] = await Promise.all([session(protocol, a), session(dual(protocol), b)]);
          const [logA, logB] = await Promise.all([play(p, ca, seedA, "union"), play(d, cb, seedB, "handlers")]);
          expect(logB).toEqual(logA);
          lengths.push(logA.length);
          if (logA.includes("again")) loopsTaken++;
        },
      ),
      { numRuns: 150 },
    );
    // The generator must reach what it is for: long runs, and loops that go round.
    console.log(
      `steps per run: max ${Math.max(...lengths)}, mean ${(lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(1)}; runs that looped: ${loopsTaken}`,
    );
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(15);
    expect(loopsTaken).toBeGreaterThanOrEqual(20);
  });

  it("dual is an involution", () => {
    fc.assert(
      fc.property(protocolArb(4), (p) => {
        expect(dual(dual(p))).toEqual(p);
      }),
    );
  });
});
