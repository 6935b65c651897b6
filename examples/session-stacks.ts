// Two wirestate stacks joined by an in-memory wire, and one TCP connection between them: the transport
// the session examples run on. Swap memoryLinkPair for a UDP tunnel or a WebSocket link and nothing else changes.
import { memoryLinkPair, Stack, type TcpStream } from "../src/api/index.js";

export interface Connected {
  client: TcpStream<"Established">;
  server: TcpStream<"Established">;
  /** Tears both stacks down. */
  close(): void;
}

export async function connectedStacks(port = 7000): Promise<Connected> {
  const [a, b] = memoryLinkPair();
  const clientStack = new Stack({ address: "10.0.0.1", link: a });
  const serverStack = new Stack({ address: "10.0.0.2", link: b });
  const listener = serverStack.listen(port);
  const [client, server] = await Promise.all([clientStack.connect("10.0.0.2", port), listener.accept()]);
  listener.close();
  return {
    client,
    server,
    close() {
      clientStack.close();
      serverStack.close();
    },
  };
}
