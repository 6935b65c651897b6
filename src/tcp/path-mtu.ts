import type { Timer } from "../clock/clock.js";
import { ipHeaderLength } from "../wire/address-key.js";
import { seqAdd, seqDiff, seqGe, seqLt } from "../wire/seq.js";
import type { TcpConnection } from "./connection.js";
import { TIMESTAMPS_BYTES } from "./option-negotiation.js";
import { canSendData, output } from "./output.js";
import type { PathMtuReason } from "./tcp-events.js";

/** The TCP header without options (the IP header's length depends on the family). */
const TCP_HEADER = 20;
/** Linux's tcp_retries1: this many RTOs in a row of the same full-sized data suggest a black hole. */
export const BLACK_HOLE_RTOS = 3;
/** Linux's tcp_base_mss: where the first black-hole reaction drops the MSS to. */
export const BASE_MSS = 1024;
/** The MSS black-hole halving stops at: 512, the MSS of a 552-byte path MTU (Linux's min_pmtu). */
export const BLACK_HOLE_FLOOR_MSS = 512;
/** RFC 8899's PMTU_RAISE_TIMER and Linux's tcp_probe_interval: how long a lowered size is kept. */
export const PROBE_INTERVAL_MS = 600_000;
/** How often the search looks whether a probed size has carried data (RTOs; an ACK comes within one). */
const CONFIRM_RTOS = 2;
/** The longest the search waits between looks at an idle connection (a look is cheap; data may resume). */
const MAX_IDLE_WAIT_MS = 30_000;
/** Linux's tcp_probe_threshold: the search stops when the range left is narrower than this. */
const SEARCH_DONE_BYTES = 8;

/**
 * One connection's path MTU state (RFC 1191 for what ICMP says; RFC 4821/8899 packetization-layer search
 * for when ICMP is filtered, shaped like Linux's tcp_mtu_probing=1).
 */
export class PathMtuState {
  /** The MSS the SYNs agreed (options off), which nothing raises the send MSS above; 0 before. */
  agreed = 0;
  /** The search range: `low` carried data, `high` (and above) is untested or failed; low 0 when idle. */
  low = 0;
  high = 0;
  /** RTOs in a row with SND.UNA at `streakUna` and a full segment outstanding. */
  streak = 0;
  streakUna = 0;
  /** A black hole was suspected before: the next suspicion halves the MSS. */
  detected = false;
  /**
   * SND.MAX plus the MSS when the size last changed: once SND.UNA reaches it, a segment sent at the new
   * size has been acknowledged (earlier ACKs can be for segments of the old size still in flight).
   */
  confirmSeq = 0;
  /** The search's wait while the connection sends nothing (doubling, up to MAX_IDLE_WAIT_MS); 0 if busy. */
  idleWait = 0;
  timer: Timer | null = null;
}

function optionBytes(c: TcpConnection): number {
  return c.agreed.timestamps ? TIMESTAMPS_BYTES : 0;
}

function mssFor(c: TcpConnection, mtu: number): number {
  return mtu - ipHeaderLength(c.remoteIp) - TCP_HEADER - optionBytes(c);
}

/** Changes the send MSS, saying so in an event (a packet comment in captures). */
function setMss(c: TcpConnection, mss: number, reason: PathMtuReason): void {
  if (mss === c.sendMss) return;
  if (c.observed) {
    const extra = ipHeaderLength(c.remoteIp) + TCP_HEADER + optionBytes(c);
    c.publish({
      type: "path-mtu",
      fromMtu: c.sendMss + extra,
      toMtu: mss + extra,
      fromMss: c.sendMss,
      toMss: mss,
      reason,
    });
  }
  c.sendMss = mss;
  c.pathMtu.confirmSeq = seqAdd(c.tcb.sndMax, mss);
}

function stopSearch(c: TcpConnection): void {
  const s = c.pathMtu;
  s.timer?.cancel();
  s.timer = null;
  s.low = 0;
}

/** The SYNs agreed `c.sendMss`: remember it, and start below it when the path is known to be narrower. */
export function pathMtuAgreed(c: TcpConnection): void {
  c.pathMtu.agreed = c.sendMss;
  const known = mssFor(c, c.host.pathMtu(c.remoteIp));
  if (known < c.sendMss) setMss(c, known, "cached");
}

/** What became of a frag-needed message about one of our segments (the stack counts it). */
export type PathMtuOutcome = "out-of-window" | "lowered" | "not-lower";

/**
 * RFC 1191 §6.4, with RFC 5927 §7's check: an ICMP "fragmentation needed and DF set" quoting our segment
 * with sequence number `seq` says the path takes `mtu` bytes. The MSS follows at once, and what was in
 * flight is sent again in segments that fit, without a congestion response: the segments were dropped for
 * their size, not for congestion (Linux's tcp_simple_retransmit).
 */
