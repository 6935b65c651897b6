import { assertNever } from "./assert-never.js";
import { TcpFlags } from "../wire/types.js";
import type { AckSample } from "./congestion.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";
import { challengeAck, sendAck, sendReset, sendSyn } from "./output.js";
import { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt } from "../wire/seq.js";
import { ecnEchoArrived, ecnSegmentArrived } from "./ecn.js";
import { peerWindow } from "./option-negotiation.js";
import { MEMORY_REFUSED } from "./receive-buffer.js";
import { tuningDataArrived } from "./receive-tuning.js";
import { TimerKind } from "./timers.js";
import { pawsRejects, timestampRttSample, updateTsRecent } from "./timestamps.js";

const { FIN, SYN, RST, ACK, ECE, PSH } = TcpFlags;
const EMPTY = new Uint8Array(0);

/**
 * RFC 9293 §3.10.7 SEGMENT ARRIVES for a connection with a TCB (SYN-SENT and the synchronized states,
 * SYN-RECEIVED included); CLOSED and LISTEN (no TCB yet) are in closed.ts and listen.ts. The steps are
 * numbered as in the RFC; RFC 5961 replaces the RST, SYN and ACK checks with their challenge-ACK versions.
 */
export function segmentArrives(c: TcpConnection, seg: SegmentHeader, payload: Uint8Array): void {
  switch (c.state) {
    case "CLOSED":
    case "LISTEN":
      return;
    case "SYN-SENT":
      synSent(c, seg, payload);
      return;
    case "ESTABLISHED":
      if (!predicted(c, seg, payload)) synchronized(c, seg, payload);
      return;
    case "SYN-RECEIVED":
    case "FIN-WAIT-1":
    case "FIN-WAIT-2":
    case "CLOSE-WAIT":
    case "CLOSING":
    case "LAST-ACK":
    case "TIME-WAIT":
      synchronized(c, seg, payload);
      return;
    default:
      assertNever(c.state);
  }
}

/** §3.10.7.3 SYN-SENT STATE. */
function synSent(c: TcpConnection, seg: SegmentHeader, payload: Uint8Array): void {
  const t = c.tcb;
  const flags = seg.flags;
  let ackAcceptable = false;
  // First, check the ACK bit: SND.UNA < SEG.ACK =< SND.NXT (with SND.UNA = ISS here).
  if (flags & ACK) {
    if (seqLe(seg.ack, t.iss) || seqGt(seg.ack, t.sndMax)) {
      // "send a reset (unless the RST bit is set, if so drop the segment and return) <SEQ=SEG.ACK><CTL=RST>"
      if (!(flags & RST)) sendReset(c, seg.ack);
      c.drop("syn-sent-bad-ack");
      return;
    }
    ackAcceptable = true;
  }
  // Second, check the RST bit: only an RST that acknowledges our SYN counts (RFC 5961 §3.2 has nothing
  // stricter here, since SEG.ACK already had to match).
  if (flags & RST) {
    if (ackAcceptable) {
      if (c.observed) c.publish({ type: "abort", reason: "refused" });
      c.fail("refused");
    }
    return;
  }
  // Third (security) does not apply. Fourth, check the SYN bit.
  if (!(flags & SYN)) return;
  t.irs = seg.seq;
  t.rcvNxt = seqAdd(seg.seq, 1);
  t.rcvAdv = t.rcvNxt;
  c.applySynOptions(seg);
  if (ackAcceptable) {
    t.sndUna = seg.ack;
    if (seqLt(t.sndNxt, t.sndUna)) t.sndNxt = t.sndUna;
  }
  if (seqGt(t.sndUna, t.iss)) {
    // Our SYN has been ACKed: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    takeRttSample(c, seg, false);
    c.timers.clear(TimerKind.retransmit);
    if (c.handshake.retries > 0) c.rtt.resetAfterSynTimeout();
    initWindow(c, seg, seg.seq);
    if (!c.setState("ESTABLISHED")) return;
    c.receiver.ackNow = true;
    // "If there are other controls or text in the segment, then continue processing at the sixth step."
    if (payload.length > 0 || flags & FIN) processText(c, seg, seqAdd(seg.seq, 1) | 0, flags, payload);
    return;
  }
  // Simultaneous open: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. Data on it is dropped (the peer
  // retransmits what we do not acknowledge).
  c.setState("SYN-RECEIVED");
  sendSyn(c);
  c.timers.set(TimerKind.retransmit, c.rtt.rto);
}

