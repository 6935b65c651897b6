import type { Datagram, DatagramSocket } from "./transport.js";

/**
 * The UDP socket of the stack (`stack.udp({ port })`): `send(data, address, port)`,
 * an async iterator of `{ data, address, port }`, `close()`. Structural, so the resolver does not import
 * the stack.
 */
export interface IterableDatagramSocket {
  /** Send one datagram to `address:port`. */
  send(data: Uint8Array, address: string, port: number): void | Promise<void>;
  /** The datagrams that arrive, until the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Datagram>;
  /** Close the socket; the iteration ends. */
  close(): void;
}

/**
 * Such a socket as the resolver's `DatagramSocket`: `receive()` is the iterator's next value, null at its
 * end. The integrator's hook is `udp: { bind: (port) => fromIterableSocket(stack.udp({ port })) }`.
 */
export function fromIterableSocket(socket: IterableDatagramSocket): DatagramSocket {
  const datagrams = socket[Symbol.asyncIterator]();
  return {
    send: (data, address, port) => socket.send(data, address, port),
    receive: async () => {
      const next = await datagrams.next();
      return next.done === true ? null : next.value;
    },
    close: () => socket.close(),
  };
}
