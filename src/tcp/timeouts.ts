import { assertNever } from "./assert-never.js";
import { TcpFlags } from "../wire/types.js";
import { seqAdd, seqDiff } from "../wire/seq.js";
import type { TcpConnection } from "./connection.js";
import { canSendData, emit, output, sendAt, sendReset, sendSyn } from "./output.js";
import { ecnTimeoutCut, ecnTimerExpired } from "./ecn.js";
import { blackHoleCheck } from "./path-mtu.js";
import { timeoutReason } from "./icmp-error.js";
import { TimerKind } from "./timers.js";

const { ACK } = TcpFlags;
const EMPTY = new Uint8Array(0);

/** RFC 9293 §3.10.8 timeouts, with the RFC 6298 and RFC 1122 timers: `kind` expired on `c`. */
export function timeout(c: TcpConnection, kind: TimerKind): void {
  switch (kind) {
    case TimerKind.retransmit:
      retransmissionTimeout(c);
      break;
    case TimerKind.persist:
      persistTimeout(c);
      break;
    case TimerKind.delayedAck:
      if (c.observed) c.publish({ type: "timer", timer: "delayed-ack" });
      c.receiver.ackNow = true;
      output(c);
      break;
    case TimerKind.keepAlive:
      keepAliveTimeout(c);
      break;
    case TimerKind.timeWait:
      // "If the time-wait timeout expires on a connection, delete the TCB, enter the CLOSED state."
      if (c.observed) c.publish({ type: "timer", timer: "time-wait" });
      c.setState("CLOSED");
      break;
    case TimerKind.connect:
      if (c.state === "SYN-SENT" || (c.state === "SYN-RECEIVED" && !c.handshake.passive)) {
        if (c.observed) c.publish({ type: "timer", timer: "connect" });
        c.fail(timeoutReason(c, "connect-timeout"));
      }
      break;
    case TimerKind.recovery:
      if (canSendData(c)) {
        c.recovery.timerFired();
        output(c);
      }
      break;
    case TimerKind.user:
      // "If a user timeout expires ... flush all queues, signal 'error: connection aborted due to user
      // timeout', and enter CLOSED."
      if (c.observed) c.publish({ type: "timer", timer: "user" });
      sendReset(c, c.tcb.sndMax);
      c.fail(timeoutReason(c, "user-timeout"));
      break;
  }
  c.notify();
}

function retransmissionTimeout(c: TcpConnection): void {
  const t = c.tcb;
  if (c.ecn !== null && ecnTimerExpired(c, c.ecn)) {
    output(c);
    return;
  }
  c.stats.timeouts++;
  switch (c.state) {
    case "SYN-SENT":
    case "SYN-RECEIVED":
      if (c.handshake.retries >= c.config.synRetries) {
        if (c.observed) c.publish({ type: "abort", reason: "syn-retries" });
        if (c.handshake.passive) c.setState("CLOSED");
        else c.fail(timeoutReason(c, "connect-timeout"));
        return;
      }
      c.handshake.retries++;
      c.rtt.backoff();
      if (c.observed)
        c.publish({ type: "rto", rto: c.rtt.rto, backoff: c.rtt.backoffs, synRetry: c.handshake.retries });
      c.noteRetransmit(c.tcb.iss, 0);
      sendSyn(c);
      c.timers.set(TimerKind.retransmit, c.rtt.rto);
      return;
    case "ESTABLISHED":
    case "FIN-WAIT-1":
    case "CLOSE-WAIT":
    case "CLOSING":
    case "LAST-ACK":
      break;
    case "CLOSED":
    case "LISTEN":
    case "FIN-WAIT-2":
    case "TIME-WAIT":
      return;
    default:
      assertNever(c.state);
  }
  if (t.sndUna === t.sndMax) return;
  // A zero window is the peer being slow, not the network being congested: probe without collapsing cwnd.
  if (t.sndWnd > 0) {
    c.recovery.timeout();
    if (c.ecn !== null) ecnTimeoutCut(c, c.ecn);
  } else c.sender.probing = true;
  c.rtt.backoff();
  c.rtt.timing = false;
  if (c.observed) c.publish({ type: "rto", rto: c.rtt.rto, backoff: c.rtt.backoffs, synRetry: null });
  blackHoleCheck(c);
  // RFC 6298 §5.4: retransmit the earliest unacknowledged segment; then go back to SND.UNA.
  const usable = Math.min(t.sndWnd, c.cc.cwnd);
  t.sndNxt = sendAt(c, t.sndUna, Math.min(c.sendMss, Math.max(1, usable)));
  c.timers.set(TimerKind.retransmit, c.rtt.rto);
}

/** RFC 9293 §3.8.6.1 zero-window probe, also the override of sender SWS avoidance. */
function persistTimeout(c: TcpConnection): void {
  if (!canSendData(c)) return;
  const t = c.tcb;
  if (t.sndUna !== t.sndMax) return;
  const avail = c.sendBuffer.length - seqDiff(t.sndNxt, t.dataSeq);
  if (avail <= 0) return;
  if (c.observed) c.publish({ type: "timer", timer: "persist", window: t.sndWnd });
  const usable = Math.min(t.sndWnd, c.cc.cwnd);
  if (t.sndWnd === 0) c.sender.probing = true;
  t.sndNxt = sendAt(c, t.sndNxt, Math.max(1, Math.min(usable, c.sendMss, avail)));
}

/** RFC 1122 §4.2.3.6: probe an idle connection with <SEQ=SND.UNA-1>, which elicits an ACK. */
function keepAliveTimeout(c: TcpConnection): void {
  switch (c.state) {
    case "ESTABLISHED":
    case "CLOSE-WAIT":
    case "FIN-WAIT-1":
    case "FIN-WAIT-2":
      break;
    case "CLOSED":
    case "LISTEN":
    case "SYN-SENT":
    case "SYN-RECEIVED":
    case "CLOSING":
    case "LAST-ACK":
    case "TIME-WAIT":
      return;
    default:
      assertNever(c.state);
  }
  if (c.sender.keepAliveProbes >= c.config.keepAliveCount) {
    if (c.observed) c.publish({ type: "abort", reason: "keep-alive" });
    sendReset(c, c.tcb.sndMax);
    c.fail("keepalive-timeout");
    return;
  }
  c.sender.keepAliveProbes++;
  if (c.observed) c.publish({ type: "timer", timer: "keep-alive", probe: c.sender.keepAliveProbes });
  emit(c, seqAdd(c.tcb.sndUna, -1), ACK, EMPTY);
  c.timers.set(TimerKind.keepAlive, c.config.keepAliveInterval);
}