/**
 * Header prediction (Jacobson's for 4.3BSD; Linux's tcp_rcv_established fast path), for ESTABLISHED: the
 * next in-order data segment of a flow that sends nothing back, with no flag but ACK and PSH, the ACK at
 * SND.UNA = SND.MAX and the window as it was, passes every step of §3.10.7.4 before the text without
 * changing anything there: it is acceptable (it starts at RCV.NXT and fits the window, PAWS passes), has
 * no RST or SYN, and its ACK is acceptable but acknowledges nothing, starts no recovery (nothing is in
 * flight) and leaves SND.WND alone. What is left is what every accepted segment does (TS.Recent by R3,
 * keep-alive, SND.WL1 and SND.WL2), then the text. Any other segment returns false and takes the full path.
 */
function predicted(c: TcpConnection, seg: SegmentHeader, payload: Uint8Array): boolean {
  const t = c.tcb;
  const length = payload.length;
  if ((seg.flags & ~PSH) !== ACK || seg.seq !== t.rcvNxt || length === 0 || length > t.rcvWnd) return false;
  if (seg.ack !== t.sndUna || t.sndUna !== t.sndMax || t.sndWnd === 0 || c.sender.probing) return false;
  if (c.ecn !== null || c.receiveBuffer.outOfOrderRanges.length > 0) return false;
  const o = seg.options;
  if (o.sackBlocks !== undefined && o.sackBlocks.length > 0) return false;
  if (peerWindow(c.agreed, seg.window, false) !== t.sndWnd) return false;
  if (c.ts !== null && (o.timestamps === undefined || ((o.timestamps.tsval - c.ts.recent) | 0) < 0)) return false;
  c.noteAlive();
  updateTsRecent(c, seg);
  t.sndWl1 = seg.seq;
  t.sndWl2 = seg.ack;
  processText(c, seg, seg.seq | 0, seg.flags, payload);
  return true;
}

