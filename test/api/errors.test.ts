/** Each typed error, raised by the situation that should raise it. */
import { describe, expect, it } from "vitest";
import {
  AddressInUseError,
  CloseTimeoutError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  ConnectTimeoutError,
  KeepAliveTimeoutError,
  ListenerClosedError,
  StackClosedError,
  UserTimeoutError,
  WirestateError,
} from "../../src/api/index.js";
import { connected, drive, pass, stackPair } from "./helpers.js";

describe("connect", () => {
  it("rejects with ConnectionRefusedError when the port is closed (RST)", async () => {
    const p = stackPair();
    const err = await drive(p.clock, p.client.connect("10.0.0.2", 81)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect(err).toBeInstanceOf(WirestateError);
    expect((err as WirestateError).code).toBe("ECONNREFUSED"); // as net.Socket reports it
    expect((err as Error).message).toContain("10.0.0.2:81");
  });

  it("rejects with ConnectTimeoutError when nothing answers", async () => {
    const p = stackPair({ delay: 5, loss: 1 });
    p.server.listen(80);
    const t0 = p.clock.now();
    const err = await drive(p.clock, p.client.connect("10.0.0.2", 80, { connectTimeout: 5_000 })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(p.clock.now() - t0).toBeGreaterThanOrEqual(5_000);
  });

  it("rejects with AddressInUseError for a local port already in that 4-tuple; listen twice throws it", async () => {
    const p = stackPair();
    await connected(p);
    expect(() => p.server.listen(80)).toThrow(AddressInUseError);
    const first = await drive(p.clock, p.client.connect("10.0.0.2", 80, { localPort: 5000 }));
    expect(first.localAddr.port).toBe(5000);
    await expect(p.client.connect("10.0.0.2", 80, { localPort: 5000 })).rejects.toBeInstanceOf(AddressInUseError);
  });
});

describe("reset and abort", () => {
  it("a RST rejects the peer's pending read and every later call with ConnectionResetError", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const pendingRead = server.read().catch((e: unknown) => e);
    const pendingWrite = server.write(new Uint8Array(4 << 20)).catch((e: unknown) => e); // larger than any buffer
    const localRead = client.read().catch((e: unknown) => e);
    const closed = client.abort();
    expect(closed.state).toBe("Closed");
    expect(await localRead).toBeInstanceOf(ConnectionAbortedError);

    expect(await drive(p.clock, pendingRead)).toBeInstanceOf(ConnectionResetError);
    expect(await pendingWrite).toBeInstanceOf(ConnectionResetError);
    await expect(server.read()).rejects.toBeInstanceOf(ConnectionResetError);
    await expect(server.write("more")).rejects.toBeInstanceOf(ConnectionResetError);
    await expect(server.close()).rejects.toBeInstanceOf(ConnectionResetError);
    expect(() => server.shutdown()).toThrow(ConnectionResetError);
    expect(server.info().state).toBe("CLOSED");
    expect(server.abort().state).toBe("Closed"); // aborting a dead connection is harmless
  });

  it("UserTimeoutError when sent data stays unacknowledged past the user timeout", async () => {
    const p = stackPair();
    const { client } = await connected(p, { userTimeout: 10_000 });
    p.links[1].close(); // the peer vanishes without a word
    const t0 = p.clock.now();
    await drive(p.clock, client.write("anyone there?"));
    const err = await drive(
      p.clock,
      client.read().catch((e: unknown) => e),
      60_000,
    );
    expect(err).toBeInstanceOf(UserTimeoutError);
    expect(p.clock.now() - t0).toBeGreaterThanOrEqual(10_000);
  });

  it("KeepAliveTimeoutError when an idle peer stops answering probes", async () => {
    const p = stackPair();
    const { client } = await connected(p, { keepAlive: { idle: 2_000, interval: 500, count: 3 } });
    p.links[1].close();
    const t0 = p.clock.now();
    const err = await drive(
      p.clock,
      client.read().catch((e: unknown) => e),
      60_000,
    );
    expect(err).toBeInstanceOf(KeepAliveTimeoutError);
    expect(err).not.toBeInstanceOf(UserTimeoutError);
    expect((err as WirestateError).code).toBe("WS_KEEPALIVE_TIMEOUT");
    expect((err as Error).message).toMatch(/keep-alive/);
    expect(p.clock.now() - t0).toBeGreaterThan(3_000); // idle time, then three unanswered probes
  });
});

describe("close", () => {
  it("CloseTimeoutError when the peer never closes its side, and the connection is aborted (RST)", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    await expect(client.close({ timeout: -1 })).rejects.toThrow(RangeError); // refused before consuming the handle
    const closing = client.close({ timeout: 2_000 }).catch((e: unknown) => e);
    const end = await drive(p.clock, server.read());
    expect(end.done).toBe(true); // the peer sees our FIN but never answers with its own
    const t0 = p.clock.now();
    const err = await drive(p.clock, closing);
    expect(err).toBeInstanceOf(CloseTimeoutError);
    expect(p.clock.now() - t0).toBeGreaterThanOrEqual(1_990);
    await pass(p.clock, 100); // the RST crosses the wire
    if (!end.done) return;
    await expect(end.stream.write("too late")).rejects.toBeInstanceOf(ConnectionResetError);
  });
});

describe("listener and stack", () => {
  it("async iteration accepts connections in the order their handshakes completed", async () => {
    const p = stackPair();
    const listener = p.server.listen(80);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const s of listener) {
        seen.push(s.peerAddr.port);
        if (seen.length === 3) break;
      }
    })();
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) ports.push((await drive(p.clock, p.client.connect("10.0.0.2", 80))).localAddr.port);
    await drive(p.clock, loop);
    expect(seen).toEqual(ports);
    expect(listener.closed).toBe(false); // leaving the loop does not close the listener
  });

  it("accept() pending when the listener closes rejects with ListenerClosedError; iteration just ends", async () => {
    const p = stackPair();
    const listener = p.server.listen(80);
    const pending = listener.accept().catch((e: unknown) => e);
    const iterated: unknown[] = [];
    const loop = (async () => {
      for await (const s of listener) iterated.push(s);
    })();
    listener.close();
    expect(await pending).toBeInstanceOf(ListenerClosedError);
    await loop;
    expect(iterated).toEqual([]);
    await expect(listener.accept()).rejects.toBeInstanceOf(ListenerClosedError);
    await expect(drive(p.clock, p.client.connect("10.0.0.2", 80))).rejects.toBeInstanceOf(ConnectionRefusedError);
  });

  it("a closed stack refuses work with StackClosedError and ends pending accepts", async () => {
    const p = stackPair();
    const listener = p.server.listen(80);
    const pending = listener.accept().catch((e: unknown) => e);
    p.server.close();
    expect(await pending).toBeInstanceOf(ListenerClosedError);
    expect(() => p.server.listen(81)).toThrow(StackClosedError);
    await expect(p.server.connect("10.0.0.1", 80)).rejects.toBeInstanceOf(StackClosedError);
    await pass(p.clock, 10);
  });
});
