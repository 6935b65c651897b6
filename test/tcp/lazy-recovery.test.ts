import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConnection } from "../../src/tcp/connection.js";
import type { Connection } from "../../src/tcp/types.js";

// The memory suite's per-connection figure: a connection that has only shaken hands holds no loss recovery; the first data
// it sends makes one, and what it reports in between is what the recovery it will make would report.
describe("loss recovery made on first need", () => {
  function pair() {
    const clock = new VirtualClock();
    const [la, lb] = memoryLinkPair({ clock });
    const a = new IpStack({ address: "10.0.0.1", link: la, clock });
    const b = new IpStack({ address: "10.0.0.2", link: lb, clock });
    let server: Connection | null = null;
    const listener = b.listen(80);
    listener.onConnection = () => {
      server = listener.accept();
    };
    const client = a.connect("10.0.0.2", 80);
    clock.runUntilIdle(10_000);
    if (server === null) throw new Error("no connection accepted");
    return { clock, client: client as TcpConnection, server: server as TcpConnection };
  }

  it("an idle established connection has none, yet reports the configured one", () => {
    const { client, server } = pair();
    for (const c of [client, server]) {
      expect(c.state).toBe("ESTABLISHED");
      expect(c.recoveryIfMade).toBeNull();
      expect(c.info()).toMatchObject({ lossRecovery: "rack", sack: true, sackedBytes: 0 });
      expect(c.recoveryIfMade).toBeNull();
    }
  });

  it("the first data sent makes it, and the bytes arrive", () => {
    const { clock, client, server } = pair();
    client.write(new Uint8Array([1, 2, 3]));
    clock.runUntilIdle(10_000);
    expect(client.recoveryIfMade?.name).toBe("rack");
    expect(Array.from(server.read() ?? [])).toEqual([1, 2, 3]);
    // The receiver only acknowledged: it sent nothing a recovery would track.
    expect(server.recoveryIfMade).toBeNull();
  });

  it("TIME-WAIT lets it go, and still reports the one that ran", () => {
    const { clock, client, server } = pair();
    client.write(new Uint8Array(50_000).fill(7));
    clock.runUntilIdle(10_000);
    expect(client.recoveryIfMade?.name).toBe("rack");
    const sent = client.info();
    client.shutdown();
    clock.runUntilIdle(1_000);
    expect(server.read()?.length).toBe(50_000);
    server.shutdown();
    clock.runUntilCondition(() => client.state === "TIME-WAIT", 10_000);
    expect(client.recoveryIfMade).toBeNull();
    // The congestion controller stays (its window is the one the data left).
    const { cwnd, bytesSent, segmentsSent } = sent;
    expect(client.info()).toMatchObject({ lossRecovery: "rack", sackedBytes: 0, bytesInFlight: 0, cwnd });
    // Sent since: our FIN and the ACK of the peer's.
    expect(client.info()).toMatchObject({ bytesSent, segmentsSent: segmentsSent + 2 });
  });
});
