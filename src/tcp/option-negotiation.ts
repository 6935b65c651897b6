import type { TcpOptions } from "../wire/types.js";
import type { TcpConfig } from "./config.js";

/**
 * TCP option negotiation in one place: MSS (RFC 9293 §3.7.1), window scale and timestamps (RFC 7323),
 * SACK-permitted (RFC 2018). An active opener offers what its configuration enables; a passive one answers
 * only with what the SYN offered; either way an option is in effect only when both SYNs carried it.
 */

/** RFC 9293 §3.7.1: without an MSS option the peer is assumed to take 536 bytes. */
export const DEFAULT_MSS = 536;

/**
 * The smallest MSS we agree to send with, whatever the peer asks (Linux's tcp_min_snd_mss, after
 * CVE-2019-11479): a peer asking for 1-byte segments would otherwise make us burn a packet per byte.
 */
export const MIN_SEND_MSS = 48;

/** RFC 7323 §2.3: shifts above 14 are taken as 14 (the window must stay below 2^30). */
export const MAX_SHIFT = 14;

/** Bytes a timestamps option takes on every segment once agreed (RFC 7323 §3.2, with its two NOPs). */
export const TIMESTAMPS_BYTES = 12;

/** The window field carries at most this, before scaling. */
export const MAX_WINDOW_FIELD = 65535;

/** What this connection offers, then what both sides agreed, per option. */
export class AgreedOptions {
  windowScale: boolean;
  timestamps: boolean;
  sack: boolean;
  /** Rcv.Wind.Shift: how far the windows we send are shifted (0 unless window scaling is agreed). */
  rcvShift = 0;
  /** Snd.Wind.Shift: how far the windows the peer sends are shifted. */
  sndShift = 0;
  /** The shift we offer, from the receive buffer. */
  readonly ourShift: number;

  constructor(config: TcpConfig) {
    this.windowScale = config.windowScale;
    this.timestamps = config.timestamps;
    this.sack = config.sack;
    this.ourShift = shiftFor(config.receiveBufferSize);
  }
}

/** RFC 7323 §2.3: the smallest shift that lets the whole receive buffer be advertised. */
export function shiftFor(receiveBuffer: number): number {
  let s = 0;
  while (s < MAX_SHIFT && receiveBuffer >> s > MAX_WINDOW_FIELD) s++;
  return s;
}

/**
 * Options carried on our SYN (the offers) or SYN-ACK (what the peer's SYN offered and we accept).
 * `tsval` is our timestamp clock now, `tsecr` the peer's SYN timestamp (0 on an initial SYN).
 */
export function synOptions(ourMss: number, a: AgreedOptions, tsval: number, tsecr: number): TcpOptions {
  const o: TcpOptions = { mss: ourMss };
  if (a.windowScale) o.windowScale = a.ourShift;
  if (a.sack) o.sackPermitted = true;
  if (a.timestamps) o.timestamps = { tsval, tsecr };
  return o;
}

/**
 * Takes the peer's SYN (or SYN-ACK) options into account: each option stays on only if the peer offered
 * it too. Returns the MSS we send with (before the per-segment option bytes are taken off it).
 */
export function negotiate(ourMss: number, a: AgreedOptions, theirs: TcpOptions | undefined): number {
  a.windowScale = a.windowScale && theirs?.windowScale !== undefined;
  // RFC 7323 §2.2: both shifts apply only when both sides sent the option; the windows on SYNs are never scaled.
  a.rcvShift = a.windowScale ? a.ourShift : 0;
  a.sndShift = a.windowScale ? Math.min(MAX_SHIFT, theirs!.windowScale!) : 0;
  a.timestamps = a.timestamps && theirs?.timestamps !== undefined;
  a.sack = a.sack && theirs?.sackPermitted === true;
  const peer = theirs?.mss;
  const theirMss = peer === undefined || peer === 0 ? DEFAULT_MSS : peer;
  return Math.min(ourMss, Math.max(MIN_SEND_MSS, theirMss));
}

/** The largest window we can advertise with the agreed shift. */
export function maxWindow(a: AgreedOptions): number {
  return MAX_WINDOW_FIELD << a.rcvShift;
}

/** The peer's window in bytes: RFC 7323 §2.3 scales every window but the one on a SYN. */
export function peerWindow(a: AgreedOptions, window: number, syn: boolean): number {
  return syn ? window : window << a.sndShift;
}
