/** toNodeDuplex as a `net.Socket` stand-in: half-close, errors, idle timeout, teardown. */
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { ConnectionResetError, StaleHandleError } from "../../src/api/index.js";
import { toNodeDuplex, type TcpDuplex } from "../../src/api/node.js";
import { connected, drive, pass, sleep, stackPair } from "./helpers.js";

function collect(d: TcpDuplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = "";
    d.on("data", (c: Buffer) => (s += c.toString()));
    d.on("end", () => resolve(s));
    d.on("error", reject);
  });
}

describe("toNodeDuplex", () => {
  it("is half-open like TCP: end() sends FIN while the other direction keeps flowing", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    const b = toNodeDuplex(server);
    const bothClosed = Promise.all([once(a, "close"), once(b, "close")]);
    const bGot = collect(b);
    a.end("request, then FIN");
    expect(await drive(p.clock, bGot)).toBe("request, then FIN");
    const aGot = collect(a);
    b.write("answer after the peer's FIN");
    b.end();
    expect(await drive(p.clock, aGot)).toBe("answer after the peer's FIN");
    await drive(p.clock, bothClosed); // both directions ended: each duplex destroys itself
    await pass(p.clock, 100);
    expect(a.info().state).toBe("TIME-WAIT");
    expect(b.info().state).toBe("CLOSED");
    expect([a.remoteAddress, a.remotePort, b.localPort]).toEqual(["10.0.0.2", 80, 80]);
  });

  it("destroy(error) resets the connection; the peer's duplex errors with ConnectionResetError", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    const b = toNodeDuplex(server);
    b.resume();
    const failed = once(b, "error").then(([e]) => e as Error);
    a.on("error", () => {});
    a.destroy(new Error("local failure"));
    expect(await drive(p.clock, failed)).toBeInstanceOf(ConnectionResetError);
  });

  it("setTimeout emits 'timeout' after that long without traffic, on the stack's clock", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    const b = toNodeDuplex(server);
    b.resume();
    let fired = 0;
    a.setTimeout(1_000, () => fired++);
    await drive(p.clock, sleep(p.clock, 600));
    a.write("activity");
    await drive(p.clock, sleep(p.clock, 600));
    expect(fired).toBe(0); // the write restarted the idle timer
    await drive(p.clock, sleep(p.clock, 500));
    expect(fired).toBe(1);
  });

  it("takes the handle's bytes: its byte calls go stale, abort() still works", async () => {
    const p = stackPair();
    const { client } = await connected(p);
    toNodeDuplex(client);
    await expect(client.read()).rejects.toThrow(StaleHandleError);
    expect(() => client.readable).toThrow(/consumed by toNodeDuplex\(\)/);
    expect(() => toNodeDuplex(client)).toThrow(StaleHandleError);
    expect(client.info().state).toBe("ESTABLISHED");
  });
});
