import type { ParsedRecord } from "../wire/record.js";
import { seqGt } from "../wire/seq.js";
import { TcpFlags } from "../wire/types.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";
import type { ListeningPort } from "./listening-port.js";
import { type CookieContext, checkCookieAck, sendCookieSynAck } from "./cookie-handshake.js";
import { COOKIE_LIFETIME_MS } from "./syn-cookie.js";
import type { ListenerAddress, StackEventInit } from "./tcp-events.js";

const { SYN, RST, ACK } = TcpFlags;

/** Who sent a segment (`src`, `srcPort`) and to which of our ports (`dstPort`). */
export type SegmentEnds = Pick<ParsedRecord, "src" | "dst" | "srcPort" | "dstPort">;

/** Why LISTEN processing dropped a segment. */
export type ListenDrop =
  | "listen-unexpected" // neither SYN nor ACK nor RST
  | "backlog-full" // a SYN, or a cookie's ACK, while the accept queue is full
  | "syn-queue-full" // a SYN past a full SYN queue, with cookies off
  | "cookie-invalid"; // an ACK whose cookie is forged or stale (answered with RST)

/** What LISTEN processing needs from the TCP layer that owns the port. */
export interface ListenContext extends CookieContext {
  /** `<SEQ=seq><ACK=ack><CTL=flags>` back to the sender of a segment (rate-limited, tcp-protocol.ts). */
  reset(to: SegmentEnds, seq: number, ack: number, flags: number): void;
  /** A new TCB (still CLOSED) towards the sender, owned by `port`, with ISS `iss` if given; null when the memory budget refuses it. */
  create(port: ListeningPort, from: SegmentEnds, iss?: number): TcpConnection | null;
  drop(reason: ListenDrop): void;
  accepted(): void;
  /** A half-open connection given up to make room for a newer SYN. */
  pruned(): void;
  cookieSent(): void;
  cookieAccepted(): void;
  /** Whether anyone listens to the stack's events: they are built only then. */
  readonly tracing: boolean;
  stackEvent(init: StackEventInit): void;
  /** An address key (wire/address-key.ts) as text, of either family. */
  addressText(key: number): string;
}

/**
 * RFC 9293 §3.10.7.2 LISTEN STATE: a segment for no connection, to a port that listens. Returns the
 * connection a SYN (or a cookie's ACK) made, else null.
 */
export function listenArrives(
  ctx: ListenContext,
  port: ListeningPort,
  seg: SegmentHeader,
  from: SegmentEnds,
  payload: Uint8Array,
): TcpConnection | null {
  // "First, check for a RST: an incoming RST should be ignored."
  if (seg.flags & RST) {
    ctx.drop("listen-unexpected");
    return null;
  }
  // "Second, check for an ACK: ... form a reset <SEQ=SEG.ACK><CTL=RST>." Unless it completes a cookie
  // handshake: looked for only while cookies may be out (the SYN queue overflowed lately), as in Linux.
  if (seg.flags & ACK) {
    if (!(seg.flags & SYN) && ctx.config.synCookies && cookiesMayBeOut(ctx, port)) {
      return cookieAckArrives(ctx, port, seg, from, payload);
    }
    ctx.reset(from, seg.ack, 0, RST);
    return null;
  }
  // "Third, check for a SYN."
  if (!(seg.flags & SYN)) {
    ctx.drop("listen-unexpected");
    return null;
  }
  // A full accept queue drops the SYN (the peer retries): an application that does not accept cannot be
  // helped by more handshakes.
  if (port.acceptQueueFull) {
    ctx.drop("backlog-full");
    if (ctx.tracing) ctx.stackEvent({ type: "syn-dropped", listener: where(port), cause: "accept-queue-full" });
    return null;
  }
  if (port.synQueueFull) pruneOldest(ctx, port);
  const queueFull = port.synQueueFull;
  // The SYN queue draws from the memory budget too: a refused entry is answered as a full queue is.
  const conn = queueFull ? null : ctx.create(port, from);
  if (conn === null) {
    const cause = queueFull ? "syn-queue-full" : "memory-pressure";
    port.overflowedAt = ctx.now();
    if (!ctx.config.synCookies) {
      if (queueFull) ctx.drop("syn-queue-full");
      if (ctx.tracing) ctx.stackEvent({ type: "syn-dropped", listener: where(port), cause });
      return null;
    }
    // Traced first, so a capture writes the comment on the SYN-ACK it explains.
    if (ctx.tracing) ctx.stackEvent({ type: "syn-cookie", phase: "sent", listener: where(port), cause });
    sendCookieSynAck(ctx, seg, from);
    ctx.cookieSent();
    return null;
  }
  port.adopt(conn);
  ctx.accepted();
  // Text on the SYN is not acknowledged (the peer sends it again once synchronized).
  conn.openPassive(seg);
  return conn;
}

