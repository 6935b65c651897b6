import { afterEach, describe, expect, it } from "vitest";
import { connectedStacks } from "../../examples/session-stacks.js";
import { kvClient, KvStore, kvServer } from "../../examples/session-kv-store.js";
import { Login, loginClient, loginServer } from "../../examples/session-login.js";
import { pinger, PingPong, ponger } from "../../examples/session-ping-pong.js";
import { toNodeDuplex } from "../../src/api/node.js";
import {
  bytes,
  type Chan,
  type Dual,
  dual,
  end,
  FrameTooLargeError,
  PeerClosedError,
  recv,
  send,
  session,
} from "../../src/session/index.js";
import { netPair, webStreamPair } from "./pairs.js";
import { messagePortPair } from "./port-streams.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 0xff);
const Upload = send(bytes, recv(bytes, end));

/** toEqual walks a 1 MiB array element by element for seconds; compare the bytes directly. */
function expectReversed(reply: Uint8Array): void {
  expect(reply.length).toBe(big.length);
  expect(Buffer.compare(reply, big.slice().reverse())).toBe(0);
}

async function echoBig(ch: Chan<Dual<typeof Upload>>): Promise<void> {
  const [data, reply] = await ch.recv();
  await reply.send(data.slice().reverse()).close();
}

describe("Node net.Socket over 127.0.0.1", () => {
  it("runs the login protocol", async () => {
    const [c, s, stop] = await netPair();
    cleanup.push(stop);
    const [client, server] = await Promise.all([
      session(Login, c).then((ch) => loginClient(ch, "alice", "wonderland")),
      session(dual(Login), s).then((ch) => loginServer(ch, new Map([["alice", "wonderland"]]))),
    ]);
    expect(client).toMatchObject({ ok: true, token: "token-for-alice" });
    expect(server).toBe("alice logged in");
    // End closed both sockets gracefully.
    await new Promise((r) => setTimeout(r, 20));
    expect([c.destroyed || c.readableEnded, s.destroyed || s.readableEnded]).toEqual([true, true]);
  });

  it("moves a 1 MiB message each way", async () => {
    const [c, s, stop] = await netPair();
    cleanup.push(stop);
    const [[reply, fin]] = await Promise.all([
      session(Upload, c).then((ch) => ch.send(big).recv()),
      session(dual(Upload), s).then(echoBig),
    ]);
    await fin.close();
    expectReversed(reply);
  });

  it("PeerClosedError when the peer's socket is destroyed mid-protocol", async () => {
    const [c, s, stop] = await netPair();
    cleanup.push(stop);
    const [client] = await Promise.all([session(Upload, c), session(dual(Upload), s)]);
    s.destroy();
    await expect(client.send(new Uint8Array(3)).recv()).rejects.toThrow(PeerClosedError);
  });

  it("refuses a frame over the limit on a real socket", async () => {
    const [c, s, stop] = await netPair();
    cleanup.push(stop);
    const [client, server] = await Promise.all([session(Upload, c), session(dual(Upload), s, { maxFrameBytes: 1000 })]);
    client.send(big);
    await expect(server.recv()).rejects.toThrow(FrameTooLargeError);
  });
});

describe("WHATWG { readable, writable } pairs", () => {
  it("TransformStream pair: ping-pong", async () => {
    const [a, b] = webStreamPair();
    const [replies, served] = await Promise.all([
      session(PingPong, a).then((ch) => pinger(ch, 20)),
      session(dual(PingPong), b).then(ponger),
    ]);
    expect(served).toBe(20);
    expect(replies[19]).toBe(191);
  });

  it("MessageChannel ports: the key-value store and a 1 MiB message", async () => {
    const [a, b, close] = messagePortPair();
    cleanup.push(close);
    const store = new Map<string, string>();
    const [answers] = await Promise.all([
      session(KvStore, a).then((ch) =>
        kvClient(ch, [
          { op: "put", key: "k", value: "v" },
          { op: "get", key: "k" },
        ]),
      ),
      session(dual(KvStore), b).then((ch) => kvServer(ch, store)),
    ]);
    expect(answers).toEqual([false, "v"]);

    const [c, d, close2] = messagePortPair();
    cleanup.push(close2);
    const [[reply, fin]] = await Promise.all([
      session(Upload, c).then((ch) => ch.send(big).recv()),
      session(dual(Upload), d).then(echoBig),
    ]);
    await fin.close();
    expectReversed(reply);
  });
});

describe("wirestate TCP between two stacks", () => {
  it("TcpStream's own WHATWG streams on one side, its Node Duplex on the other: 1 MiB each way", async () => {
    const net = await connectedStacks(7100);
    cleanup.push(() => net.close());
    const [[reply, fin]] = await Promise.all([
      session(Upload, net.client).then((ch) => ch.send(big).recv()),
      session(dual(Upload), toNodeDuplex(net.server)).then(echoBig),
    ]);
    await fin.close();
    expectReversed(reply);
  });
});
