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

/**
 * The smallest MSS we agree to send with, whatever the peer asks (Linux's tcp_min_snd_mss, after
 * CVE-2019-11479): a peer asking for 1-byte segments would otherwise make us burn a packet per byte.
 */
export const MIN_SEND_MSS = 48;

/** Options carried on our SYN or SYN-ACK. */
export function synOptions(ourMss: number): TcpOptions {
  return { mss: ourMss };
}

/** What the peer's SYN (or SYN-ACK) options and our own limits agree on. */
export function negotiate(ourMss: number, theirs: TcpOptions | undefined): Negotiated {
  const peer = theirs?.mss;
  const theirMss = peer === undefined || peer === 0 ? DEFAULT_MSS : peer;
  return { sendMss: Math.min(ourMss, Math.max(MIN_SEND_MSS, theirMss)) };
}
