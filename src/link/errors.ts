import { WirestateError } from "../errors/wirestate-error.js";

/**
 * A link could not be set up: `udpTunnelLink()` rejects with it for a bad address or a socket that cannot
 * be bound, `wsUdpRelay()` for a relay that cannot listen. The system error, when there was one, is the
 * `cause` (its errno code, e.g. `EADDRINUSE`, is there).
 */
export class LinkSetupError extends WirestateError {
  static override readonly code = "WS_LINK_SETUP";
}
