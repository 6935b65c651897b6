import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { type AllowedOrigins, originPolicy } from "./origin-policy.js";

/** Why a request was refused: the HTTP status to answer with and a line of text saying why. */
export interface HttpRefusal {
  status: 403;
  reason: string;
}

/** What `pageServerGuard()` returns: the checks a page server runs on each request. */
export interface PageServerGuard {
  /** null when `request` may be served. */
  refusal(request: IncomingMessage): HttpRefusal | null;
  readonly counters: {
    /** Requests whose `Origin` was neither the server's own nor allowed. */
    origin: number;
    /** Requests whose `Host` was a name other than localhost (DNS rebinding). */
    host: number;
  };
}

/**
 * The checks for a server of pages on this machine (the demo page's), so that no other page the browser
 * has open can use it once it does more than serve files:
 * - `Origin`, when a browser sends one, must be the server's own (`http://` + the request's `Host`) or in
 *   `allowedOrigins`: another page's fetch() or WebSocket carries its own origin.
 * - `Host` must be an IP address or localhost. A page whose DNS name its owner re-points at 127.0.0.1
 *   (DNS rebinding) is same-origin with the server, so it sends no foreign `Origin`, but its `Host` is
 *   that name.
 */
export function pageServerGuard(options: { allowedOrigins?: AllowedOrigins } = {}): PageServerGuard {
  const allows = originPolicy(options.allowedOrigins);
  const counters = { origin: 0, host: 0 };
  return {
    counters,
    refusal(request) {
      const host = request.headers.host;
      const self = host === undefined ? null : parseHost(host);
      if (host !== undefined && (self === null || !namesThisMachine(self.hostname))) {
        counters.host++;
        return { status: 403, reason: `host ${host} is not an address of this machine` };
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== self?.origin && !allows(origin)) {
        counters.origin++;
        return { status: 403, reason: `origin ${origin} is not allowed` };
      }
      return null;
    },
  };
}

/** The origin a page served under this `Host` has, and the host name in it; null when it does not parse. */
function parseHost(host: string): { origin: string; hostname: string } | null {
  try {
    const { origin, hostname } = new URL(`http://${host}`);
    return { origin, hostname };
  } catch {
    return null;
  }
}

/** An IP literal cannot be re-pointed by DNS; localhost resolves to loopback only (RFC 6761). */
function namesThisMachine(hostname: string): boolean {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) !== 0 || bare === "localhost";
}
