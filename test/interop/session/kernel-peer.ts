/**
 * The kernel-side peer of the session interop test: plain Node `net` in the namespace, speaking `Tally`
 * through the session library. Bundled by the test and run as `node peer.mjs server|client ADDR PORT`.
 * Prints its result as one JSON line.
 */
import net from "node:net";
import { tallyClient, tallyServer } from "./protocol.js";

const [role, host, portText] = process.argv.slice(2);
const port = Number(portText);

if (role === "server") {
  const server = net.createServer((socket) => {
    server.close();
    tallyServer(socket).then(
      (result) => console.log(JSON.stringify(result)),
      (err: Error) => {
        console.error(err.message);
        process.exitCode = 1;
      },
    );
  });
  server.listen(port, host);
} else {
  const socket = net.connect(port, host);
  socket.once("connect", () => {
    const numbers = Array.from({ length: 1000 }, (_, i) => i * 7);
    const lines = ["from the kernel side", "über alles? nein: UTF-8"];
    tallyClient(socket, numbers, lines).then(
      (result) => console.log(JSON.stringify(result)),
      (err: Error) => {
        console.error(err.message);
        process.exitCode = 1;
      },
    );
  });
}
