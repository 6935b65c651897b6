import { describe, expect, it } from "vitest";
import {
  ChannelReusedError,
  type Codec,
  type DynamicChan,
  drained,
  dual,
  end,
  type ProtocolNode,
  rec,
  recv,
  select,
  send,
  session,
  u32,
  utf8,
  v,
} from "../../src/session/index.js";
import { byteStreamPair, webStreamPair } from "./pairs.js";

/** A protocol assembled at run time (say, from a config file): its static type is just ProtocolNode. */
function fromSpec(spec: readonly ("n" | "s")[]): ProtocolNode {
  return spec.reduceRight<ProtocolNode>((next, s) => {
    const codec: Codec<unknown> = s === "n" ? u32 : utf8;
    return send(codec, next);
  }, end);
}

describe("protocols known only at run time", () => {
  it("get a DynamicChan that narrows on step", async () => {
    const spec = ["n", "s", "n"] as const;
    const p = fromSpec(spec);
    const [a, b] = byteStreamPair();
    const [c, s] = await Promise.all([session(p, a), session(dual(p), b)]);
    let out: DynamicChan = c;
    for (const kind of spec) {
      if (out.step !== "send") throw new Error(`expected a send step, got ${out.step}`);
      out = out.send(kind === "n" ? 7 : "seven");
    }
    const got: unknown[] = [];
    let inc: DynamicChan = s;
    while (inc.step === "recv") {
      const [value, next] = await inc.recv();
      got.push(value);
      inc = next;
    }
    expect(got).toEqual([7, "seven", 7]);
    expect([out.step, inc.step]).toEqual(["end", "end"]);
    if (out.step === "end" && inc.step === "end") await Promise.all([out.close(), inc.close()]);
  });

  it("still checks payloads at run time", async () => {
    const p = fromSpec(["n"]);
    const [a, b] = byteStreamPair();
    const [c] = await Promise.all([session(p, a), session(dual(p), b)]);
    if (c.step !== "send") throw new Error("unreachable");
    expect(() => c.send("not a number")).toThrow("u32: not a number is not an integer");
  });
});

describe("drained()", () => {
  it("bounds what a sender queues: each await returns once the frames are with the transport", async () => {
    const Stream = rec("s", select({ item: send(utf8, v("s")), done: recv(u32, end) }));
    const [a, b] = webStreamPair();
    const [c, s] = await Promise.all([session(Stream, a), session(dual(Stream), b)]);
    const consumer = (async () => {
      let ch = s;
      let count = 0;
      for (;;) {
        const o = await ch.offer();
        if (o.label === "done") return o.chan.send(count).close();
        ch = (await o.chan.recv())[1];
        count++;
      }
    })();
    let ch = c;
    for (let i = 0; i < 2000; i++) {
      ch = ch.select("item").send(`item ${i}`);
      if (i % 100 === 99) await drained(ch);
    }
    const [count, fin] = await ch.select("done").recv();
    await Promise.all([fin.close(), consumer]);
    expect(count).toBe(2000);
  });
});

describe("a transport carries one session", () => {
  it("refuses a second session on the same transport", async () => {
    const [a] = byteStreamPair();
    void session(end, a).catch(() => {});
    await expect(session(end, a)).rejects.toThrow(ChannelReusedError);
  });
});
