import type { TcpDuplex } from "../api/node.js";

/**
 * States after which closing the stack sends nothing: ABORT in TIME-WAIT just forgets the connection
 * (RFC 9293 §3.10.5), while in FIN-WAIT-1/2 it would send a RST the peer sees as an error.
 */
const QUIET = new Set(["TIME-WAIT", "CLOSED"]);

export function isQuiet(socket: TcpDuplex): boolean {
  return QUIET.has(socket.info().state);
}

/**
 * Waits (at most `ms`) until every socket has finished its closing handshake, so a command can close its
 * stack without resetting connections that are ending gracefully; a capture then ends in FINs, not RSTs.
 */
export async function settleClosing(sockets: Iterable<TcpDuplex>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  const pending = [...sockets];
  while (Date.now() < deadline && !pending.every(isQuiet)) {
    await new Promise((r) => setTimeout(r, 10));
  }
}
