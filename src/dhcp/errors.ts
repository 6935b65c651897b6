import { WirestateError } from "../errors/wirestate-error.js";

/**
 * `stack.ready` rejects with it when a DHCP client has no lease within its `timeout`: no server answered
 * (or none offered an address). The client keeps trying (RFC 2131 §4.1's backoff, at most 64 s apart).
 */
export class DhcpTimeoutError extends WirestateError {
  static override readonly code = "WS_DHCP_TIMEOUT";
}
