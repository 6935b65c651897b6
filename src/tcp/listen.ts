import type { ParsedRecord } from "../wire/record.js";
import { seqGt } from "../wire/seq.js";
import { TcpFlags } from "../wire/types.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";
import type { ListeningPort } from "./listening-port.js";

const { SYN, RST, ACK } = TcpFlags;

/** Who sent a segment (`src`, `srcPort`) and to which of our ports (`dstPort`). */
export type SegmentEnds = Pick<ParsedRecord, "src" | "srcPort" | "dstPort">;

/** What LISTEN processing needs from the TCP layer that owns the port. */
export interface ListenContext {
  /** `<SEQ=seq><ACK=ack><CTL=flags>` back to the sender of a segment. */
  reset(to: SegmentEnds, seq: number, ack: number, flags: number): void;
  /** A new TCB (still CLOSED) towards the sender, owned by `port`. */
  create(port: ListeningPort, from: SegmentEnds): TcpConnection;
  drop(reason: "listen-unexpected" | "backlog-full"): void;
  accepted(): void;
  readonly tracing: boolean;
  trace(text: string): void;
}

/**
 * RFC 9293 §3.10.7.2 LISTEN STATE: a segment for no connection, to a port that listens. Returns the
 * connection a SYN made, else null.
 */
export function listenArrives(
  ctx: ListenContext,
  port: ListeningPort,
  seg: SegmentHeader,
  from: SegmentEnds,
): TcpConnection | null {
  // "First, check for a RST: an incoming RST should be ignored."
  if (seg.flags & RST) {
    ctx.drop("listen-unexpected");
    return null;
  }
  // "Second, check for an ACK: ... form a reset <SEQ=SEG.ACK><CTL=RST>."
  if (seg.flags & ACK) {
    ctx.reset(from, seg.ack, 0, RST);
    return null;
  }
  // "Third, check for a SYN." Past the backlog it is dropped (the peer retries).
  if (!(seg.flags & SYN)) {
    ctx.drop("listen-unexpected");
    return null;
  }
  if (port.full) {
    ctx.drop("backlog-full");
    if (ctx.tracing) ctx.trace(`${port.localAddress}:${port.localPort} backlog full, SYN dropped`);
    return null;
  }
  const conn = ctx.create(port, from);
  port.adopt(conn);
  ctx.accepted();
  // Text on the SYN is not acknowledged (the peer sends it again once synchronized).
  conn.openPassive(seg);
  return conn;
}

/**
 * RFC 9293 §3.10.7.4 / RFC 1122 §4.2.2.13: a new SYN above the old sequence space, to a port that still
 * listens (in `listening`), ends TIME-WAIT: the connection goes CLOSED, and the caller hands the SYN to
 * LISTEN. Returns whether it did.
 */
export function timeWaitReopened(
  conn: TcpConnection,
  seg: SegmentHeader,
  listening: ReadonlyMap<number, ListeningPort>,
): boolean {
  if (
    conn.state !== "TIME-WAIT" ||
    (seg.flags & (SYN | ACK | RST)) !== SYN ||
    !seqGt(seg.seq, conn.tcb.rcvNxt) ||
    !listening.has(conn.localPort)
  ) {
    return false;
  }
  if (conn.host.tracing) conn.host.trace(`${conn.id} TIME-WAIT ended by a new SYN`);
  conn.setState("CLOSED");
  return true;
}
