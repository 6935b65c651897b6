// A ping-pong loop: the client chooses `ping` (a number out, the same number plus one back) or `quit`.
// The loop variable keeps one type, `Chan<PingPong>`, round after round.
import { dual, end, rec, recv, select, send, session, u32, v, type Chan, type Dual } from "../src/session/index.js";
import { connectedStacks } from "./session-stacks.js";

export const PingPong = rec("round", select({ ping: send(u32, recv(u32, v("round"))), quit: end }));
export type PingPong = typeof PingPong;

export async function pinger(start: Chan<PingPong>, rounds: number): Promise<number[]> {
  const replies: number[] = [];
  let ch = start;
  for (let i = 0; i < rounds; i++) {
    const [reply, next] = await ch
      .select("ping")
      .send(i * 10)
      .recv();
    replies.push(reply);
    ch = next;
  }
  await ch.select("quit").close();
  return replies;
}

export async function ponger(start: Chan<Dual<PingPong>>): Promise<number> {
  let ch = start;
  let rounds = 0;
  for (;;) {
    const turn = await ch.offer();
    switch (turn.label) {
      case "ping": {
        const [n, reply] = await turn.chan.recv();
        ch = reply.send(n + 1);
        rounds++;
        break;
      }
      case "quit":
        await turn.chan.close();
        return rounds;
    }
  }
}

export async function runPingPong(rounds: number): Promise<{ replies: number[]; served: number }> {
  const net = await connectedStacks();
  try {
    const [replies, served] = await Promise.all([
      session(PingPong, net.client).then((ch) => pinger(ch, rounds)),
      session(dual(PingPong), net.server).then(ponger),
    ]);
    return { replies, served };
  } finally {
    net.close();
  }
}
