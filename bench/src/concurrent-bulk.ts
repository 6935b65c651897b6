/**
 * The scale suite's transfer (scale-suite.ts): concurrent bulk connections between one pair of IpStacks,
 * run by count in processes of their own (scale-paths.ts), and by `scripts/ab-bulk.mjs`.
 */
import { CHUNK, stacks, stopwatch, type Timed } from "./engine-bulk.js";

/**
 * `connections` connections a->b at once, `total` bytes split evenly over them. Timed from the moment
 * the last handshake completes (every client starts writing then) until the last receiver sees its FIN:
 * the handshakes are the connections suite's figure, not this one's.
 */
export function concurrentBulk(connections: number, total: number): Promise<Timed> {
  const { a, b } = stacks(1500);
  const each = Math.floor(total / connections);
  const source = new Uint8Array(CHUNK).map((_, i) => i & 255);
  const into = new Uint8Array(CHUNK);
  return new Promise<Timed>((resolve, reject) => {
    const listener = b.listen(5301, { backlog: connections });
    let stop: ((units: number) => Timed) | null = null;
    let ended = 0;
    let received = 0;
    listener.onConnection = () => {
      for (let s = listener.accept(); s !== null; s = listener.accept()) {
        const server = s;
        let mine = 0;
        server.events.onReadable = () => {
          for (let n = server.readInto(into); n > 0; n = server.readInto(into)) mine += n;
          if (!server.readEnded) return;
          server.events.onReadable = undefined;
          server.shutdown();
          if (mine !== each) return reject(new Error(`a connection received ${mine} of ${each} bytes`));
          received += mine;
          if (++ended === connections) resolve(stop!(received * 8));
        };
      }
    };
    const clients = Array.from({ length: connections }, () => a.connect("10.0.0.2", 5301));
    let established = 0;
    for (const client of clients) {
      let sent = 0;
      const fill = () => {
        if (stop === null) return; // not before every handshake is done
        while (sent < each) {
          const n = client.write(source.subarray(0, Math.min(CHUNK, each - sent)));
          if (n === 0) return;
          sent += n;
        }
        client.events.onWritable = undefined;
        client.shutdown();
      };
      client.events.onError = (r) => reject(new Error(`bulk connection failed: ${r}`));
      client.events.onStateChange = (_from, to) => {
        if (to !== "ESTABLISHED" || ++established < connections) return;
        stop = stopwatch();
        for (const c of clients) c.events.onWritable?.();
      };
      client.events.onWritable = fill;
    }
  }).finally(() => {
    a.close();
    b.close();
  });
}
