/**
 * The options on every segment after the handshake: timestamps (RFC 7323 §3.2: on every segment once
 * agreed) and SACK blocks (RFC 2018: whenever out-of-order data is queued). One record for the process
 * (`outgoingOptions`), rewritten per segment: the stack builds the packet before `transmit` returns, so no
 * connection needs one of its own (an idle connection would hold it for nothing).
 */
import type { TcpOptions } from "../wire/types.js";
import type { TcpConnection } from "./connection.js";
import { sackRoom } from "./sack-reporter.js";
import { tsNow } from "./timestamps.js";

export class OutgoingOptions {
  readonly options: TcpOptions = {};
  readonly #timestamps = { tsval: 0, tsecr: 0 };

  /** The options for a segment with `payloadLength` bytes, or undefined when it carries none. */
  fill(c: TcpConnection, payloadLength: number): TcpOptions | undefined {
    const o = this.options;
    const ts = c.ts;
    const reporter = c.sackReporter;
    let any = false;
    if (ts !== null) {
      const t = this.#timestamps;
      t.tsval = tsNow(c);
      t.tsecr = ts.recent;
      o.timestamps = t;
      any = true;
    } else {
      // The record is shared with connections that have timestamps.
      o.timestamps = undefined;
    }
    o.sackBlocks = undefined;
    if (reporter !== null && reportsSack(c)) {
      const room = sackRoom(c, payloadLength);
      if (room > 0) {
        o.sackBlocks = reporter.blocks(c.tcb.rcvNxt, c.receiveBuffer.outOfOrderRanges, room);
        any = true;
      }
    }
    return any ? o : undefined;
  }
}

export const outgoingOptions = new OutgoingOptions();

/** Whether a segment now reports SACK blocks (RFC 2018): out-of-order data is held, or a D-SACK is due. */
export function reportsSack(c: TcpConnection): boolean {
  const reporter = c.sackReporter;
  return reporter !== null && (c.receiveBuffer.outOfOrderRanges.length > 0 || reporter.pendingDuplicate);
}
