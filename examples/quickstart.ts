// The README's example, kept compiling (tsc checks examples/) and running (test/examples.test.ts).
import { Stack, memoryLinkPair, type TcpStream } from "../src/api/index.js";

/** A client says hello and half-closes; the server echoes until the client's FIN, then closes. */
export async function quickstart(message: string): Promise<string> {
  const [a, b] = memoryLinkPair({ loss: 0.01, delay: 10 });
  await using server = new Stack({ address: "10.0.0.2", link: b });
  await using client = new Stack({ address: "10.0.0.1", link: a });
  await using listener = server.listen(80);

  const echoed = (async () => {
    const conn: TcpStream<"Established"> = await listener.accept();
    for (;;) {
      const r = await conn.read();
      if (r.done) return r.stream.close(); // the peer's FIN: TcpStream<"CloseWait"> -> Closed
      await conn.write(r.value);
    }
  })();

  await using conn = await client.connect("10.0.0.2", 80); // TcpStream<"Established">
  await conn.write(message);
  const half = conn.shutdown(); // TcpStream<"FinWait1">: reads only
  let reply = "";
  const decoder = new TextDecoder();
  for (;;) {
    const r = await half.read();
    if (r.done) break;
    reply += decoder.decode(r.value, { stream: true });
  }
  await echoed;
  return reply;
}
