import type { PacketFields, TcpOptions } from "../wire/types.js";
import { TcpFlags } from "../wire/types.js";
import type { TcpConfig } from "./config.js";
import type { SegmentHeader } from "./connection.js";
import { ecnAgreed } from "./ecn.js";
import type { SegmentEnds } from "./listen.js";
import { MAX_SHIFT, MAX_WINDOW_FIELD, shiftFor } from "./option-negotiation.js";
import {
  COOKIE_MSS,
  type SynCookies,
  type TsCookieOptions,
  decodeTsOptions,
  encodeTsOptions,
  mssIndexFor,
} from "./syn-cookie.js";

const { SYN, ACK, ECE } = TcpFlags;

/** What the stateless half of a cookie handshake needs from the TCP layer. */
export interface CookieContext {
  readonly cookies: SynCookies;
  readonly config: TcpConfig;
  /** Our MSS towards the address key `remote` (IPv6 headers take 20 bytes more of the MTU). */
  mssFor(remote: number): number;
  now(): number;
  transmit(fields: PacketFields): void;
}

/** The connection a valid cookie ACK stands for: our ISS and what the SYN offered, as far as it was kept. */
export interface CookieGrant extends TsCookieOptions {
  iss: number;
  mss: number;
  timestamps: boolean;
}

/** The timestamp clock a connection with ISS `iss` runs (timestamps.ts `tsNow`). */
function tsClock(now: number, iss: number): number {
  return (Math.floor(now) + iss) >>> 0;
}

/**
 * Answer a SYN with a SYN-ACK whose sequence number is a cookie, keeping nothing. As in Linux, window
 * scale, SACK and ECN are agreed only along with timestamps, whose TSval carries them (syn-cookie.ts).
 */
export function sendCookieSynAck(ctx: CookieContext, syn: SegmentHeader, from: SegmentEnds): void {
  const theirs = syn.options;
  const cfg = ctx.config;
  const now = ctx.now();
  const mss = ctx.mssFor(from.src);
  const iss = ctx.cookies.encode(
    from.src,
    from.srcPort,
    from.dst,
    from.dstPort,
    syn.seq,
    now,
    mssIndexFor(Math.min(mss, theirs.mss || 536)),
  );
  const options: TcpOptions = { mss };
  const ts = theirs.timestamps;
  let ecn = 0;
  if (cfg.timestamps && ts !== undefined) {
    const kept: TsCookieOptions = {
      windowScale: cfg.windowScale && theirs.windowScale !== undefined ? Math.min(MAX_SHIFT, theirs.windowScale) : null,
      sack: cfg.sack && theirs.sackPermitted === true,
      ecn: ecnAgreed(cfg.ecn, syn.flags),
    };
    if (kept.windowScale !== null) options.windowScale = shiftFor(cfg.receiveBufferSize);
    if (kept.sack) options.sackPermitted = true;
    if (kept.ecn) ecn = ECE;
    options.timestamps = { tsval: encodeTsOptions(tsClock(now, iss), kept), tsecr: ts.tsval };
  }
  ctx.transmit({
    src: from.dst,
    dst: from.src,
    srcPort: from.dstPort,
    dstPort: from.srcPort,
    seq: iss,
    ack: (syn.seq + 1) >>> 0,
    flags: SYN | ACK | ecn,
    window: cookieWindow(cfg),
    options,
  });
}

/** The window a cookie SYN-ACK offers (unscaled, as on every SYN). */
export function cookieWindow(cfg: TcpConfig): number {
  return Math.min(cfg.receiveBufferSize, MAX_WINDOW_FIELD);
}

/** The grant in an ACK to a listener, or null when its SEG.ACK - 1 is not a live cookie of ours. */
export function checkCookieAck(ctx: CookieContext, ack: SegmentHeader, from: SegmentEnds): CookieGrant | null {
  const now = ctx.now();
  const iss = (ack.ack - 1) >>> 0;
  const index = ctx.cookies.decode(from.src, from.srcPort, from.dst, from.dstPort, (ack.seq - 1) >>> 0, iss, now);
  if (index < 0) return null;
  const grant: CookieGrant = {
    iss,
    mss: COOKIE_MSS[index],
    timestamps: false,
    windowScale: null,
    sack: false,
    ecn: false,
  };
  const ts = ack.options.timestamps;
  if (ctx.config.timestamps && ts !== undefined) {
    const kept = decodeTsOptions(ts.tsecr, tsClock(now, iss));
    if (kept === null) return null;
    grant.timestamps = true;
    grant.windowScale = kept.windowScale;
    grant.sack = kept.sack;
    grant.ecn = kept.ecn;
  }
  return grant;
}
