import type { TcpConnection } from "./connection.js";
import { initialWindow } from "./congestion.js";

/**
 * RFC 5681 §4.1 restart after idle: when nothing has been in flight for at least one RTO, the ACK clock has
 * stopped and cwnd no longer says what the path takes now; the next send starts from at most the restart
 * window RW = min(IW, cwnd). Called when new data is about to go out with nothing outstanding.
 */
export function restartAfterIdle(c: TcpConnection): void {
  const now = c.host.clock.now();
  if (now - c.sender.idleSince < c.rtt.rto) return;
  c.sender.idleSince = now;
  const before = c.cc.cwnd;
  c.cc.onIdle(initialWindow(c.sendMss));
  if (c.cc.cwnd < before && c.observed) c.publish({ type: "cwnd", reason: "idle-restart", cwnd: c.cc.cwnd });
}
