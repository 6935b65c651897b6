/** The kernel's TCP as an anchor: Node `net` over 127.0.0.1, both ends in one process (tcp-paths.ts). */
import { createServer, connect as netConnect, type AddressInfo, type Socket } from "node:net";
import { CHUNK, stopwatch, type Timed } from "./engine-bulk.js";

/**
 * The same transfer through the kernel: Node `net`, both ends in this process, 127.0.0.1 only. With
 * `connections` above one, `total` is split evenly over that many connections at once and timed, as the
 * engine's concurrent bulk (concurrent-bulk.ts), from the last handshake to the last receiver seeing its FIN.
 * CPU time is the process's, the kernel's work on its behalf included.
 */
export function nodeNet(total: number, connections = 1): Promise<Timed> {
  const each = Math.floor(total / connections);
  return new Promise((resolve, reject) => {
    const source = Buffer.alloc(CHUNK, 7);
    let received = 0;
    let ended = 0;
    let established = 0;
    let stop: ((units: number) => Timed) | null = null;
    const server = createServer((sock) => {
      let mine = 0;
      sock.on("data", (d: Buffer) => {
        mine += d.length;
      });
      sock.on("end", () => {
        received += mine;
        sock.end();
        if (++ended < connections) return;
        const bits = stop!(received * 8);
        server.close();
        if (received !== each * connections) reject(new Error(`net: received ${received} of ${each * connections}`));
        else resolve(bits);
      });
    });
    server.on("error", reject);
    server.listen(0, "127.0.0.1", connections, () => {
      const port = (server.address() as AddressInfo).port;
      const clients: Socket[] = [];
      const pumps: (() => void)[] = [];
      for (let i = 0; i < connections; i++) {
        const client = netConnect(port, "127.0.0.1", () => {
          // Every connection starts writing once all handshakes are done: they are not what is timed.
          if (++established === connections) {
            stop = stopwatch();
            for (const pump of pumps) pump();
          }
        });
        client.on("error", (e) => {
          for (const c of clients) c.destroy();
          server.close();
          reject(e);
        });
        let sent = 0;
        const pump = () => {
          while (sent < each) {
            const n = Math.min(CHUNK, each - sent);
            sent += n;
            if (!client.write(n === CHUNK ? source : source.subarray(0, n))) return void client.once("drain", pump);
          }
          client.end();
        };
        clients.push(client);
        pumps.push(pump);
      }
    });
  });
}
