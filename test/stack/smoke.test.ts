import { describe, expect, it } from "vitest";
import { A, B, bytes, pair, pump, sha, sink } from "./harness.js";

describe("two stacks over the in-memory link", () => {
  it("handshake, 200 KB transfer, close", () => {
    const { clock, a, b, traceA, traceB } = pair();
    const listener = b.listen(80);
    const data = bytes(200_000, 7);
    let server: ReturnType<typeof sink> | undefined;
    let serverConn: ReturnType<typeof listener.accept> = null;
    listener.onConnection = () => {
      serverConn = listener.accept();
      server = sink(serverConn!);
      serverConn!.events.onStateChange = (_f, to) => {
        if (to === "CLOSE-WAIT") serverConn!.shutdown();
      };
    };
    const c = a.connect(B, 80);
    pump(c, data);
    expect(clock.runUntilIdle(600_000)).toBe(true);
    expect(server!.total).toBe(data.length);
    expect(sha(server!.data())).toBe(sha(data));
    expect(c.state).toBe("CLOSED");
    expect(serverConn!.state).toBe("CLOSED");
    expect(clock.pending).toBe(0);
    expect(traceA.join("\n")).toContain("SYN-SENT -> ESTABLISHED");
    expect(traceB.join("\n")).toContain("LISTEN -> SYN-RECEIVED");
    void A;
  });
});
