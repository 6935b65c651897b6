/**
 * The connection as loss recovery sees it (`RecoverySender`): the sequence variables, the window, the clock
 * and timers, and how to send. Every recovery's counters and traces are written here, whichever recovery
 * reports them.
 */
import type { CongestionControl } from "./congestion.js";
import type { TcpConnection } from "./connection.js";
import type { RecoveryEvent, RecoverySender } from "./loss-recovery.js";
import { sendAt, sendNewSegment } from "./output.js";
import type { ControlBlock } from "./tcb.js";
import { assertNever } from "./assert-never.js";
import { TimerKind } from "./timers.js";

export class ConnectionSender implements RecoverySender {
  readonly #c: TcpConnection;

  constructor(c: TcpConnection) {
    this.#c = c;
  }

  get tcb(): ControlBlock {
    return this.#c.tcb;
  }

  get cc(): CongestionControl {
    return this.#c.cc;
  }

  get mss(): number {
    return this.#c.sendMss;
  }

  get now(): number {
    return this.#c.host.clock.now();
  }

  get srtt(): number | undefined {
    return this.#c.rtt.srtt;
  }

  setTimer(ms: number): void {
    this.#c.timers.set(TimerKind.recovery, ms);
  }

  clearTimer(): void {
    this.#c.timers.clear(TimerKind.recovery);
  }

  get rtoRemaining(): number {
    return this.#c.timers.remaining(TimerKind.retransmit);
  }

  restartRto(): void {
    this.#c.timers.set(TimerKind.retransmit, this.#c.rtt.rto);
  }

  tsvalAt(ms: number): number | null {
    const c = this.#c;
    return c.ts === null ? null : (Math.floor(ms) + c.tcb.iss) >>> 0;
  }

  resend(seq: number, len: number): void {
    sendAt(this.#c, seq, len);
  }

  sendNew(): number {
    return sendNewSegment(this.#c);
  }

  report(event: RecoveryEvent, bytes: number): void {
    const c = this.#c;
    switch (event) {
      case "recovery-start":
        c.stats.fastRetransmits++;
        if (c.host.tracing)
          c.host.trace(`${c.id} fast retransmit, recovery start${c.recovery.traceLabel}, cwnd=${c.cc.cwnd}`);
        return;
      case "recovery-end":
        if (c.host.tracing) c.host.trace(`${c.id} recovery end, cwnd=${c.cc.cwnd}`);
        return;
      case "lost-retransmission":
        if (c.host.tracing) c.host.trace(`${c.id} lost retransmission found, ${bytes} bytes`);
        return;
      case "loss-probe":
        c.stats.lossProbes++;
        if (c.host.tracing) c.host.trace(`${c.id} tail loss probe, ${bytes} bytes`);
        return;
      case "undo":
        c.stats.undos++;
        if (c.host.tracing) c.host.trace(`${c.id} spurious recovery undone, cwnd=${c.cc.cwnd}`);
        return;
      case "probe-repaired-loss":
        if (c.host.tracing) c.host.trace(`${c.id} loss repaired by the probe, cwnd=${c.cc.cwnd}`);
        return;
      default:
        assertNever(event);
    }
  }
}
