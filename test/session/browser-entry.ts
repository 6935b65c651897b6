// Bundled by browser.test.ts for Chromium: the session examples over two wirestate stacks, and a session
// over a MessageChannel, all inside the page.
import { runKvStore } from "../../examples/session-kv-store.js";
import { Login, loginClient, loginServer } from "../../examples/session-login.js";
import { runLogin } from "../../examples/session-login.js";
import { runPingPong } from "../../examples/session-ping-pong.js";
import { dual, end, ProtocolMismatchError, send, session, u32, utf8 } from "../../src/session/index.js";
import { messagePortPair } from "./port-streams.js";

export async function run() {
  const overTcp = {
    login: await runLogin("alice", "wonderland"),
    denied: await runLogin("mallory", "x"),
    pingPong: await runPingPong(10),
    kv: await runKvStore([
      { op: "put", key: "k", value: "v" },
      { op: "get", key: "k" },
    ]),
  };
  const [a, b] = messagePortPair();
  const [client, server] = await Promise.all([
    session(Login, a).then((ch) => loginClient(ch, "alice", "wonderland")),
    session(dual(Login), b).then((ch) => loginServer(ch, new Map([["alice", "wonderland"]]))),
  ]);
  const [c, d] = messagePortPair();
  const mismatch = await Promise.allSettled([session(send(u32, end), c), session(send(utf8, end), d)]);
  return {
    secureContext: globalThis.isSecureContext,
    overTcp: JSON.parse(
      JSON.stringify(overTcp, (_, x) => (typeof x === "bigint" ? `${x}n` : x instanceof Map ? [...x] : x)),
    ),
    overPort: {
      client: { ...client, expiresAt: "expiresAt" in client ? String(client.expiresAt) : undefined },
      server,
    },
    mismatch: mismatch.map((r) => r.status === "rejected" && r.reason instanceof ProtocolMismatchError),
  };
}
