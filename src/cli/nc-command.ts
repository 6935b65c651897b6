import { once } from "node:events";
import { isIP } from "node:net";
import { PassThrough } from "node:stream";
import { finished } from "node:stream/promises";
import type { Stack, TcpStream, UdpSocket } from "../api/index.js";
import { toNodeDuplex } from "../api/node.js";
import { numberFlag, parseArgs } from "./args.js";
import { UsageError } from "./errors.js";
import { settleClosing } from "./graceful.js";
import type { CliIo } from "./io.js";
import { DNS_FLAG, DNS_HELP, openTunnelStack, TUNNEL_FLAGS, TUNNEL_HELP, TUNNEL_SWITCHES } from "./tunnel-stack.js";

export const NC_HELP = `wirestate nc [-u] [-l] HOST PORT --tunnel BIND=PEER --address ADDR [--dns SERVER]

netcat on the userspace stack: stdin goes to the peer, what the peer sends goes to stdout. TCP by
default, UDP with -u; connects to HOST:PORT, or with -l listens on PORT (HOST, if given, must be this
stack's address) for one peer. TCP ends when the peer closes (stdin's end is sent as a FIN first); UDP
ends --wait seconds after stdin ends with nothing more arriving, or on an ICMP error (a closed port is
"port unreachable"). -l with -u answers whoever sent the first datagram, and runs until interrupted.

${TUNNEL_HELP}
${DNS_HELP}
  -u, --udp            UDP instead of TCP
  -l, --listen         listen instead of connecting
  -w, --wait SECONDS   UDP: how long to wait for replies after stdin ends (default 1)`;

/** `wirestate nc`. */
export async function ncCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs("nc", argv, {
    values: [...TUNNEL_FLAGS, DNS_FLAG, "wait"],
    switches: [...TUNNEL_SWITCHES, "udp", "listen"],
    short: { u: "udp", l: "listen", w: "wait" },
    positional: 2, // HOST PORT, or [HOST] PORT with --listen
  });
  const listen = parsed.switches.has("listen");
  const [host, portText, extra] =
    listen && parsed.positional.length === 1 ? [undefined, ...parsed.positional] : parsed.positional;
  if (portText === undefined || extra !== undefined || (!listen && host === undefined))
    throw new UsageError("nc", listen ? "give [HOST] PORT" : "give HOST PORT");
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError("nc", `PORT must be an integer from 1 to 65535, got "${portText}"`);
  const wait = numberFlag("nc", parsed, "wait", 1, 0, 3600, true) * 1000;
  const payload = Number(parsed.flags.get("mtu") ?? 1500) - 28;
  const { stack, close } = await openTunnelStack("nc", parsed);
  try {
    if (listen && host !== undefined && host !== stack.address && host !== "0.0.0.0")
      throw new UsageError("nc", `-l listens on this stack's address ${stack.address}, not ${host}`);
    const stdin = io.stdin ?? new PassThrough().end();
    if (parsed.switches.has("udp")) {
      if (listen) await udpListen(stack, port, stdin, io, payload);
      else await udpConnect(stack, await address(stack, host as string), port, stdin, io, payload, wait);
    } else {
      const stream = listen
        ? await accept(stack, port, io)
        : await stack.connect(await address(stack, host as string), port);
      if (stream !== null) await tcpPipe(stream, stdin, io);
    }
    return 0;
  } finally {
    await close();
  }
}

async function address(stack: Stack, host: string): Promise<string> {
  return isIP(host) !== 0 ? host : (await stack.resolve(host)).addresses[0];
}

/** The first connection to `port`, or null when interrupted first. */
async function accept(stack: Stack, port: number, io: CliIo): Promise<TcpStream<"Established"> | null> {
  const listener = stack.listen(port);
  io.stderr.write(`listening on ${stack.address}:${port}\n`);
  const stop = () => listener.close();
  io.signal.addEventListener("abort", stop, { once: true });
  try {
    return await listener.accept();
  } catch {
    return null; // closed by the signal
  } finally {
    io.signal.removeEventListener("abort", stop);
    listener.close();
  }
}

/** stdin to the peer (its end as our FIN), the peer to stdout, until the peer closes its side. */
async function tcpPipe(stream: TcpStream<"Established">, stdin: NodeJS.ReadableStream, io: CliIo): Promise<void> {
  const socket = toNodeDuplex(stream);
  stdin.pipe(socket);
  socket.pipe(io.stdout, { end: false });
  const stop = () => socket.destroy();
  io.signal.addEventListener("abort", stop, { once: true });
  try {
    await finished(socket, { writable: false });
  } catch {
    // Interrupted, or reset by the peer: nothing more to copy either way.
  } finally {
    io.signal.removeEventListener("abort", stop);
  }
  stdin.unpipe(socket);
  if (!socket.writableEnded) socket.end();
  await settleClosing([socket]);
}

/** Sends `chunk` as datagrams of at most `max` bytes each. */
function sendChunks(send: (d: Uint8Array) => void, chunk: Uint8Array, max: number): void {
  for (let at = 0; at < chunk.length; at += max) send(chunk.subarray(at, at + max));
}

async function udpConnect(
  stack: Stack,
  host: string,
  port: number,
  stdin: NodeJS.ReadableStream,
  io: CliIo,
  max: number,
  wait: number,
): Promise<void> {
  const socket = stack.udp().connect(host, port);
  let last = Date.now();
  const reading = (async () => {
    for await (const m of socket) {
      last = Date.now();
      io.stdout.write(m.data);
    }
  })();
  stdin.on("data", (chunk: Buffer) => sendChunks((d) => socket.send(d), chunk, max));
  // Until stdin ended and `wait` passed without a datagram, an ICMP error, or the signal.
  const quiet = (async () => {
    await once(stdin, "end");
    while (!io.signal.aborted && Date.now() - last < wait) await new Promise((r) => setTimeout(r, 20));
  })();
  const aborted = new Promise<void>((r) => io.signal.addEventListener("abort", () => r(), { once: true }));
  try {
    await Promise.race([reading, quiet, aborted]);
  } finally {
    stdin.removeAllListeners("data");
    socket.close();
  }
  // A receive that failed (port unreachable) is the command's error.
  await reading;
}

async function udpListen(
  stack: Stack,
  port: number,
  stdin: NodeJS.ReadableStream,
  io: CliIo,
  max: number,
): Promise<void> {
  const socket: UdpSocket<"Unconnected"> = stack.udp({ port });
  io.stderr.write(`listening on UDP ${stack.address}:${port}\n`);
  const aborted = new Promise<null>((r) => io.signal.addEventListener("abort", () => r(null), { once: true }));
  const first = await Promise.race([socket.receive(), aborted]);
  if (first === null) {
    socket.close();
    return;
  }
  io.stdout.write(first.data);
  const peer = socket.connect(first.address, first.port);
  stdin.on("data", (chunk: Buffer) => sendChunks((d) => peer.send(d), chunk, max));
  const reading = (async () => {
    for await (const m of peer) io.stdout.write(m.data);
  })();
  await Promise.race([reading, aborted]);
  stdin.removeAllListeners("data");
  peer.close();
  await reading;
}
