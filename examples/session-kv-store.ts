// A key-value store with a recursive command loop: the client picks get, put, delete or bye; each command
// has its own message shapes, and after each the loop starts over.
import {
  bool,
  dual,
  end,
  optional,
  rec,
  recv,
  select,
  send,
  session,
  struct,
  utf8,
  v,
  type Chan,
  type Dual,
} from "../src/session/index.js";
import { connectedStacks } from "./session-stacks.js";

export const KvStore = rec(
  "command",
  select({
    get: send(utf8, recv(optional(utf8), v("command"))),
    put: send(struct({ key: utf8, value: utf8 }), recv(bool, v("command"))), // true when a value was replaced
    delete: send(utf8, recv(bool, v("command"))), // true when the key existed
    bye: end,
  }),
);
export type KvStore = typeof KvStore;

export type Command =
  | { op: "get"; key: string }
  | { op: "put"; key: string; value: string }
  | { op: "delete"; key: string };

/** Sends each command in turn and collects the answers. */
export async function kvClient(
  start: Chan<KvStore>,
  commands: readonly Command[],
): Promise<(string | boolean | undefined)[]> {
  const answers: (string | boolean | undefined)[] = [];
  let ch = start;
  for (const c of commands) {
    switch (c.op) {
      case "get": {
        const [value, next] = await ch.select("get").send(c.key).recv();
        answers.push(value);
        ch = next;
        break;
      }
      case "put": {
        const [replaced, next] = await ch.select("put").send({ key: c.key, value: c.value }).recv();
        answers.push(replaced);
        ch = next;
        break;
      }
      case "delete": {
        const [existed, next] = await ch.select("delete").send(c.key).recv();
        answers.push(existed);
        ch = next;
        break;
      }
    }
  }
  await ch.select("bye").close();
  return answers;
}

/** Serves commands until the client says bye; every label has a handler or this does not compile. */
export async function kvServer(start: Chan<Dual<KvStore>>, store: Map<string, string>): Promise<number> {
  let served = 0;
  let ch: Chan<Dual<KvStore>> | undefined = start;
  while (ch) {
    ch = await ch.offer<Chan<Dual<KvStore>> | undefined>({
      get: async (c) => {
        const [key, reply] = await c.recv();
        return reply.send(store.get(key));
      },
      put: async (c) => {
        const [{ key, value }, reply] = await c.recv();
        const replaced = store.has(key);
        store.set(key, value);
        return reply.send(replaced);
      },
      delete: async (c) => {
        const [key, reply] = await c.recv();
        return reply.send(store.delete(key));
      },
      bye: async (c) => {
        await c.close();
        return undefined;
      },
    });
    served++;
  }
  return served - 1;
}

export async function runKvStore(
  commands: readonly Command[],
): Promise<{ answers: (string | boolean | undefined)[]; store: Map<string, string>; served: number }> {
  const net = await connectedStacks();
  try {
    const store = new Map<string, string>();
    const [answers, served] = await Promise.all([
      session(KvStore, net.client).then((ch) => kvClient(ch, commands)),
      session(dual(KvStore), net.server).then((ch) => kvServer(ch, store)),
    ]);
    return { answers, store, served };
  } finally {
    net.close();
  }
}
