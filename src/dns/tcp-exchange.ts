import { parseDnsMessage } from "../wire/dns-parse.js";
import type { DnsMessage } from "../wire/dns-types.js";
import type { ExchangeConfig, Failure, Server } from "./exchange-config.js";
import { FrameReader, frameMessage } from "./tcp-frames.js";
import type { StreamConnection } from "./transport.js";

/** One query over a fresh TCP connection, bounded by the timeout from connect to the last byte. */
export async function tcpExchange(
  config: ExchangeConfig,
  server: Server,
  query: Uint8Array,
  answers: (m: DnsMessage) => boolean,
): Promise<DnsMessage | Failure> {
  config.counters.tcpQueries++;
  let conn: StreamConnection | null = null;
  let finished = false;
  let timer: { cancel(): void } | null = null;
  let unregister = () => {};
  const stop = (): void => {
    finished = true;
    timer?.cancel();
    unregister();
  };
  const deadline = new Promise<Failure>((resolve) => {
    timer = config.clock.schedule(config.timeout, () => {
      finished = true;
      conn?.abort();
      resolve({ kind: "timeout" });
    });
    unregister = config.onClose(() => {
      finished = true;
      conn?.abort();
      resolve({ kind: "closed" });
    });
  });
  const work = (async (): Promise<DnsMessage | Failure> => {
    const c = await config.tcp!(server.address, server.port);
    if (finished) {
      c.abort();
      return { kind: "timeout" };
    }
    conn = c;
    await c.write(frameMessage(query));
    const frames = new FrameReader();
    for (;;) {
      const r = await c.read();
      if (r.done) {
        void r.stream.close().catch(() => {});
        return {
          kind: "stream",
          cause: new Error(`the server closed the connection ${frames.buffered} bytes into a message`),
        };
      }
      const [first] = frames.push(r.value);
      if (first === undefined) continue;
      // One query per connection, so the first message is the answer or the server is broken.
      void c.close().catch(() => {});
      const parsed = parseDnsMessage(first);
      if (!parsed.ok) return { kind: "stream", cause: new Error(`unparseable answer over TCP: ${parsed.reason}`) };
      if (!answers(parsed.message))
        return { kind: "stream", cause: new Error("the answer over TCP is not to our question") };
      return parsed.message;
    }
  })().catch((cause: unknown): Failure => ({ kind: "stream", cause }));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    stop();
  }
}
