import { describe, expect, it } from "vitest";
import { dual, end, rec, recv, select, send, session, u32, v, type Chan, type Dual } from "../../src/session/index.js";
import { byteStreamPair } from "./pairs.js";

const Sum = rec("loop", select({ more: send(u32, v("loop")), done: recv(u32, end) }));

describe("smoke", () => {
  it("sums", async () => {
    const [a, b] = byteStreamPair(3);
    const server = (async () => {
      let ch: Chan<Dual<typeof Sum>> = await session(dual(Sum), b);
      let total = 0;
      for (;;) {
        const o = await ch.offer();
        if (o.label === "more") {
          const [x, next] = await o.chan.recv();
          total += x;
          ch = next;
        } else {
          await o.chan.send(total).close();
          return total;
        }
      }
    })();
    let ch = await session(Sum, a);
    for (const x of [1, 2, 3]) ch = ch.select("more").send(x);
    const [total, fin] = await ch.select("done").recv();
    await fin.close();
    expect(total).toBe(6);
    expect(await server).toBe(6);
  });
});
