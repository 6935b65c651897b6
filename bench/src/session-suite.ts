/**
 * The session layer's benchmark, in one process over an in-memory byte stream pair: a one-way message
 * loop (select + send of a u32 per item, the peer offering and receiving), the same frames written and
 * read by hand with the bare framing (what the protocol monitor and the per-step channels cost), and
 * ping-pong round trips. Rates are per CPU-second (see measure.ts), medians of interleaved runs.
 */
import { median } from "./measure.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";
import { encodeFrame, FrameReader, Tag } from "../../src/session/frame.js";
import {
  drained,
  dual,
  end,
  memoryStreamPair,
  rec,
  recv,
  select,
  send,
  session,
  u32,
  v,
} from "../../src/session/index.js";

const Stream = rec("s", select({ item: send(u32, v("s")), done: recv(u32, end) }));
const PingPong = rec("r", select({ ping: send(u32, recv(u32, v("r"))), quit: end }));

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function perCpuSecond(units: number, work: () => Promise<void>): Promise<number> {
  const t0 = cpuSeconds();
  await work();
  return units / (cpuSeconds() - t0);
}

/** Items through the typed loop; the receiver counts them and says how many it saw. */
function sessionLoop(n: number): Promise<number> {
  return perCpuSecond(n, async () => {
    const [a, b] = memoryStreamPair();
    const [c, s] = await Promise.all([session(Stream, a), session(dual(Stream), b)]);
    const consumer = (async () => {
      let ch = s;
      for (let k = 0; ; k++) {
        const o = await ch.offer();
        if (o.label === "done") return o.chan.send(k).close();
        ch = (await o.chan.recv())[1];
      }
    })();
    let ch = c;
    for (let i = 0; i < n; i++) {
      ch = ch.select("item").send(i);
      if (i % 1000 === 999) await drained(ch);
    }
    const [seen, fin] = await ch.select("done").recv();
    await Promise.all([fin.close(), consumer]);
    if (seen !== n) throw new Error(`session loop: ${seen} of ${n} items arrived`);
  });
}

/** The same frames by hand: a choice frame and a u32 message per item, checked and decoded on arrival. */
function rawLoop(n: number): Promise<number> {
  return perCpuSecond(n, async () => {
    const [a, b] = memoryStreamPair();
    const label = new TextEncoder().encode("item");
    const reader = new FrameReader(b, 1 << 20);
    const consumer = (async () => {
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const choice = await reader.next();
        if (choice?.tag !== Tag.choice || choice.payload.length !== label.length)
          throw new Error("raw loop: bad choice frame");
        const msg = await reader.next();
        if (msg?.tag !== Tag.message || msg.payload.length !== 4) throw new Error("raw loop: bad message frame");
        sum += new DataView(msg.payload.buffer, msg.payload.byteOffset, 4).getUint32(0);
      }
      return sum;
    })();
    const batch: Uint8Array[] = [];
    const value = new Uint8Array(4);
    for (let i = 0; i < n; i++) {
      new DataView(value.buffer).setUint32(0, i);
      batch.push(encodeFrame(Tag.choice, label), encodeFrame(Tag.message, value));
      if (i % 1000 === 999 || i === n - 1) {
        const bytes = new Uint8Array(batch.reduce((t, f) => t + f.length, 0));
        let at = 0;
        for (const f of batch.splice(0)) {
          bytes.set(f, at);
          at += f.length;
        }
        await a.write(bytes);
      }
    }
    if ((await consumer) !== (n * (n - 1)) / 2) throw new Error("raw loop: wrong sum");
  });
}

function pingPong(rounds: number): Promise<number> {
  return perCpuSecond(rounds, async () => {
    const [a, b] = memoryStreamPair();
    const [c, s] = await Promise.all([session(PingPong, a), session(dual(PingPong), b)]);
    const server = (async () => {
      let ch = s;
      for (;;) {
        const o = await ch.offer();
        if (o.label === "quit") return o.chan.close();
        const [x, reply] = await o.chan.recv();
        ch = reply.send(x + 1);
      }
    })();
    let ch = c;
    for (let i = 0; i < rounds; i++) {
      const [y, next] = await ch.select("ping").send(i).recv();
      if (y !== i + 1) throw new Error("ping-pong: wrong reply");
      ch = next;
    }
    await Promise.all([ch.select("quit").close(), server]);
  });
}

const suite: BenchSuite = {
  name: "session",
  targets: [
    {
      figure: "session.loop.msgs_per_cpu_second",
      atLeast: 100_000,
      what: "typed message loop >= 100k messages per CPU-second",
    },
    {
      figure: "session.loop.ratio_vs_raw_framing",
      atLeast: 0.5,
      what: "typed loop >= half the rate of hand-rolled framing",
    },
  ],
  async run(o: BenchOptions): Promise<Figure[]> {
    const runs = o.quick ? 1 : 7;
    const n = o.quick ? 20_000 : 200_000;
    const rounds = o.quick ? 2_000 : 20_000;
    await sessionLoop(10_000); // warm-up
    await rawLoop(10_000);
    const typed: number[] = [];
    const raw: number[] = [];
    const ratios: number[] = [];
    const pings: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = await sessionLoop(n);
      const r = await rawLoop(n);
      typed.push(t);
      raw.push(r);
      ratios.push(t / r);
      pings.push(await pingPong(rounds));
    }
    o.log(
      `typed loop ${typed.map((x) => (x / 1000).toFixed(0)).join(", ")} k/s; raw ${raw.map((x) => (x / 1000).toFixed(0)).join(", ")} k/s (${n} items, ${runs} interleaved runs)`,
    );
    return [
      { name: "session.loop.msgs_per_cpu_second", value: median(typed), unit: "msg/s-cpu" },
      { name: "session.raw_framing.msgs_per_cpu_second", value: median(raw), unit: "msg/s-cpu" },
      { name: "session.loop.ratio_vs_raw_framing", value: median(ratios), unit: "x" },
      { name: "session.ping_pong.rounds_per_cpu_second", value: median(pings), unit: "round/s-cpu" },
    ];
  },
};

export default suite;