/** §3.10.7.4 Other states. */
function synchronized(c: TcpConnection, seg: SegmentHeader, payload: Uint8Array): void {
  const t = c.tcb;
  let flags = seg.flags;
  let seq = seg.seq;

  // A repeat of the peer's SYN while our SYN-ACK is outstanding: our SYN-ACK was lost, so resend it now
  // rather than wait for our own timer (the RFC's acceptability test would answer with a bare ACK).
  if (c.state === "SYN-RECEIVED" && flags & SYN && seq === t.irs) {
    if (!(flags & ACK)) {
      sendSyn(c);
      return;
    }
    // Simultaneous open (RFC 9293 Figure 8, line 6): the peer's SYN,ACK repeats the SYN we took; its ACK
    // completes our handshake.
    flags &= ~SYN;
    seq = seqAdd(seq, 1);
  }

  // RFC 7323 §5.3 R1 (PAWS) comes first: an old duplicate is dropped, with an ACK, as if unacceptable.
  if (pawsRejects(c, seg)) {
    if (outOfWindowAckAllowed(c, flags, payload.length)) sendAck(c);
    c.drop("paws-rejected");
    return;
  }

  // First, check the sequence number (the four cases of the acceptability test), then trim to the window.
  let data = payload;
  const segLen = data.length + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
  const wnd = t.rcvWnd;
  let acceptable: boolean;
  if (segLen === 0) {
    acceptable = wnd === 0 ? seq === t.rcvNxt : seqInWindow(seq, t.rcvNxt, wnd);
  } else if (wnd === 0) {
    // RFC 9293: with a zero window, still take valid ACKs and RSTs; the data is dropped below.
    acceptable = seq === t.rcvNxt;
  } else {
    acceptable = seqInWindow(seq, t.rcvNxt, wnd) || seqInWindow(seqAdd(seq, segLen - 1), t.rcvNxt, wnd);
  }
  if (!acceptable) {
    // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply (unless the RST
    // bit is set)." In TIME-WAIT a retransmitted FIN also restarts the 2 MSL timeout.
    if (!(flags & RST)) {
      // Data we already hold (a spurious retransmission, or a duplicate) is reported as a D-SACK block.
      const end = seqAdd(seq, data.length);
      if (data.length > 0 && seqLe(end, t.rcvNxt)) c.sackReport()?.duplicate(seq, end);
      if (outOfWindowAckAllowed(c, flags, data.length)) sendAck(c);
      if (c.state === "TIME-WAIT" && flags & FIN) c.timers.set(TimerKind.timeWait, 2 * c.config.msl);
    }
    c.drop("unacceptable-segment");
    return;
  }
  // Trim the front (bytes before RCV.NXT, SYN first) and the tail (past the window; a FIN there goes too).
  const before = seqDiff(t.rcvNxt, seq);
  if (before > 0) {
    let cut = before;
    if (flags & SYN) {
      flags &= ~SYN;
      cut--;
    }
    const sack = cut > 0 && data.length > 0 ? c.sackReport() : null;
    if (sack !== null) {
      // Partly old: D-SACK the bytes we had (RFC 2883 §4.1.1), at once.
      const dataStart = seqAdd(t.rcvNxt, -cut);
      if (sack.duplicate(dataStart, seqAdd(dataStart, Math.min(cut, data.length)))) c.receiver.ackNow = true;
    }
    if (cut >= data.length) {
      if (cut > data.length) flags &= ~FIN;
      data = EMPTY;
    } else {
      data = data.subarray(cut);
    }
    seq = t.rcvNxt;
  }
  const room = seqDiff(seqAdd(t.rcvNxt, wnd), seq);
  if (data.length > room) {
    data = room > 0 ? data.subarray(0, room) : EMPTY;
    flags &= ~FIN;
    // What lies past the window is not acceptable, and "an acknowledgment should be sent in reply"; with a
    // zero window this is the answer a probe MUST get (RFC 1122 §4.2.2.17), else the sender never hears.
    c.receiver.ackNow = true;
  }

  // Second, check the RST bit (RFC 5961 §3.2): exactly RCV.NXT resets; elsewhere in the window, challenge.
  if (flags & RST) {
    if (seg.seq !== t.rcvNxt) {
      challengeAck(c);
      return;
    }
    switch (c.state) {
      case "SYN-RECEIVED":
        // Passive OPEN: "return this connection to the LISTEN state" (the listener forgets the half-open
        // TCB). Active OPEN: "the connection was refused".
        if (c.handshake.passive) c.setState("CLOSED");
        else c.fail("refused");
        return;
      case "ESTABLISHED":
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
      case "CLOSE-WAIT":
        if (c.observed) c.publish({ type: "abort", reason: "reset" });
        c.fail("reset");
        return;
      case "TIME-WAIT":
        // RFC 1337 (an option, off as in Linux): an RST must not end TIME-WAIT early ("assassination").
        if (c.config.rfc1337) {
          c.drop("time-wait-rst-ignored");
          return;
        }
        c.setState("CLOSED");
        return;
      case "CLOSING":
      case "LAST-ACK":
        c.setState("CLOSED");
        return;
      case "CLOSED":
      case "LISTEN":
      case "SYN-SENT":
        return;
      default:
        assertNever(c.state);
    }
  }

  // Third, security: not applicable. Fourth, check the SYN bit (RFC 5961 §4: challenge ACK, whatever the
  // sequence number). A passive SYN-RECEIVED returns to LISTEN instead.
  if (flags & SYN) {
    if (c.state === "SYN-RECEIVED" && c.handshake.passive) {
      c.setState("CLOSED");
      return;
    }
    challengeAck(c);
    return;
  }

  // Fifth, check the ACK field.
  if (!(flags & ACK)) {
    c.drop("no-ack");
    return;
  }
  c.noteAlive();
  // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state" in SYN-RECEIVED; RFC 5961 §5.2's range later.
  const ackAcceptable =
    c.state === "SYN-RECEIVED" ? seqGt(seg.ack, t.sndUna) && seqLe(seg.ack, t.sndMax) : !ackOutOfWindow(t, seg.ack);
  // RFC 7323 §5.3 R3 records TS.Recent only from a segment that survives the RST, SYN and ACK checks, not from
  // one they drop or challenge (RFC 5961): a forged in-window segment with a bad ACK or a RST must not move
  // it, or PAWS would then drop the real peer's segments. Before the ACK is processed, so what it clocks
  // out echoes this segment.
  if (ackAcceptable) updateTsRecent(c, seg);
  if (c.state === "SYN-RECEIVED") {
    // "... otherwise <SEQ=SEG.ACK><CTL=RST>."
    if (!ackAcceptable) {
      sendReset(c, seg.ack);
      return;
    }
    takeRttSample(c, seg, c.handshake.retries > 0);
    t.sndUna = seg.ack;
    if (seqLt(t.sndNxt, t.sndUna)) t.sndNxt = t.sndUna;
    c.timers.clear(TimerKind.retransmit);
    if (c.handshake.retries > 0) c.rtt.resetAfterSynTimeout();
    initWindow(c, seg, seq);
    if (!c.setState("ESTABLISHED")) return;
    // False when the listener refused it (its accept queue is full) and reset it.
    if (c.onEstablished !== null && !c.onEstablished(c)) return;
    if (c.sender.finQueued) c.setState("FIN-WAIT-1");
  } else if (!processAck(c, seg, data.length, flags)) {
    return;
  }
  if (c.ecn !== null) ecnSegmentArrived(c, c.ecn, seg);

  switch (c.state) {
    case "FIN-WAIT-1":
      // "In addition to the processing for the ESTABLISHED state, if the FIN segment is now acknowledged,
      // then enter FIN-WAIT-2 and continue processing in that state."
      if (c.sender.finQueued && seqGt(t.sndUna, c.finSeq)) c.setState("FIN-WAIT-2");
      break;
    case "CLOSING":
      // "If the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment."
      if (seqGt(t.sndUna, c.finSeq)) c.setState("TIME-WAIT");
      return;
    case "LAST-ACK":
      // "The only thing that can arrive in this state is an acknowledgment of our FIN."
      if (seqGt(t.sndUna, c.finSeq)) c.setState("CLOSED");
      return;
    case "TIME-WAIT":
      // "The only thing that can arrive in this state is a retransmission of the remote FIN. Acknowledge
      // it, and restart the 2 MSL timeout." (An in-window FIN lands here only if it was a new one.)
      if (flags & FIN) {
        c.receiver.ackNow = true;
        c.timers.set(TimerKind.timeWait, 2 * c.config.msl);
      }
      return;
    case "CLOSED":
    case "LISTEN":
    case "SYN-SENT":
    case "SYN-RECEIVED":
    case "ESTABLISHED":
    case "FIN-WAIT-2":
    case "CLOSE-WAIT":
      break;
    default:
      assertNever(c.state);
  }

  // Sixth, the URG bit: urgent data is delivered inline as ordinary data (RFC 6093 recommends against
  // relying on it). Seventh and eighth: the segment text and FIN.
  processText(c, seg, seq | 0, flags, data);
}

