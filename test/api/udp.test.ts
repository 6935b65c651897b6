import { describe, expect, it } from "vitest";
import {
  AddressInUseError,
  AddressNotAvailableError,
  HostUnreachableError,
  NoResolverError,
  PortUnreachableError,
  SocketClosedError,
  StaleHandleError,
  type PingResult,
  type UdpMessage,
} from "../../src/api/index.js";
import { buildIcmpPacket, parseIpv4 } from "../../src/wire/index.js";
import { drive, pass, stackPair } from "./helpers.js";

const text = (m: UdpMessage | null) => (m === null ? null : new TextDecoder().decode(m.data));

describe("stack.udp()", () => {
  it("an unconnected socket sends to a destination and receives with the sender's address", async () => {
    const { clock, client, server } = stackPair();
    const s = server.udp({ port: 53 });
    const c = client.udp();
    c.send("ping?", "10.0.0.2", 53);
    const m = await drive(clock, s.receive());
    expect({ text: text(m), address: m?.address, port: m?.port }).toEqual({
      text: "ping?",
      address: "10.0.0.1",
      port: c.localAddr.port,
    });
    s.send(new TextEncoder().encode("pong"), m!.address, m!.port);
    expect(text(await drive(clock, c.receive()))).toBe("pong");
  });

  it("is an async iterator and a ReadableStream of { data, address, port }; close ends both", async () => {
    const { clock, client, server } = stackPair();
    const s = server.udp({ port: 9 });
    const c = client.udp();
    for (const word of ["a", "b", "c"]) c.send(word, "10.0.0.2", 9);
    await pass(clock, 20);
    const seen: string[] = [];
    for await (const m of s) {
      seen.push(text(m)!);
      if (seen.length === 2) break;
    }
    const reader = s.readable.getReader();
    expect(text((await reader.read()).value ?? null)).toBe("c");
    const pending = reader.read();
    s.close();
    expect((await pending).done).toBe(true);
    expect(seen).toEqual(["a", "b"]);
  });

  it("connect() fixes the peer: send(data) goes to it, and a port unreachable surfaces on the next call", async () => {
    const { clock, client } = stackPair();
    const c = client.udp().connect("10.0.0.2", 7777);
    expect(c.peerAddr).toEqual({ address: "10.0.0.2", port: 7777, family: "IPv4" });
    c.send("anyone?");
    await pass(clock, 50);
    expect(() => c.send("again")).toThrow(PortUnreachableError);
    // Once: the error was reported, and the next send goes out.
    c.send("again");
    await pass(clock, 50);
    await expect(c.receive()).rejects.toThrow(PortUnreachableError);
    expect(c.counters.icmpErrors).toBe(2);
  });

  it("a router's host unreachable is a HostUnreachableError on the next receive (errors map like Linux's errno)", async () => {
    const { clock, client, server, links } = stackPair();
    server.udp({ port: 5000 }); // so that the only error is the router's
    const c = client.udp().connect("10.0.0.2", 5000);
    let sent: Uint8Array | undefined;
    const tap = links[0].send.bind(links[0]);
    links[0].send = (p) => {
      sent = p.slice();
      tap(p);
    };
    c.send("x");
    const quote = sent!.subarray(0, 28);
    links[1].send(
      buildIcmpPacket({
        src: parseIpv4("10.0.0.2"),
        dst: parseIpv4("10.0.0.1"),
        type: 3,
        code: 1,
        rest: 0,
        payload: quote,
      }),
    );
    await pass(clock, 20);
    await expect(c.receive()).rejects.toBeInstanceOf(HostUnreachableError);
  });

  it("a handle consumed by connect() or close() throws StaleHandleError; a closed socket's port is free", async () => {
    const { client } = stackPair();
    const u = client.udp({ port: 1234 });
    const c = u.connect("10.0.0.2", 1);
    expect(() => u.send("x", "10.0.0.2", 1)).toThrow(StaleHandleError);
    expect(() => client.udp({ port: 1234 })).toThrow(AddressInUseError);
    const closed = c.close();
    expect(closed.state).toBe("Closed");
    expect(() => c.send("x")).toThrow(/stale UdpSocket<"Connected"> handle: it was consumed by close\(\)/);
    expect(client.udp({ port: 1234 }).localAddr.port).toBe(1234);
  });

  it("await using closes the socket; the stack's close closes its sockets", async () => {
    const { client } = stackPair();
    {
      await using s = client.udp({ port: 2000 });
      expect(s.state).toBe("Unconnected");
    }
    const again = client.udp({ port: 2000 });
    const pending = again.receive();
    client.close();
    expect(await pending).toBeNull();
    expect(() => again.send("x", "10.0.0.2", 1)).toThrow(SocketClosedError);
  });

  it("binds only the stack's own address (or 0.0.0.0)", () => {
    const { client } = stackPair();
    expect(client.udp({ address: "10.0.0.1" }).localAddr.address).toBe("10.0.0.1");
    expect(client.udp({ address: "0.0.0.0" }).state).toBe("Unconnected");
    expect(() => client.udp({ address: "10.0.0.9" })).toThrow(AddressNotAvailableError);
  });
});

describe("stack.ping()", () => {
  it("yields each reply with its round-trip time, as ping prints them", async () => {
    const { clock, client } = stackPair({ delay: 5 });
    const results: PingResult[] = [];
    const run = (async () => {
      for await (const r of client.ping("10.0.0.2", { count: 3, interval: 100, size: 32 })) results.push(r);
    })();
    await drive(clock, run);
    expect(results).toEqual(
      [1, 2, 3].map((seq) => ({ ok: true, seq, address: "10.0.0.2", bytes: 40, ttl: 64, rtt: 10 })),
    );
  });

  it("reports a timeout for a host that does not answer", async () => {
    const { clock, client } = stackPair({ delay: 5 });
    const results: PingResult[] = [];
    const run = (async () => {
      for await (const r of client.ping("10.0.0.99", { count: 1, timeout: 500 })) results.push(r);
    })();
    await drive(clock, run);
    expect(results).toEqual([{ ok: false, seq: 1, address: "10.0.0.99", reason: "timeout" }]);
  });

  it("a name without dns servers is a NoResolverError", async () => {
    const { client } = stackPair();
    await expect(client.ping("example.test").next()).rejects.toBeInstanceOf(NoResolverError);
    await expect(client.resolve("example.test")).rejects.toBeInstanceOf(NoResolverError);
    await expect(client.connect("example.test", 80)).rejects.toBeInstanceOf(NoResolverError);
  });
});
