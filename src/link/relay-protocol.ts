/** What a relay's subprotocol token looks like, shared by the relay and the pages that connect to it. */
const TOKEN_PROTOCOL_PREFIX = "wirestate-token.";

/**
 * The WebSocket subprotocol that carries a relay's token, for a client that keeps the token out of the URL
 * (URLs end up in logs and history): `new WebSocket("ws://127.0.0.1:PORT/", [relayTokenProtocol(token)])`.
 */
export function relayTokenProtocol(token: string): string {
  return `${TOKEN_PROTOCOL_PREFIX}${token}`;
}

/** The token inside a subprotocol made by `relayTokenProtocol`, or null for any other subprotocol. */
export function tokenOfProtocol(protocol: string): string | null {
  return protocol.startsWith(TOKEN_PROTOCOL_PREFIX) ? protocol.slice(TOKEN_PROTOCOL_PREFIX.length) : null;
}