/** RFC 5961 §5.2: an ACK is acceptable only if (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT. */
function ackOutOfWindow(t: TcpConnection["tcb"], ack: number): boolean {
  return seqGt(ack, t.sndMax) || seqLt(ack, seqAdd(t.sndUna, -Math.max(t.maxSndWnd, 1)));
}

/**
 * The ACK field in ESTABLISHED and later states. Returns false when the segment must be dropped.
 */
function processAck(c: TcpConnection, seg: SegmentHeader, dataLen: number, flags: number): boolean {
  const t = c.tcb;
  const ack = seg.ack;
  const seq = seg.seq;
  if (ackOutOfWindow(t, ack)) {
    c.drop("ack-out-of-window");
    challengeAck(c);
    return false;
  }
  // A recovery tracks the data and FIN sent (and SACK blocks); before any went out an ACK of the SYN alone
  // has nothing to tell it, so it is not made for one (an idle connection holds none).
  const blocks = seg.options.sackBlocks;
  const recovery =
    c.recoveryIfMade === null && ack === t.sndMax && (blocks === undefined || blocks.length === 0) ? null : c.recovery;
  recovery?.ackArrived(seg);
  const oldWnd = t.sndWnd;
  const window = peerWindow(c.agreed, seg.window, (flags & SYN) !== 0);
  const flight = seqDiff(t.sndMax, t.sndUna);
  if (seqGt(ack, t.sndUna)) {
    const acked = seqDiff(ack, t.sndUna);
    const dataAcked = Math.min(c.sendBuffer.length, Math.max(0, seqDiff(ack, t.dataSeq)));
    if (dataAcked > 0) {
      c.sendBuffer.consume(dataAcked);
      t.dataSeq = seqAdd(t.dataSeq, dataAcked);
      c.notices.writable = true;
    }
    t.sndUna = ack;
    c.softError = undefined; // new data acknowledged: the path works (icmp-error.ts)
    if (seqLt(t.sndNxt, t.sndUna)) t.sndNxt = t.sndUna;
    const samples = c.rtt.samples;
    takeRttSample(c, seg, false);
    const sample = ackSample(c, acked, ack, flight);
    sample.rtt = c.rtt.samples !== samples ? c.rtt.latest : 0;
    const verdict = recovery === null ? "grow" : recovery.ackAdvanced(sample);
    // RFC 3168 §6.1.2: "the TCP source should not increase the congestion window in response to the
    // receipt of an ECN-Echo ACK packet".
    if (verdict === "grow" && !(flags & ECE && c.ecn !== null)) c.cc.onAck(sample);
    // RFC 6298 §5.2 and §5.3: stop the timer when all is acknowledged, else restart it (unless recovery
    // keeps it running).
    if (t.sndUna === t.sndMax) {
      c.sender.idleSince = sample.now;
      c.timers.clear(TimerKind.retransmit);
      c.timers.clear(TimerKind.user);
    } else {
      if (verdict !== "recovering-timer-kept") c.timers.set(TimerKind.retransmit, c.rtt.rto);
      c.timers.set(TimerKind.user, c.config.userTimeout);
    }
  } else if (ack === t.sndUna && t.sndUna !== t.sndMax) {
    // RFC 5681 §2: a duplicate ACK carries no data, no SYN or FIN, and leaves the window as it was.
    const duplicate = dataLen === 0 && !(flags & (SYN | FIN)) && window === oldWnd;
    c.recovery.ackHeld(ackSample(c, 0, ack, seqDiff(t.sndMax, t.sndUna)), duplicate);
  }
  if (flags & ECE && c.ecn !== null) ecnEchoArrived(c, c.ecn, ack, flight);
  // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated" when the segment is newer
  // (SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).
  if (seqGe(ack, t.sndUna)) {
    if (seqLt(t.sndWl1, seq) || (t.sndWl1 === seq && seqLe(t.sndWl2, ack))) {
      t.sndWnd = window;
      if (window > 0) c.windowOpened();
      if (window > t.maxSndWnd) t.maxSndWnd = window;
      t.sndWl1 = seq;
      t.sndWl2 = ack;
      if (window === 0 && t.sndUna !== t.sndMax) {
        // The peer answers but cannot take data: it is alive, so the user timeout starts over.
        c.timers.set(TimerKind.user, c.config.userTimeout);
      }
    }
  }
  return true;
}

