import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/session/sha256.js";
import {
  type Chan,
  canonicalProtocol,
  type DynamicChan,
  dual,
  type Dual,
  end,
  type End,
  offer,
  type Offer,
  protocolFingerprint,
  rec,
  type Rec,
  recv,
  type Recv,
  select,
  send,
  type Send,
  toMermaid,
  u32,
  utf8,
  v,
  type Var,
} from "../../src/session/index.js";
import type { AnyNode } from "../../src/session/protocol.js";

/** Compiles only when A and B are assignable both ways. */
type Equivalent<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const Sum = rec("loop", select({ more: send(u32, v("loop")), done: recv(u32, end) }));
type SumServer = Rec<"loop", Offer<{ more: Recv<number, Var<"loop">>; done: Send<number, End> }>>;
const SumServer = rec("loop", offer({ more: recv(u32, v("loop")), done: send(u32, end) }));

describe("Dual<P> and dual(p) agree", () => {
  it("at the type level: the computed dual is the hand-written one, and an involution", () => {
    assertType<Equivalent<Dual<typeof Sum>, SumServer>>();
    assertType<Equivalent<Dual<Dual<typeof Sum>>, typeof Sum>>();
    assertType<Equivalent<Chan<Dual<typeof Sum>>, Chan<SumServer>>>();
    assertType<Equivalent<Dual<Send<string, Recv<number, End>>>, Recv<string, Send<number, End>>>>();
    // @ts-expect-error a protocol is not its own dual
    assertType<Equivalent<Dual<typeof Sum>, typeof Sum>>();
    const typed: SumServer = dual(Sum);
    expect(typed).toBeDefined();
  });

  it("at run time: dual(p) is the hand-written dual", () => {
    expect(dual(Sum)).toEqual(SumServer);
    expect(dual(dual(Sum))).toEqual(Sum);
  });
});

describe("protocol values", () => {
  it("refuse what the types cannot see", async () => {
    const { session } = await import("../../src/session/index.js");
    const { byteStreamPair } = await import("./pairs.js");
    expect(() => rec("x", v("x"))).toThrow("the body must perform a step before recurring");
    expect(() => select({})).toThrow("a choice needs at least one label");
    const [a] = byteStreamPair();
    await expect(session(send(u32, v("nowhere")), a)).rejects.toThrow(
      'v("nowhere") has no enclosing rec("nowhere", ...)',
    );
    expect(() => toMermaid(offer({ ok: v("x") }))).toThrow(/root\.offer\["ok"\]: v\("x"\)/);
  });
});

describe("fingerprint", () => {
  const un = (p: unknown) => p as AnyNode;

  it("is independent of rec names and label order, and sees shadowing", () => {
    const a = rec("a", select({ x: send(u32, v("a")), y: end }));
    const b = rec("b", select({ y: end, x: send(u32, v("b")) }));
    expect(canonicalProtocol(un(a))).toBe(canonicalProtocol(un(b)));
    const outer = rec("a", send(u32, rec("b", select({ in: v("b"), out: v("a") }))));
    const shadow = rec("a", send(u32, rec("a", select({ in: v("a"), out: v("a") }))));
    expect(canonicalProtocol(un(outer))).not.toBe(canonicalProtocol(un(shadow)));
  });

  it("of the dual is the flipped fingerprint, and changes with codecs, labels and direction", async () => {
    const hex = (p: unknown, flipped = false) => Buffer.from(protocolFingerprint(un(p), flipped)).toString("hex");
    expect(hex(dual(Sum))).toBe(hex(Sum, true));
    const variants = [
      Sum,
      rec("loop", select({ more: send(utf8, v("loop")), done: recv(u32, end) })),
      rec("loop", select({ more2: send(u32, v("loop")), done: recv(u32, end) })),
      dual(Sum),
    ];
    expect(new Set(variants.map((p) => hex(p))).size).toBe(variants.length);
  });
});

describe("sha256", () => {
  it("matches node:crypto on lengths around every padding boundary", () => {
    for (let n = 0; n < 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(Buffer.from(sha256(data)).toString("hex")).toBe(createHash("sha256").update(data).digest("hex"));
    }
  });
});

describe("toMermaid", () => {
  it("draws states, message and choice edges, and the loop back to the rec", () => {
    expect(toMermaid(Sum)).toBe(
      `stateDiagram-v2
  [*] --> s0
  s0: loop
  s0 --> s1: +more
  s0 --> s2: +done
  s1 --> s0: !u32
  s2 --> [*]: ?u32`,
    );
  });

  it("draws the peer's choices and escapes what Mermaid would misread", () => {
    expect(toMermaid(dual(send(utf8, select({ "a:b": end, no: recv(u32, end) }))))).toBe(
      `stateDiagram-v2
  [*] --> s0
  s0 --> s1: ?utf8
  s1 --> [*]: &a b
  s1 --> s2: &no
  s2 --> [*]: !u32`,
    );
  });
});

describe("nested recursion", () => {
  // Batches of items: the inner loop sends items, `next` goes back to the outer loop, `stop` ends.
  const Batches = rec(
    "batch",
    send(utf8, rec("item", select({ item: send(u32, v("item")), next: v("batch"), stop: recv(u32, end) }))),
  );

  it("loops at both levels keep their types and run", async () => {
    assertType<Equivalent<Chan<any>, DynamicChan>>();
    const { session } = await import("../../src/session/index.js");
    const { byteStreamPair } = await import("./pairs.js");
    const [a, b] = byteStreamPair();
    const [client, server] = await Promise.all([session(Batches, a), session(dual(Batches), b)]);
    const consumer = (async () => {
      const seen: string[] = [];
      let outer: Chan<Dual<typeof Batches>> = server;
      for (;;) {
        const [name, itemsCh] = await outer.recv();
        let inner = itemsCh;
        for (;;) {
          const o = await inner.offer();
          if (o.label === "item") {
            const [n, next] = await o.chan.recv();
            seen.push(`${name}:${n}`);
            inner = next;
          } else if (o.label === "next") {
            outer = o.chan; // back at the outer loop head: the very same type
            break;
          } else {
            await o.chan.send(seen.length).close();
            return seen;
          }
        }
      }
    })();
    let outer: Chan<typeof Batches> = client;
    let inner = outer.send("a");
    for (let i = 0; i < 2; i++) inner = inner.select("item").send(i);
    outer = inner.select("next");
    inner = outer.send("b").select("item").send(9);
    const [count, fin] = await inner.select("stop").recv();
    await fin.close();
    expect(count).toBe(3);
    expect(await consumer).toEqual(["a:0", "a:1", "b:9"]);
  });
});
