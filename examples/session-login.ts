// The login protocol: the client sends a username and a password; the server selects `ok` with a grant
// or `denied` with a reason. One value defines it; the server's side is its dual.
import {
  dual,
  end,
  offer,
  recv,
  send,
  session,
  struct,
  u64,
  utf8,
  type Chan,
  type Dual,
} from "../src/session/index.js";
import { connectedStacks } from "./session-stacks.js";

export const Grant = struct({ token: utf8, expiresAt: u64 });
export const Login = send(utf8, send(utf8, offer({ ok: recv(Grant, end), denied: recv(utf8, end) })));
export type Login = typeof Login;

export type LoginResult = { ok: true; token: string; expiresAt: bigint } | { ok: false; reason: string };

export async function loginClient(ch: Chan<Login>, user: string, password: string): Promise<LoginResult> {
  const answer = ch.send(user).send(password);
  return answer.offer<LoginResult>({
    ok: async (granted) => {
      const [grant, done] = await granted.recv();
      await done.close();
      return { ok: true, ...grant };
    },
    denied: async (refused) => {
      const [reason, done] = await refused.recv();
      await done.close();
      return { ok: false, reason };
    },
  });
}

export async function loginServer(ch: Chan<Dual<Login>>, passwords: ReadonlyMap<string, string>): Promise<string> {
  const [user, next] = await ch.recv();
  const [password, decide] = await next.recv();
  if (passwords.get(user) === password) {
    await decide
      .select("ok")
      .send({ token: `token-for-${user}`, expiresAt: 1_700_000_000_000n })
      .close();
    return `${user} logged in`;
  }
  await decide.select("denied").send("unknown user or wrong password").close();
  return `${user} refused`;
}

/** Runs one login between two wirestate stacks. */
export async function runLogin(user: string, password: string): Promise<{ client: LoginResult; server: string }> {
  const net = await connectedStacks();
  try {
    const passwords = new Map([["alice", "wonderland"]]);
    const [client, server] = await Promise.all([
      session(Login, net.client).then((ch) => loginClient(ch, user, password)),
      session(dual(Login), net.server).then((ch) => loginServer(ch, passwords)),
    ]);
    return { client, server };
  } finally {
    net.close();
  }
}