/** "Set SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK" on completing the handshake. */
function initWindow(c: TcpConnection, seg: SegmentHeader, seq: number): void {
  const t = c.tcb;
  t.sndWnd = peerWindow(c.agreed, seg.window, (seg.flags & SYN) !== 0);
  if (t.sndWnd > t.maxSndWnd) t.maxSndWnd = t.sndWnd;
  t.sndWl1 = seq;
  t.sndWl2 = seg.ack;
}

/**
 * The ACK facts for loss recovery and the congestion controller, in one reused record: one is made for
 * every ACK that advances SND.UNA (every other segment of a bulk transfer), and neither keeps it past the
 * call. `ackSample` fills it and hands it on explicitly.
 */
// Sequence numbers, clock readings and RTTs as doubles (-0) from the start (see ControlBlock).
const sample: AckSample = { acked: 0, ack: -0, flight: 0, sndMax: -0, mss: 0, now: -0, srtt: -0, rtt: -0 };

function ackSample(c: TcpConnection, acked: number, ack: number, flight: number): AckSample {
  const s = sample;
  s.acked = acked;
  s.ack = ack;
  s.flight = flight;
  s.sndMax = c.tcb.sndMax;
  s.mss = c.sendMss;
  s.now = c.host.clock.now();
  s.srtt = c.rtt.srtt ?? 0;
  s.rtt = 0;
  return s;
}

