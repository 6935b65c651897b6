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

  it("made from a pending connect: connecting and pending, then 'connect' and 'ready'; writes wait", async () => {
    const p = stackPair();
    const listener = p.server.listen(80);
    const a = toNodeDuplex(p.client.connect("10.0.0.2", 80));
    expect([a.connecting, a.pending, a.readyState, a.remoteAddress, a.address()]).toEqual([
      true,
      true,
      "opening",
      undefined,
      {},
    ]);
    const events: string[] = [];
    a.on("connect", () => events.push(`connect ${a.readyState}`));
    a.on("ready", () => events.push("ready"));
    a.write("queued while connecting");
    a.on("connect", () => a.end());
    const b = toNodeDuplex(await drive(p.clock, listener.accept()));
    expect(await drive(p.clock, collect(b))).toBe("queued while connecting");
    expect(events).toEqual(["connect open", "ready"]);
    expect([a.connecting, a.pending, a.remotePort, a.localAddress, a.remoteFamily]).toEqual([
      false,
      false,
      80,
      "10.0.0.1",
      "IPv4",
    ]);
    expect(a.address()).toEqual({ address: "10.0.0.1", port: a.localPort, family: "IPv4" });
    expect([a.bytesWritten, b.bytesRead]).toEqual([23, 23]);
  });

  it("a refused connect emits 'error' (ECONNREFUSED), then 'close' with hadError", async () => {
    const p = stackPair();
    const a = toNodeDuplex(p.client.connect("10.0.0.2", 81));
    const events: string[] = [];
    a.on("error", (e: NodeJS.ErrnoException) => events.push(`error ${e.code}`));
    // Not events.once: it rejects on 'error', which comes first here.
    const closed = new Promise((resolve) =>
      a.on("close", (hadError: boolean) => resolve(events.push(`close ${hadError}`))),
    );
    await drive(p.clock, closed);
    expect(events).toEqual(["error ECONNREFUSED", "close true"]);
    expect(a.readyState).toBe("closed");
  });

  it("'close' says hadError false after a clean end both ways; readyState walks open, writeOnly, closed", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    const b = toNodeDuplex(server);
    const closedA = once(a, "close");
    b.end("bye");
    expect(a.readyState).toBe("open");
    expect(await drive(p.clock, collect(a))).toBe("bye");
    expect(a.readyState).toBe("writeOnly");
    b.resume();
    a.end();
    expect(await drive(p.clock, closedA)).toEqual([false]);
    expect(a.readyState).toBe("closed");
  });

  it("resetAndDestroy() sends RST: the peer errors with ECONNRESET, ours closes without an error", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    const b = toNodeDuplex(server);
    b.resume();
    const peerError = once(b, "error").then(([e]) => (e as NodeJS.ErrnoException).code);
    const closed = once(a, "close");
    a.resetAndDestroy();
    expect(await drive(p.clock, closed)).toEqual([false]);
    expect(await drive(p.clock, peerError)).toBe("ECONNRESET");
    expect(p.client.counters.resetsSent).toBeGreaterThan(0);
  });

  it("destroySoon() ends the writable side and destroys once it finished: the peer gets every byte and FIN", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    const b = toNodeDuplex(server);
    const got = collect(b);
    a.write("last words");
    a.destroySoon();
    await drive(p.clock, once(a, "close"));
    expect(await drive(p.clock, got)).toBe("last words");
  });

  it("setKeepAlive(true, idle) turns the engine's keep-alive on; setKeepAlive(false) turns it off", async () => {
    const trace: string[] = [];
    const p = stackPair({ delay: 5 }, { onTrace: (t) => trace.push(t) });
    const { client, server } = await connected(p);
    const a = toNodeDuplex(client);
    toNodeDuplex(server).resume();
    const probes = () => trace.filter((t) => t.startsWith("10.0.0.1") && t.includes("keep-alive probe")).length;
    a.setKeepAlive(true, 1_000);
    await pass(p.clock, 900);
    expect(probes()).toBe(0);
    await pass(p.clock, 3_200); // the peer answers each probe, so one probe per idle second
    expect(probes()).toBe(4);
    a.setKeepAlive(false);
    await pass(p.clock, 5_000);
    expect(probes()).toBe(4);
  });
});
