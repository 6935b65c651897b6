import type { TcpOptions } from "../wire/types.js";

/**
 * TCP option negotiation in one place (RFC 9293 §3.7.1 MSS). Window scale, timestamps and SACK
 * (RFC 7323, RFC 2018) are added here: what we offer on SYN, and what both sides agreed.
 */
export interface Negotiated {
  /** Largest payload we send per segment. */
  sendMss: number;
}

/** RFC 9293 §3.7.1: without an MSS option the peer is assumed to take 536 bytes. */
export const DEFAULT_MSS = 536;

/** Options carried on our SYN or SYN-ACK. */
export function synOptions(ourMss: number): TcpOptions {
  return { mss: ourMss };
}

/** What the peer's SYN (or SYN-ACK) options and our own limits agree on. */
export function negotiate(ourMss: number, theirs: TcpOptions | undefined): Negotiated {
  const peer = theirs?.mss;
  const theirMss = peer === undefined || peer === 0 ? DEFAULT_MSS : peer;
  return { sendMss: Math.max(1, Math.min(ourMss, theirMss)) };
}
