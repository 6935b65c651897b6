/** A stack reaches itself (the loopback path), listen(0) picks a port, and bad options fail typed. */
import { describe, expect, it } from "vitest";
import { HostUnreachableError, Stack, type TcpStream, VirtualClock } from "../../src/api/index.js";
import { drive, patternBytes, sha256, stackPair } from "./helpers.js";

/** Echo one connection back until its FIN, then close. */
async function echoOnce(accepted: Promise<TcpStream<"Established">>): Promise<void> {
  const conn = await accepted;
  for (;;) {
    const r = await conn.read();
    if (r.done) {
      await r.stream.close();
      return;
    }
    await conn.write(r.value);
  }
}

async function roundTrip(stack: Stack, port: number, body: Uint8Array): Promise<string> {
  const conn = await stack.connect(stack.address, port);
  await conn.write(body);
  const half = conn.shutdown();
  const parts: Uint8Array[] = [];
  for (;;) {
    const r = await half.read();
    if (r.done) break;
    parts.push(r.value);
  }
  return sha256(parts);
}

describe("loopback and ports", () => {
  it("a stack with no link is loopback-only: listen(0) and connect(own address) echo 300 kB intact", async () => {
    const clock = new VirtualClock(0);
    const stack = new Stack({ address: "10.9.0.1", clock });
    const listener = stack.listen(0);
    const port = listener.localAddr.port;
    expect(port).toBeGreaterThanOrEqual(49152);
    expect(port).toBeLessThanOrEqual(65535);
    const body = patternBytes(300_000, 8);
    const served = echoOnce(listener.accept());
    expect(await drive(clock, roundTrip(stack, port, body))).toBe(sha256(body));
    await drive(clock, served);
    await expect(stack.connect("10.9.0.2", port)).rejects.toThrow(HostUnreachableError);
    await expect(stack.connect("10.9.0.2", port)).rejects.toThrow(/no link \(loopback only\)/);
    stack.close();
  });

  it("with a link, connecting to the own address never touches the link", async () => {
    const p = stackPair({ delay: 5 });
    const listener = p.client.listen(8080);
    const served = echoOnce(listener.accept());
    const body = patternBytes(50_000, 2);
    expect(await drive(p.clock, roundTrip(p.client, 8080, body))).toBe(sha256(body));
    await drive(p.clock, served);
    expect(p.links[0].counters.tx.sent).toBe(0);
    expect(p.links[1].counters.tx.sent).toBe(0);
  });

  it("listen(0) gives a different free port each time", () => {
    const stack = new Stack({ address: "10.9.0.1", clock: new VirtualClock(0) });
    const ports = new Set(Array.from({ length: 50 }, () => stack.listen(0).localAddr.port));
    expect(ports.size).toBe(50);
    stack.close();
  });

  it("a negative or unbounded timer is a RangeError, on the stack and on one connection", async () => {
    const clock = new VirtualClock(0);
    expect(() => new Stack({ address: "10.9.0.1", clock, tcp: { connectTimeout: -1 } })).toThrow(RangeError);
    expect(() => new Stack({ address: "10.9.0.1", clock, tcp: { msl: Infinity } })).toThrow(/tcp.msl must be/);
    const stack = new Stack({ address: "10.9.0.1", clock });
    await expect(stack.connect("10.9.0.1", 1, { connectTimeout: -1 })).rejects.toThrow(
      /tcp.connectTimeout must be a positive number of milliseconds/,
    );
    await expect(stack.connect("10.9.0.1", 1, { connectTimeout: -1 })).rejects.toBeInstanceOf(RangeError);
  });

  it("a link that is not a Link is a TypeError that says what a Link is", () => {
    const link = { mtu: 1500 } as never;
    expect(() => new Stack({ address: "10.9.0.1", link })).toThrow(/must be a Link \(mtu, send, onReceive, close\)/);
  });
});