/**
 * RFC 6298 §3 with Karn's rule: only a segment sent once, acknowledged now, gives a sample. With
 * timestamps (RFC 7323 §4.1) the echo measures every ACK, retransmissions included.
 */
function takeRttSample(c: TcpConnection, seg: SegmentHeader, retransmitted: boolean): void {
  const ack = seg.ack;
  if (timestampRttSample(c, seg, seqDiff(c.tcb.sndMax, c.tcb.sndUna))) {
    c.rtt.timing = false;
    return;
  }
  if (retransmitted) {
    c.rtt.timing = false;
    return;
  }
  if (c.state === "SYN-SENT" || c.state === "SYN-RECEIVED") {
    // The SYN itself: sampled only if it was never retransmitted.
    if (c.handshake.retries === 0 && c.handshake.timed) c.rtt.sample(c.host.clock.now() - c.handshake.sentAt);
    return;
  }
  if (c.rtt.timing && seqGe(ack, c.rtt.timedSeq)) {
    c.rtt.sample(c.host.clock.now() - c.rtt.timedAt);
    c.rtt.timing = false;
  }
}

/** Linux's tcp_invalid_ratelimit: the least time between two ACKs answering out-of-window bare segments. */
const OUT_OF_WINDOW_ACK_INTERVAL = 500;

/**
 * Whether an unacceptable or PAWS-rejected segment may be answered with an ACK now (RFC 9293 §3.10.7.4 says
 * it should be). Two ends that disagree on the sequence space (a half-open connection against an old
 * incarnation in TIME-WAIT, after a blind attacker's packets) would otherwise answer each other's bare ACKs
 * forever, an ACK war; Linux's tcp_oow_rate_limited answers a bare ACK (or SYN) out of the window at most
 * once per 500 ms per connection, and every segment that carries data at once (its ACK reports a
 * duplicate). The segment is still counted as dropped.
 */
function outOfWindowAckAllowed(c: TcpConnection, flags: number, dataLength: number): boolean {
  if (dataLength > 0 && !(flags & SYN)) return true;
  const now = c.host.clock.now();
  if (now - c.receiver.lastOutOfWindowAck < OUT_OF_WINDOW_ACK_INTERVAL) return false;
  c.receiver.lastOutOfWindowAck = now;
  return true;
}

/**
 * Segments of one run in a burst acknowledged together at most (ConnectionHost.inBurst): 64 KiB of
 * 1448-byte segments, Linux's GRO_MAX_SIZE.
 */
const RUN_ACK_SEGMENTS = 45;

/**
 * Seventh (segment text) and eighth (FIN) steps, for ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2. The segment's
 * first sequence number comes as a signed 32-bit integer (`seq | 0`): as an unsigned one at or above 2^31,
 * half of all ISNs, it is a double, which V8 boxes in a fresh HeapNumber for every call it does not inline
 * (this one is too large to be), one per data segment (per-segment-budget.md, Session 13).
 */
