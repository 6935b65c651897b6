/** The kernel's TCP as an anchor: Node `net` over 127.0.0.1, both ends in one process (tcp-paths.ts). */
import { createServer, connect as netConnect, type AddressInfo } from "node:net";
import { CHUNK, stopwatch, type Timed } from "./engine-bulk.js";

/** The same transfer through the kernel: Node `net`, both ends in this process, 127.0.0.1 only. */
export function nodeNet(total: number): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const source = Buffer.alloc(CHUNK, 7);
    let received = 0;
    let stop: ((units: number) => Timed) | null = null;
    const server = createServer((sock) => {
      sock.on("data", (d: Buffer) => {
        received += d.length;
      });
      sock.on("end", () => {
        const bits = stop!(total * 8);
        sock.end();
        server.close();
        if (received !== total) reject(new Error(`net: received ${received} of ${total}`));
        else resolve(bits);
      });
    });
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      const client = netConnect(port, "127.0.0.1", () => {
        stop = stopwatch();
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            const n = Math.min(CHUNK, total - sent);
            sent += n;
            if (!client.write(n === CHUNK ? source : source.subarray(0, n))) return void client.once("drain", pump);
          }
          client.end();
        };
        pump();
      });
      client.on("error", reject);
    });
  });
}
