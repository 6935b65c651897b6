/**
 * Child-process programs for process-lifetime.test.ts: each runs one scenario on the real clock and
 * prints what it reached. Whether Node then exits (and how soon) is what the test checks. Every timer
 * here is unref'd or wirestate's own, so only wirestate's holds can keep the process alive.
 */
import { memoryLinkPair, Stack } from "../../../src/api/index.js";
import { toNodeDuplex } from "../../../src/api/node.js";

const say = (text: string) => process.stdout.write(`${text}\n`);

function pair(delay = 1) {
  const [a, b] = memoryLinkPair({ delay });
  return { server: new Stack({ address: "10.0.0.2", link: b }), client: new Stack({ address: "10.0.0.1", link: a }) };
}

/** The data arrives only through the link's delay (an unref'd engine timer) once the client waits. */
async function readWithLateData(unref: "stream" | "stack" | "none"): Promise<void> {
  const { server, client } = pair(400);
  const listener = server.listen(80);
  listener.unref();
  void listener.accept().then((s) => s.write("late hello"));
  const conn = await client.connect("10.0.0.2", 80);
  if (unref === "stream") conn.unref();
  if (unref === "stack") client.unref();
  say("waiting");
  conn.read().then((r) => say(r.done ? "end" : `got ${new TextDecoder().decode(r.value)}`));
}

const scenarios: Record<string, () => Promise<void>> = {
  /** A finished exchange, no stack.close(): one side sits in TIME-WAIT (60 s), which must not hold. */
  async "forgotten-close"() {
    const { server, client } = pair();
    const listener = server.listen(80);
    const served = listener.accept().then(async (s) => {
      const r = await s.read();
      if (!r.done) await s.write(r.value);
      await s.close();
    });
    {
      await using conn = await client.connect("10.0.0.2", 80);
      await conn.write("ping");
      const r = await conn.read();
      say(r.done ? "no reply" : `reply ${new TextDecoder().decode(r.value)}`);
    }
    await served;
    listener.close();
    say(`lingering ${client.connectionCount + server.connectionCount > 0}`); // TIME-WAIT, at least
  },
  "pending-read": () => readWithLateData("none"),
  "pending-read-stream-unref": () => readWithLateData("stream"),
  "pending-read-stack-unref": () => readWithLateData("stack"),
  /** An open listener holds the process until an unref'd timer closes it. */
  async listening() {
    const { server } = pair();
    const listener = server.listen(80);
    setTimeout(() => {
      listener.close();
      say("closed by timer");
    }, 300).unref();
    say("listening");
  },
  async "listening-unref"() {
    const { server } = pair();
    server.listen(80).unref();
    setTimeout(() => say("closed by timer"), 300).unref();
    say("listening");
  },
  /** A pending UDP receive() holds until a datagram arrives through the link's delay. */
  async "pending-udp-receive"() {
    const { server, client } = pair(400);
    const socket = server.udp({ port: 9000 });
    socket.receive().then((m) => say(m === null ? "closed" : `got ${new TextDecoder().decode(m.data)}`));
    client.udp().send("late datagram", "10.0.0.2", 9000);
    say("waiting");
  },
  /** The same with the socket unref'd: the process exits before the datagram arrives. */
  async "pending-udp-receive-unref"() {
    const { server, client } = pair(400);
    const socket = server.udp({ port: 9000 });
    socket.unref();
    socket.receive().then((m) => say(m === null ? "closed" : `got ${new TextDecoder().decode(m.data)}`));
    client.udp().send("late datagram", "10.0.0.2", 9000);
    say("waiting");
  },
  /** An open Duplex holds like a socket; unref() releases it, as http.Agent does to idle sockets. */
  async "open-duplex"() {
    const { server, client } = pair();
    server.listen(80).unref();
    const d = toNodeDuplex(client.connect("10.0.0.2", 80));
    d.on("connect", () => say("connected"));
    setTimeout(() => {
      say("still open");
      d.destroy();
    }, 300).unref();
  },
  async "open-duplex-unref"() {
    const { server, client } = pair();
    server.listen(80).unref();
    const d = toNodeDuplex(client.connect("10.0.0.2", 80)).unref();
    d.on("connect", () => say("connected"));
    setTimeout(() => say("still open"), 300).unref();
  },
};

const name = process.argv[2];
const run = scenarios[name];
if (run === undefined) throw new Error(`no scenario ${name}`);
await run();