export function pathMtuReduced(c: TcpConnection, seq: number, mtu: number): PathMtuOutcome {
  const t = c.tcb;
  if (!(seqGe(seq, t.sndUna) && seqLt(seq, t.sndMax))) return "out-of-window";
  if (c.pathMtu.agreed === 0) return "not-lower"; // still opening: pathMtuAgreed reads the cache
  const mss = mssFor(c, mtu);
  if (mss >= c.sendMss) return "not-lower";
  stopSearch(c);
  setMss(c, mss, "icmp");
  if (canSendData(c) && t.sndUna !== t.sndMax) {
    t.sndNxt = t.sndUna;
    output(c);
  }
  return "lowered";
}

/**
 * The IP layer's path MTU towards this connection's peer changed to `mtu`: lowered (a frag-needed about
 * another connection there) or back up (RFC 1191 §6.3: the learned value expired; try the larger size).
 */
export function pathMtuChanged(c: TcpConnection, mtu: number): void {
  const s = c.pathMtu;
  if (s.agreed === 0) return;
  const mss = Math.min(s.agreed, mssFor(c, mtu));
  if (mss < c.sendMss) {
    stopSearch(c);
    setMss(c, mss, "lowered");
  } else if (mss > c.sendMss && s.low === 0) {
    setMss(c, mss, "expired");
  }
}

/**
 * Called as the retransmission timer fires, before the retransmission: black-hole detection (RFC 4821
 * §3 and RFC 8899 §4.3: full-sized segments lost again and again while ICMP says nothing). Outside a
 * search, BLACK_HOLE_RTOS timeouts in a row lower the MSS (the first time to BASE_MSS, then by half,
 * not below BLACK_HOLE_FLOOR_MSS); during a search, one timeout of a probed size marks it too big.
 */
export function blackHoleCheck(c: TcpConnection): void {
  const t = c.tcb;
  const s = c.pathMtu;
  if (s.agreed === 0 || seqDiff(t.sndMax, t.sndUna) < c.sendMss) {
    s.streak = 0;
    return;
  }
  if (s.streak > 0 && t.sndUna === s.streakUna) s.streak++;
  else {
    s.streak = 1;
    s.streakUna = t.sndUna;
  }
  const probing = s.low !== 0 && c.sendMss > s.low;
  if (!probing && s.streak < BLACK_HOLE_RTOS) return;
  s.streak = 0;
  if (probing) {
    s.high = c.sendMss;
    setMss(c, s.low, "probe-lost");
  } else {
    // As Linux: the first detection only goes down to BASE_MSS (a segment already that small stays),
    // later ones halve.
    const mss = s.detected ? Math.max(BLACK_HOLE_FLOOR_MSS, c.sendMss >> 1) : Math.min(c.sendMss, BASE_MSS);
    s.detected = true;
    if (mss >= c.sendMss) return;
    s.low = mss;
    s.high = c.sendMss;
    setMss(c, mss, "black-hole");
  }
  armSearch(c, confirmDelay(c));
}

function confirmDelay(c: TcpConnection): number {
  // The RTO without its backoff: a black hole has just backed it off, and the path is fine again.
  const r = c.rtt;
  const rto = r.srtt !== undefined && r.rttvar !== undefined ? Math.max(c.config.minRto, r.srtt + 4 * r.rttvar) : r.rto;
  return CONFIRM_RTOS * rto;
}

function armSearch(c: TcpConnection, delay: number): void {
  const s = c.pathMtu;
  s.timer?.cancel();
  s.timer = c.host.clock.schedule(delay, () => searchStep(c));
}

/**
 * One step of the search up (RFC 8899 §5.1: probe, confirm, raise): once the current size has carried
 * data, it is the new floor and the size halfway to `high` is tried; when the range is narrow, the search
 * ends and starts again from the agreed MSS after PROBE_INTERVAL_MS, in case the path grew.
 */
function searchStep(c: TcpConnection): void {
  const s = c.pathMtu;
  s.timer = null;
  if (!canSendData(c)) {
    s.low = 0;
    return;
  }
  const t = c.tcb;
  if (s.low !== 0 && !seqGe(t.sndUna, s.confirmSeq)) {
    // Nothing sent at this size is acknowledged yet: wait; twice as long each time the connection is idle.
    s.idleWait = t.sndUna === t.sndMax ? Math.min(MAX_IDLE_WAIT_MS, 2 * (s.idleWait || confirmDelay(c))) : 0;
    armSearch(c, s.idleWait || confirmDelay(c));
    return;
  }
  s.idleWait = 0;
  if (s.low === 0) {
    // The raise timer: search again from what the path is known to take, up to what the SYNs agreed.
    s.low = c.sendMss;
    s.high = Math.min(s.agreed, mssFor(c, c.host.pathMtu(c.remoteIp))) + 1;
  } else {
    s.low = c.sendMss;
  }
  if (s.high - s.low <= SEARCH_DONE_BYTES) {
    s.low = 0;
    if (c.sendMss < s.agreed) armSearch(c, PROBE_INTERVAL_MS);
    return;
  }
  setMss(c, (s.low + s.high) >> 1, "probing");
  armSearch(c, confirmDelay(c));
}
