import {
  type Chan,
  type Dual,
  dual,
  end,
  rec,
  recv,
  select,
  send,
  session,
  type Transport,
  u32,
  utf8,
  v,
} from "../../../src/session/index.js";

/**
 * The protocol both peers speak in the session interop test: the client adds numbers, has lines echoed
 * (upper-cased) along the way, and finally receives the total.
 */
export const Tally = rec(
  "loop",
  select({ add: send(u32, v("loop")), echo: send(utf8, recv(utf8, v("loop"))), done: recv(u32, end) }),
);

/** The selecting side: returns the total and the echoed lines. */
export async function tallyClient(
  transport: Transport,
  numbers: number[],
  lines: string[],
): Promise<{ total: number; echoed: string[] }> {
  let ch: Chan<typeof Tally> = await session(Tally, transport);
  const echoed: string[] = [];
  for (let i = 0; i < Math.max(numbers.length, lines.length); i++) {
    if (i < numbers.length) ch = ch.select("add").send(numbers[i]);
    if (i < lines.length) {
      const [line, next] = await ch.select("echo").send(lines[i]).recv();
      echoed.push(line);
      ch = next;
    }
  }
  const [total, fin] = await ch.select("done").recv();
  await fin.close();
  return { total, echoed };
}

/** The offering side: returns what it summed and how many lines it echoed. */
export async function tallyServer(transport: Transport): Promise<{ total: number; lines: number }> {
  let ch: Chan<Dual<typeof Tally>> = await session(dual(Tally), transport);
  let total = 0;
  let lines = 0;
  for (;;) {
    const o = await ch.offer();
    if (o.label === "add") {
      const [x, next] = await o.chan.recv();
      total = (total + x) >>> 0;
      ch = next;
    } else if (o.label === "echo") {
      const [line, next] = await o.chan.recv();
      lines++;
      ch = next.send(line.toUpperCase());
    } else {
      await o.chan.send(total).close();
      return { total, lines };
    }
  }
}