function processText(c: TcpConnection, seg: SegmentHeader, seqInt32: number, flags: number, data: Uint8Array): void {
  const seq = seqInt32 >>> 0;
  const t = c.tcb;
  switch (c.state) {
    case "ESTABLISHED":
    case "FIN-WAIT-1":
    case "FIN-WAIT-2":
      break;
    case "CLOSE-WAIT":
    case "CLOSING":
    case "LAST-ACK":
    case "TIME-WAIT":
      // "This should not occur since a FIN has been received from the remote side. Ignore the segment text."
      return;
    case "CLOSED":
    case "LISTEN":
    case "SYN-SENT":
    case "SYN-RECEIVED":
      return;
    default:
      assertNever(c.state);
  }
  const offset = seqDiff(seq, t.rcvNxt);
  if (data.length > 0) {
    const advanced = c.receiveBuffer.insert(offset, data);
    if (advanced < 0) {
      c.drop(advanced === MEMORY_REFUSED ? "memory-pressure" : "reassembly-full");
      c.receiver.ackNow = true;
      return;
    }
    if (offset > 0) {
      // RFC 5681 §4.2: an out-of-order segment gets an immediate (duplicate) ACK, with its SACK block first.
      c.receiver.ackNow = true;
      c.sackReport()?.arrived(seq);
      if (flags & FIN) c.receiver.pendingFin = seqAdd(seq, data.length);
    } else {
      t.rcvNxt = seqAdd(t.rcvNxt, advanced);
      c.stats.bytesReceived += advanced;
      if (c.receiveBufferGrows) tuningDataArrived(c, seg, data.length);
      c.notices.readable = true;
      // Filling all or part of a gap is acknowledged at once (RFC 5681 §4.2): a segment that joined data
      // held above it, or one that left data above it still held (the first of two lost segments resent;
      // delayed, its ACK held the sender's recovery back by up to the delayed-ACK timeout). Otherwise every
      // second segment (RFC 5681 §4.2), or, inside a burst of the link, at the end of the flow's run
      // (connection.ts runEnded): the run's segments arrived together, and one ACK covers them as Linux's
      // covers a GRO aggregate, sent after the reader took them so it carries the reopened window.
      const gapFilled = advanced > data.length || c.receiveBuffer.outOfOrderRanges.length > 0;
      const unacked = ++c.receiver.unackedSegments;
      if (gapFilled || unacked >= RUN_ACK_SEGMENTS || (unacked >= 2 && !c.host.inBurst)) c.receiver.ackNow = true;
      else c.timers.ensure(TimerKind.delayedAck, c.config.delayedAckTimeout);
    }
  } else if (flags & FIN && offset > 0) {
    c.receiver.pendingFin = seq;
    c.receiver.ackNow = true;
  }
  const finHere = flags & FIN && seqAdd(seq, data.length) === t.rcvNxt;
  const finQueuedEarlier = c.receiver.pendingFin !== null && c.receiver.pendingFin === t.rcvNxt;
  if (finHere || finQueuedEarlier) receiveFin(c);
}

/** Eighth, check the FIN bit: it is in order now. */
function receiveFin(c: TcpConnection): void {
  const t = c.tcb;
  c.receiver.pendingFin = null;
  c.receiver.finReceived = true;
  t.rcvNxt = seqAdd(t.rcvNxt, 1);
  c.receiver.ackNow = true;
  c.notices.readable = true;
  switch (c.state) {
    case "SYN-RECEIVED":
    case "ESTABLISHED":
      c.setState("CLOSE-WAIT");
      break;
    case "FIN-WAIT-1":
      // "If our FIN has been ACKed ... enter TIME-WAIT ... otherwise, enter the CLOSING state."
      if (c.sender.finQueued && seqGt(t.sndUna, c.finSeq)) c.setState("TIME-WAIT");
      else c.setState("CLOSING");
      break;
    case "FIN-WAIT-2":
      c.setState("TIME-WAIT");
      break;
    case "CLOSED":
    case "LISTEN":
    case "SYN-SENT":
    case "CLOSE-WAIT":
    case "CLOSING":
    case "LAST-ACK":
    case "TIME-WAIT":
      break;
    default:
      assertNever(c.state);
  }
}
