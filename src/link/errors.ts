import { WirestateError } from "../errors/wirestate-error.js";

/**
 * A link could not be set up: `udpTunnelLink()` rejects with it for a bad address or a socket that cannot
 * be bound, `wsUdpRelay()` for a relay that cannot listen, a `token` too weak to use or an `allowedOrigins`
 * entry that is not an origin (`pageServerGuard()` throws it for that too). The system error, when there
 * was one, is the `cause` (its errno code, e.g. `EADDRINUSE`, is there).
 */
export class LinkSetupError extends WirestateError {
  static override readonly code = "WS_LINK_SETUP";
}