/** An ACK later than a cookie's lifetime after the last overflow cannot hold one. */
function cookiesMayBeOut(ctx: ListenContext, port: ListeningPort): boolean {
  return ctx.now() - port.overflowedAt <= COOKIE_LIFETIME_MS;
}

/**
 * The oldest half-open connection is given up when its SYN-ACK has gone unanswered for a retransmission
 * timeout already (a spoofed source never answers): its slot goes to the new SYN before cookies take over.
 * A young one is kept, so a burst of SYNs cannot flush real handshakes still in flight.
 */
function pruneOldest(ctx: ListenContext, port: ListeningPort): void {
  const oldest = port.oldestHalfOpen();
  if (oldest === null || oldest.handshake.retries === 0) return;
  if (oldest.observed) oldest.publish({ type: "abort", reason: "syn-queue-full" });
  ctx.pruned();
  oldest.setState("CLOSED");
}

/** An ACK that may carry a cookie: a valid one makes the connection and hands it the ACK. */
function cookieAckArrives(
  ctx: ListenContext,
  port: ListeningPort,
  seg: SegmentHeader,
  from: SegmentEnds,
  payload: Uint8Array,
): TcpConnection | null {
  const grant = checkCookieAck(ctx, seg, from);
  if (grant === null) {
    // What an unknown segment gets.
    ctx.drop("cookie-invalid");
    if (ctx.tracing) {
      const sender = { address: ctx.addressText(from.src), port: from.srcPort };
      ctx.stackEvent({ type: "syn-cookie", phase: "invalid", listener: where(port), from: sender });
    }
    ctx.reset(from, seg.ack, 0, RST);
    return null;
  }
  if (port.acceptQueueFull) {
    // Dropped, not reset: the peer's retransmission succeeds once the application accepts.
    ctx.drop("backlog-full");
    return null;
  }
  // Refused by the memory budget (counted there): dropped, and the peer's retransmission may find room.
  const conn = ctx.create(port, from, grant.iss);
  if (conn === null) return null;
  port.adopt(conn);
  ctx.accepted();
  ctx.cookieAccepted();
  if (conn.observed) conn.publish({ type: "syn-cookie", phase: "valid", mss: grant.mss });
  conn.openFromCookie(seg, grant);
  conn.segmentArrives(seg, payload);
  return conn;
}

function where(port: ListeningPort): ListenerAddress {
  return { address: port.localAddress, port: port.localPort };
}

/**
 * RFC 9293 §3.10.7.4 / RFC 1122 §4.2.2.13 as refined by RFC 6191: a new SYN to a port that still listens
 * (in `listening`) ends TIME-WAIT when it is newer than the old connection: by its timestamp when the old
 * connection used timestamps and the new one would (its TSval above TS.Recent), else by its sequence number
 * (above RCV.NXT). The connection goes CLOSED and the caller hands the SYN to LISTEN. Returns whether it did.
 */
export function timeWaitReopened(
  conn: TcpConnection,
  seg: SegmentHeader,
  listening: ReadonlyMap<number, ListeningPort>,
): boolean {
  if (conn.state !== "TIME-WAIT" || (seg.flags & (SYN | ACK | RST)) !== SYN || !listening.has(conn.localPort)) {
    return false;
  }
  const old = conn.ts;
  const synTs = seg.options.timestamps;
  const newer =
    old !== null && synTs !== undefined && conn.config.timestamps
      ? ((synTs.tsval - old.recent) | 0) > 0
      : seqGt(seg.seq, conn.tcb.rcvNxt);
  if (!newer) return false;
  if (conn.observed) conn.publish({ type: "abort", reason: "time-wait-reopened" });
  conn.setState("CLOSED");
  return true;
}
