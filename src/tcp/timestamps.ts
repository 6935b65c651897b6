/**
 * RFC 7323 timestamps once agreed: the TSval clock, TS.Recent and its update rule (§4.3), RTT samples from
 * the echoed TSecr (§4.1 with RFC 6298), and PAWS (§5.3).
 */
import { TcpFlags } from "../wire/types.js";
import { seqLe } from "../wire/seq.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";

const { RST } = TcpFlags;

/** §5.5: TS.Recent older than 24 days no longer proves anything (the peer's clock may have wrapped). */
const PAWS_IDLE_MS = 24 * 24 * 3600 * 1000;

/** The timestamp side of a connection. */
export class TimestampState {
  // -0, not 0: stored as doubles from the start, as the values (32-bit timestamps, clock readings, sequence
  // numbers) will be, so the first one past 2^31 changes no shape (see ControlBlock).
  /** TS.Recent: the peer's timestamp to echo, and when it was recorded. */
  recent = -0;
  recentAt = -0;
  /** Last.ACK.sent: the ACK field of the last segment we sent. */
  lastAckSent = -0;
}

/**
 * Our TSval now: 1 ms per tick, within the 1 ms .. 1 s range §5.4 asks for, plus the ISS as a
 * per-connection offset (§7.1), so the values say nothing about other connections' clocks.
 */
export function tsNow(c: TcpConnection): number {
  return (Math.floor(c.host.clock.now()) + c.tcb.iss) >>> 0;
}

/** The SYN (or SYN-ACK) that agreed timestamps gives the first TS.Recent. */
export function recordSynTimestamp(c: TcpConnection, seg: SegmentHeader): void {
  const t = seg.options.timestamps;
  const s = c.ts;
  if (s === null || t === undefined) return;
  s.recent = t.tsval;
  s.recentAt = c.host.clock.now();
}

/**
 * §5.3 R1: true when the segment is an old duplicate (its TSval is older than TS.Recent) and must be
 * dropped with an ACK. RSTs are judged by their sequence number only (§5.2).
 */
export function pawsRejects(c: TcpConnection, seg: SegmentHeader): boolean {
  const s = c.ts;
  if (s === null || seg.flags & RST) return false;
  const t = seg.options.timestamps;
  if (t === undefined) return false;
  if (((t.tsval - s.recent) | 0) >= 0) return false;
  if (c.host.clock.now() - s.recentAt > PAWS_IDLE_MS) {
    // §5.5: an idle connection's TS.Recent is invalid; take the segment and start over from its TSval.
    s.recent = t.tsval;
    s.recentAt = c.host.clock.now();
    return false;
  }
  return true;
}

/**
 * §4.3 (2): after the segment passed the acceptability test, record its TSval if it is not older than
 * TS.Recent and the segment starts at or before the last ACK we sent (so a segment beyond a hole, whose
 * timestamp is newer than the data the next ACK covers, does not move TS.Recent forward).
 */
export function updateTsRecent(c: TcpConnection, seg: SegmentHeader): void {
  const t = seg.options.timestamps;
  const s = c.ts;
  if (s === null || t === undefined) return;
  if (((t.tsval - s.recent) | 0) >= 0 && seqLe(seg.seq, s.lastAckSent)) {
    s.recent = t.tsval;
    s.recentAt = c.host.clock.now();
  }
}

/**
 * §4.1: an ACK that advances SND.UNA measures RTT as now - TSecr, retransmissions included (the echo
 * names the transmission that was received, which Karn's rule could not tell). Returns false when there
 * is no usable echo, so the caller falls back to timing one segment. `flight` (bytes still outstanding)
 * gives Appendix G's ExpectedSamples = ceil(FlightSize / (2 * SMSS)), one sample per delayed ACK.
 */
export function timestampRttSample(c: TcpConnection, seg: SegmentHeader, flight: number): boolean {
  const t = seg.options.timestamps;
  if (c.ts === null || t === undefined || t.tsecr === 0) return false;
  const rtt = (tsNow(c) - t.tsecr) | 0;
  // An echo from the future or from more than a maximum RTO ago is not ours: ignore it.
  if (rtt < 0 || rtt > c.config.maxRto) return false;
  c.rtt.sample(rtt, Math.max(1, Math.ceil(flight / (2 * c.sendMss))));
  return true;
}
