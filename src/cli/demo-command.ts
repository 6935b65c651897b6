import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { RealClock } from "../clock/index.js";
import { Stack, type StateEvent } from "../api/index.js";
import { memoryLinkPair } from "../link/index.js";
import { Prng } from "../link/prng.js";
import { NodeFileSink } from "../pcap/node.js";
import { PcapngWriter } from "../pcap/index.js";
import { dual, end, recv, send, session, u16, u32, utf8 } from "../session/index.js";
import type { ConnectionInfo } from "../tcp/types.js";
import { numberFlag, type Parsed, parseArgs, probabilityFlag } from "./args.js";
import { CliError, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import { formatBytes, LossTally, ProgressBar } from "./progress.js";

export const DEMO_HELP = `wirestate demo [--bytes 2M] [--loss 0.01] [--delay 20] [--seed 1] [--capture captures/demo.pcapng]

Two userspace TCP stacks in this process, joined by an in-memory wire that loses, delays and reorders
packets. The client asks for a transfer through a session-typed exchange (the server answers with the
payload's SHA-256 and a port), then downloads it while a progress bar runs, checks the hash, and prints
what TCP did: goodput, retransmissions, SRTT, the RFC 9293 state transitions it went through. Every packet
the client sends and receives goes to a pcapng capture whose comments carry the engine's events.

  --bytes N         bulk transfer size; K, M, G suffixes are KiB, MiB, GiB (default 2M)
  --loss P          share of packets lost in each direction: 0..1, or a percentage like 5% (default 0.01)
  --delay MS        one-way delay (default 20; 10% jitter)
  --seed N          impairment and payload seed: the same seed loses the same packets (default 1)
  --capture FILE    where the capture goes (default captures/demo.pcapng)`;

/** The session-typed exchange that plans the transfer: size in, payload hash and bulk port out. */
const Plan = send(u32, recv(utf8, recv(u16, end)));

const CLIENT = "10.0.0.1";
const SERVER = "10.0.0.2";
const PLAN_PORT = 7;
const BULK_PORT = 9;
const REORDER = 0.005;

export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs("demo", argv, { values: ["bytes", "loss", "delay", "seed", "capture"] });
  const bytes = sizeFlag(parsed, "bytes", 2 << 20);
  const loss = probabilityFlag("demo", parsed, "loss", 0.01);
  const delay = numberFlag("demo", parsed, "delay", 20, 0, 10_000, true);
  const seed = numberFlag("demo", parsed, "seed", 1, 0, 2 ** 32 - 1);
  const capturePath = parsed.flags.get("capture") ?? "captures/demo.pcapng";
  let writer: PcapngWriter;
  try {
    mkdirSync(dirname(capturePath), { recursive: true });
    writer = new PcapngWriter(new NodeFileSink(capturePath), { interfaceName: `client ${CLIENT}` });
  } catch (err) {
    throw new CliError(`cannot write the capture ${capturePath}: ${(err as Error).message}`);
  }

  const clock = new RealClock();
  const [clientEnd, serverEnd] = memoryLinkPair({ clock, seed, loss, delay, jitter: delay / 10, reorder: REORDER });
  const client = new Stack({ address: CLIENT, link: clientEnd, clock, capture: writer });
  const server = new Stack({ address: SERVER, link: serverEnd, clock });
  // Every RFC 9293 transition either side went through, in first-seen order, for the summary.
  const transitions = new Map<string, number>();
  const countTransition = ({ from, to }: StateEvent): void => {
    const key = `${from} -> ${to}`;
    transitions.set(key, (transitions.get(key) ?? 0) + 1);
  };
  client.events.on("state", countTransition);
  server.events.on("state", countTransition);
  const out = (line: string) => io.stdout.write(`${line}\n`);
  try {
    out(
      `wirestate demo: ${CLIENT} <-> ${SERVER} over an in-memory wire: ${+(loss * 100).toFixed(3)}% loss, ` +
        `${delay} ms delay (+/- ${+(delay / 10).toFixed(1)} ms), ${REORDER * 100}% reordering, seed ${seed}`,
    );
    const serving = serve(server, seed);
    serving.catch(() => {}); // awaited below; on an earlier failure the stacks' close ends it

    // The session-typed plan: the compiler allows exactly send(u32), recv(utf8), recv(u16), close here.
    const plan = await session(Plan, await client.connect(SERVER, PLAN_PORT));
    const [announced, next] = await plan.send(bytes).recv();
    const [port, fin] = await next.recv();
    await fin.close();
    out(
      `session  Plan: asked for ${formatBytes(bytes)}; the server announced sha256 ${announced.slice(0, 16)}... and port ${port}`,
    );

    const started = clock.now();
    const bulk = await client.connect(SERVER, port);
    const hash = createHash("sha256");
    let received = 0;
    const bar = new ProgressBar(io.stderr, bytes);
    // The server sends the bulk data: its timeouts and recoveries are the ones loss causes.
    const tally = new LossTally(server.events);
    // Reading to the end consumes `bulk` (typestate): from then on the CloseWait handle speaks for it.
    let current: { info(): ConnectionInfo } = bulk;
    const draw = () => {
      const seconds = (clock.now() - started) / 1000;
      bar.update(
        received,
        `${formatBytes(received)} / ${formatBytes(bytes)}  ${mbits(received, seconds)} Mbit/s  srtt ${ms(current.info().srtt)}  ${tally}`,
      );
    };
    const ticker = setInterval(draw, 100);
    let result = await bulk.read();
    while (!result.done) {
      hash.update(result.value);
      received += result.value.length;
      result = await bulk.read();
    }
    current = result.stream;
    clearInterval(ticker);
    draw();
    bar.finish();
    const seconds = (clock.now() - started) / 1000;
    const clientInfo = result.stream.info();
    await result.stream.close();
    const sender = await serving;
    const digest = hash.digest("hex");

    out(
      `transfer ${formatBytes(received)} in ${seconds.toFixed(2)} s: ${mbits(received, seconds)} Mbit/s goodput; ` +
        (digest === announced ? "sha256 matches the announced one" : `sha256 MISMATCH: got ${digest}`),
    );
    out(
      `sender   ${sender.retransmits} segments retransmitted (${sender.fastRetransmits} fast retransmits, ${sender.timeouts} timeouts), ` +
        `srtt ${ms(sender.srtt)}, rto ${Math.round(sender.rto)} ms, final cwnd ${formatBytes(sender.cwnd)}`,
    );
    out(`receiver ${clientInfo.segmentsReceived} segments in, ${clientInfo.segmentsSent} out`);
    const up = clientEnd.counters.tx;
    const down = serverEnd.counters.tx;
    out(
      `wire     client->server ${up.sent} packets, ${up.dropped.loss} lost, ${up.reordered} reordered; ` +
        `server->client ${down.sent} packets, ${down.dropped.loss} lost, ${down.reordered} reordered`,
    );
    out(`states   ${[...transitions].map(([t, n]) => (n > 1 ? `${t} (x${n})` : t)).join(", ")}`);
    client.close();
    server.close();
    await writer.close();
    out(
      `capture  ${capturePath}: ${writer.packets} packets as the client saw them, with the engine's events as comments`,
    );
    out(`         open it with: wireshark ${capturePath}    or: tshark -r ${capturePath} -V | less`);
    return digest === announced && received === bytes ? 0 : 1;
  } finally {
    client.close();
    server.close();
    await writer.close().catch(() => {});
  }
}

