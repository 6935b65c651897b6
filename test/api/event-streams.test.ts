import { afterEach, describe, expect, it, vi } from "vitest";
import {
  eventText,
  isTraced,
  type CaptureWriter,
  type StackEvent,
  type StateEvent,
  type TcpState,
} from "../../src/api/index.js";
import type { PacketRecord } from "../../src/pcap/writer.js";
import { TcpConnection } from "../../src/tcp/connection.js";
import { connected, drive, type Pair, patternBytes, settle, stackPair } from "./helpers.js";

/** A pcapng-like writer that keeps each packet's comments. */
class CommentWriter implements CaptureWriter {
  readonly mediaType = "test";
  readonly supportsComments = true;
  readonly comments: string[] = [];
  packets = 0;
  writePacket(packet: PacketRecord): boolean {
    this.packets++;
    this.comments.push(...(packet.comments ?? []));
    return true;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** `bytes` from the client to the server, then the client's FIN: the FinWait1 handle, once all arrived. */
async function upload(p: Pair, bytes: number) {
  const { client, server } = await connected(p);
  const reading = (async () => {
    let n = 0;
    for (let r = await server.read(); !r.done; r = await server.read()) n += r.value.length;
    return n;
  })();
  await drive(p.clock, client.write(patternBytes(bytes, 4)));
  const fin = client.shutdown();
  expect(await drive(p.clock, reading)).toBe(bytes);
  return fin;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Stack.events", () => {
  it("delivers typed state events for every connection, with the stack clock's time", async () => {
    const p = stackPair();
    const states: StateEvent[] = [];
    p.client.events.on("state", (e) => states.push(e));
    const t0 = p.clock.now();
    const { client } = await connected(p);
    expect(states.map((e) => [e.from, e.to])).toEqual([
      ["CLOSED", "SYN-SENT"],
      ["SYN-SENT", "ESTABLISHED"],
    ]);
    expect(states[0]).toMatchObject({
      time: t0,
      connection: {
        localAddress: "10.0.0.1",
        localPort: client.localAddr.port,
        remoteAddress: "10.0.0.2",
        remotePort: 80,
      },
    });
    // The SYN-ACK came back one round trip (2 x 5 ms) later.
    expect(states[1].time - states[0].time).toBe(10);
  });

  it("on('*') hears every type; off, the returned function and an AbortSignal all unsubscribe", async () => {
    const p = stackPair();
    const all: string[] = [];
    const byOff: string[] = [];
    const bySignal: string[] = [];
    const listener = (e: StackEvent) => byOff.push(e.type);
    const offAll = p.client.events.on("*", (e) => all.push(e.type));
    p.client.events.on("state", listener);
    const abort = new AbortController();
    p.client.events.on("state", (e) => bySignal.push(e.type), { signal: abort.signal });
    expect(p.client.events.listening).toBe(true);
    const connecting = p.client.connect("10.0.0.2", 80);
    p.server.listen(80);
    await drive(p.clock, connecting);
    expect(all).toEqual(["state", "state"]);
    p.client.events.off("state", listener);
    abort.abort();
    offAll();
    expect(p.client.events.listening).toBe(false);
    const again = p.client.connect("10.0.0.2", 80);
    await drive(p.clock, again);
    expect([all.length, byOff.length, bySignal.length]).toEqual([2, 2, 2]);
  });

  it("onTrace and the capture's comments are the text of the same typed events", async () => {
    const writer = new CommentWriter();
    const traced: string[] = [];
    const p = stackPair({ delay: 5, loss: 0.05, seed: 3 }, { capture: writer, onTrace: (t) => traced.push(t) });
    const events: StackEvent[] = [];
    p.client.events.on("*", (e) => events.push(e));
    const fin = await upload(p, 200_000);
    await drive(p.clock, fin.acknowledged());
    const expected = events.filter(isTraced).map(eventText);
    // Loss made retransmissions (typed events, not in the text) and an RTO or a recovery (in it).
    expect(events.some((e) => e.type === "retransmit")).toBe(true);
    expect(expected.some((t) => / RTO fired| recovery start/.test(t))).toBe(true);
    expect(traced.filter((t) => t.startsWith("10.0.0.1:"))).toEqual(expected);
    // Comments wait for the next packet: all but the last few are written by now.
    expect(writer.comments).toEqual(traced.slice(0, writer.comments.length));
    expect(writer.comments.length).toBeGreaterThan(expected.length - 3);
  });

  it("a throwing listener does not disturb the engine; the error surfaces from a microtask", async () => {
    const p = stackPair();
    const thrown: unknown[] = [];
    const onError = (error: unknown) => thrown.push(error);
    process.on("uncaughtException", onError);
    try {
      p.client.events.on("state", () => {
        throw new Error("listener bug");
      });
      const { client, server } = await connected(p);
      await drive(p.clock, client.write("still works"));
      const r = await drive(p.clock, server.read());
      expect(r.done ? "" : new TextDecoder().decode(r.value)).toBe("still works");
      await settle();
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(thrown.map((e) => (e as Error).message)).toEqual(["listener bug", "listener bug"]);
  });
});

describe("TcpStream.events", () => {
  it("one stream per connection, kept across typestate transitions (shutdown, acknowledged, close)", async () => {
    const p = stackPair();
    const { client, server } = await connected(p);
    const seen: Array<[TcpState, TcpState]> = [];
    const events = client.events;
    events.on("state", (e) => seen.push([e.from, e.to]));
    const finWait1 = client.shutdown();
    expect(finWait1.events).toBe(events);
    const finWait2 = await drive(p.clock, finWait1.acknowledged());
    const end = await drive(p.clock, server.read());
    if (!end.done) throw new Error("expected the client's FIN");
    await drive(p.clock, end.stream.close());
    const timeWait = await drive(p.clock, finWait2.close());
    expect(timeWait.events).toBe(events);
    expect(seen).toEqual([
      ["ESTABLISHED", "FIN-WAIT-1"],
      ["FIN-WAIT-1", "FIN-WAIT-2"],
      ["FIN-WAIT-2", "TIME-WAIT"],
    ]);
    // The server's connection has its own stream, which heard nothing of the client's.
    expect(server.events).not.toBe(events);
  });

  it("once() resolves with the next event of its type; the halves of split() share the stream", async () => {
    const p = stackPair();
    const { client } = await connected(p);
    const { reader: read, writer: write } = client.split();
    expect(read.events).toBe(write.events);
    const next = read.events.once("state");
    write.shutdown();
    const e = await next;
    expect([e.from, e.to]).toEqual(["ESTABLISHED", "FIN-WAIT-1"]);
    expect(read.events.listening).toBe(false);
    const aborted = new AbortController();
    const never = write.events.once("rto", { signal: aborted.signal });
    aborted.abort(new Error("gave up"));
    await expect(never).rejects.toThrow("gave up");
  });

  it("nobody listening: a lossy transfer builds no event; one stream's listener, only its own", async () => {
    const publish = vi.spyOn(TcpConnection.prototype, "publish");
    const p = stackPair({ delay: 5, loss: 0.05, seed: 9 });
    const fin = await upload(p, 100_000);
    expect(p.client.counters.retransmits + p.server.counters.retransmits).toBeGreaterThan(0);
    expect(publish).not.toHaveBeenCalled();

    // A listener on the client's stream turns events on for that connection alone.
    const mine: StackEvent[] = [];
    fin.events.on("*", (e) => mine.push(e));
    await drive(p.clock, fin.acknowledged());
    expect(mine.length).toBeGreaterThan(0);
    expect(publish.mock.calls.length).toBe(mine.length);
    expect(mine.every((e) => e.connection?.localAddress === "10.0.0.1")).toBe(true);
  });
});
