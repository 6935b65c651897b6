/**
 * The connection as loss recovery sees it (`RecoverySender`): the sequence variables, the window, the clock
 * and timers, and how to send. Every recovery's counters and events are written here, whichever recovery
 * reports them.
 */
import type { CongestionControl } from "./congestion.js";
import type { TcpConnection } from "./connection.js";
import type { RecoveryEvent, RecoverySender } from "./loss-recovery.js";
import type { LossRecoveryEvent } from "./tcp-events.js";
import { sendAt, sendNewSegment } from "./output.js";
import type { ControlBlock } from "./tcb.js";
import { assertNever } from "./assert-never.js";
import { lossCut } from "./ecn.js";
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

  cutWindow(flight: number): boolean {
    const c = this.#c;
    return c.ecn === null ? (c.cc.onLoss(flight, c.sendMss), true) : lossCut(c, c.ecn, flight);
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
        if (c.observed) this.#publish("enter", 0);
        return;
      case "recovery-end":
        if (c.observed) this.#publish("exit", 0);
        return;
      case "lost-retransmission":
        if (c.observed) this.#publish("lost-retransmission", bytes);
        return;
      case "loss-probe":
        c.stats.lossProbes++;
        if (c.observed) this.#publish("loss-probe", bytes);
        return;
      case "undo":
        c.stats.undos++;
        if (c.observed) this.#publish("undo", 0);
        return;
      case "probe-repaired-loss":
        if (c.observed) this.#publish("probe-repaired", 0);
        return;
      default:
        assertNever(event);
    }
  }

  #publish(phase: LossRecoveryEvent["phase"], bytes: number): void {
    const c = this.#c;
    c.publish({ type: "recovery", phase, algorithm: c.recovery.name, cwnd: c.cc.cwnd, bytes });
  }
}