/** The server: answers the plan, then sends the payload on the bulk port and closes. */
async function serve(stack: Stack, seed: number): Promise<ConnectionInfo> {
  const planListener = stack.listen(PLAN_PORT);
  const bulkListener = stack.listen(BULK_PORT);
  const plan = await session(dual(Plan), await planListener.accept());
  const [size, reply] = await plan.recv();
  const hash = createHash("sha256");
  for (const chunk of payload(seed, size)) hash.update(chunk);
  await reply.send(hash.digest("hex")).send(BULK_PORT).close();
  const bulk = await bulkListener.accept();
  for (const chunk of payload(seed, size)) await bulk.write(chunk);
  const closed = await bulk.close();
  planListener.close();
  bulkListener.close();
  return closed.info();
}

/** `size` pseudo-random bytes from `seed`, in 64 KiB chunks: the same every time, hashed on both sides. */
function* payload(seed: number, size: number): Generator<Uint8Array> {
  const rng = new Prng(seed, 0x5eed);
  for (let at = 0; at < size; at += 1 << 16) {
    const chunk = new Uint8Array(Math.min(1 << 16, size - at));
    for (let i = 0; i < chunk.length; i += 4) {
      const x = rng.uint32();
      for (let j = 0; j < 4 && i + j < chunk.length; j++) chunk[i + j] = x >>> (8 * j);
    }
    yield chunk;
  }
}

function mbits(bytes: number, seconds: number): string {
  return seconds > 0 ? ((bytes * 8) / seconds / 1e6).toFixed(1) : "-";
}

function ms(value: number | undefined): string {
  return value === undefined ? "-" : `${value.toFixed(1)} ms`;
}

function sizeFlag(parsed: Parsed, name: string, fallback: number): number {
  const text = parsed.flags.get(name);
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  const value = m === null ? Number.NaN : Math.round(Number(m[1]) * 1024 ** " KMG".indexOf(m[2].toUpperCase() || " "));
  if (!(value >= 0 && value <= 0xffffffff))
    throw new UsageError("demo", `--${name} must be a size like 4M, 512K or 1000 (at most 4G - 1), got "${text}"`);
  return value;
}
