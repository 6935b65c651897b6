// Mixing up the two sides of a protocol, and loops.
import { session, type Chan, type Dual, type ByteStream } from "../../../src/session/index.js";
import { Login, Ping, Sum, adder, client } from "./protocols.js";

declare const t: ByteStream;

function serve(ch: Chan<Dual<typeof Login>>): void {
  void ch;
}

export async function wrongRoles(): Promise<void> {
  // @ts-expect-error the client protocol's channel is not the server's
  const s: Chan<Dual<typeof Login>> = await session(Login, t);
  void s;
  // @ts-expect-error handing the client's channel to the server code
  serve(client);
  // @ts-expect-error a protocol is not its own dual
  const d: Dual<typeof Ping> = Ping;
  void d;
  let ch: Chan<typeof Sum> = await session(Sum, t);
  for (let i = 0; i < 3; i++) ch = ch.select("more").send(i);
  // @ts-expect-error the loop variable stays at the loop head: done leads elsewhere
  ch = ch.select("done");
  // @ts-expect-error a select step is not an offer step
  const server: Chan<Dual<typeof Sum>> = ch;
  void server;
  void adder;
}

declare const dynamic: import("../../../src/session/index.js").DynamicChan;

export function unnarrowed(): void {
  // @ts-expect-error a DynamicChan has no send until `step` says it is a send step
  dynamic.send(1);
  if (dynamic.step === "recv") {
    // @ts-expect-error narrowed to a receive step: still no send
    dynamic.send(1);
  }
}
