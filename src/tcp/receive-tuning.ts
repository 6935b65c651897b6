import { seqGe, seqAdd } from "../wire/seq.js";
import type { SegmentHeader, TcpConnection } from "./connection.js";
import { tsNow } from "./timestamps.js";

/**
 * Receive-buffer autotuning (dynamic right-sizing, as Linux's tcp_rcv_space_adjust with tcp_moderate_rcvbuf):
 * the receive buffer, and so the window offered, starts at `INITIAL_RECEIVE_WINDOW` and grows, once per
 * round trip, to about twice what the application read in the last one, up to `TcpConfig.receiveBufferSize`
 * (for which the SYN's window scale is chosen). A reader keeping pace with a long, fast path opens the
 * window as far as the path needs; a connection nobody reads, or reads slowly, never offers more than it
 * consumes, so a fast sender cannot make it hold megabytes.
 *
 * The round trip is the receiver's own estimate (Linux's rcv_rtt_est): with timestamps, now - TSecr of a
 * full-sized data segment (smoothed by 1/8); without, the time it takes to receive one window (the least
 * seen); before either, the handshake's RTT.
 */

/** The window a tuned buffer starts with: 64 KiB, what Linux's default tcp_rmem[1] (128 KiB) offers. */
export const INITIAL_RECEIVE_WINDOW = 65536;

/** The measurement state, made once a flow is under way (`TcpConnection.receiveTuning`). */
export class ReceiveTuning {
  /** Bytes the application had read when this round's measurement started, and when (clock ms). */
  readSeq: number;
  readAt: number;
  /** The most read in one measured round trip so far (Linux's rcvq_space.space). */
  space: number;
  /** The receiver's RTT estimate (ms), 0 before a sample. */
  rtt = 0;
  /** The last TSecr sampled (one sample per echo), and the window measurement's end and start. */
  lastTsecr = 0;
  windowEnd = 0;
  windowStart = -1;

  constructor(now: number, space: number, read: number) {
    this.readAt = now;
    this.space = space;
    this.readSeq = read;
  }
}

/** The receive buffer's starting size for `config`: the whole buffer when tuning is off. */
export function initialReceiveBuffer(max: number, autotune: boolean): number {
  return autotune ? Math.min(max, INITIAL_RECEIVE_WINDOW) : max;
}

/**
 * In-order data arrived (`length` bytes, starting at the old RCV.NXT): one RTT sample when it shows one.
 * Only called when tuning is on and the buffer can still grow.
 */
export function tuningDataArrived(c: TcpConnection, seg: SegmentHeader, length: number): void {
  const tuning = c.receiveTuning();
  if (tuning === null) return;
  const ts = seg.options.timestamps;
  if (c.ts !== null && ts !== undefined) {
    // Linux's tcp_rcv_rtt_measure_ts: a full segment echoing a TSval not sampled yet.
    if (ts.tsecr === 0 || ts.tsecr === tuning.lastTsecr || length < Math.min(c.ourMss, c.sendMss)) return;
    tuning.lastTsecr = ts.tsecr;
    const sample = (tsNow(c) - ts.tsecr) | 0;
    if (sample <= 0 || sample > c.config.maxRto) return;
    tuning.rtt = tuning.rtt === 0 ? sample : tuning.rtt + (sample - tuning.rtt) / 8;
    return;
  }
  // Linux's tcp_rcv_rtt_measure: the time one window takes to arrive, the least seen.
  const t = c.tcb;
  const now = c.host.clock.now();
  if (tuning.windowStart >= 0 && !seqGe(t.rcvNxt, tuning.windowEnd)) return;
  if (tuning.windowStart >= 0) {
    const sample = now - tuning.windowStart;
    if (sample > 0 && (tuning.rtt === 0 || sample < tuning.rtt)) tuning.rtt = sample;
  }
  tuning.windowStart = now;
  tuning.windowEnd = seqAdd(t.rcvNxt, Math.max(t.rcvWnd, 1));
}

/**
 * The application read: once a round trip has passed since the last measurement, grow the buffer to
 * 2 * (bytes read in it) + 16 segments, plus twice the growth over the previous round (Linux's formula: a
 * reader whose rate doubles each round trip, as a sender's slow start does, stays ahead of it), never
 * past `TcpConfig.receiveBufferSize`. Returns whether the buffer grew.
 */
export function tuningRead(c: TcpConnection): boolean {
  const tuning = c.receiveTuning();
  if (tuning === null) return false;
  const now = c.host.clock.now();
  const rtt = tuning.rtt > 0 ? tuning.rtt : (c.rtt.srtt ?? 0);
  if (rtt <= 0 || now - tuning.readAt < rtt) return false;
  const read = c.stats.bytesReceived - c.receiveBuffer.length;
  const copied = read - tuning.readSeq;
  tuning.readSeq = read;
  tuning.readAt = now;
  if (copied <= tuning.space) return false;
  let window = 2 * copied + 16 * c.ourMss;
  window += 2 * Math.floor((window * (copied - tuning.space)) / tuning.space);
  tuning.space = copied;
  const target = Math.min(window, c.config.receiveBufferSize);
  if (target <= c.receiveBuffer.capacity) return false;
  c.receiveBuffer.grow(target);
  if (c.observed) c.publish({ type: "receive-buffer", size: target, read: copied, rtt });
  return true;
}
