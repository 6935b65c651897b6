import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { Connection } from "../../src/tcp/types.js";

// A write that takes the caller's chunk over instead of copying it. The connection reads the
// chunk again for every retransmission, so a lossy path shows the bytes are served from it intact.
describe("writeNoCopy", () => {
  it("delivers taken-over chunks, mixed with copied writes, intact across losses and retransmissions", () => {
    const clock = new VirtualClock();
    const [la, lb] = memoryLinkPair({ clock, loss: 0.03, seed: 7 });
    const a = new IpStack({ address: "10.0.0.1", link: la, clock, tcp: { sendBufferSize: 64 * 1024 } });
    const b = new IpStack({ address: "10.0.0.2", link: lb, clock });
    const chunks = Array.from({ length: 12 }, (_, k) => new Uint8Array(50_000).map((_, i) => (i * 7 + k) & 255));
    const expected = chunks.flatMap((c, k) => (k % 3 === 2 ? [...c.subarray(0, 1000)] : [...c]));
    let server: Connection | null = null;
    const listener = b.listen(80);
    listener.onConnection = () => {
      server = listener.accept();
    };
    const client = a.connect("10.0.0.2", 80);
    let k = 0;
    let rest: Uint8Array = chunks[0];
    const pump = () => {
      while (k < chunks.length) {
        // Every third write copies (and only its first 1000 bytes); the others hand the chunk over.
        const n = k % 3 === 2 ? client.write(rest.subarray(0, 1000)) : client.writeNoCopy(rest);
        if (n === 0) return;
        rest = k % 3 === 2 ? rest.subarray(1000) : rest.subarray(n);
        if (rest.length === 0 || k % 3 === 2) rest = chunks[++k] ?? new Uint8Array(0);
      }
      client.shutdown();
    };
    client.events.onWritable = pump;
    client.events.onStateChange = (_from, to) => {
      if (to === "ESTABLISHED") pump();
    };
    const got: number[] = [];
    clock.runUntilCondition(() => {
      for (let d = server?.read(); d != null; d = server?.read()) got.push(...d);
      return server?.readEnded === true;
    }, 600_000);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    expect(client.info().retransmits).toBeGreaterThan(0);
  });
});
