/**
 * RFC 5682 F-RTO (§2, with SACK as in §3), shared by the SACK recoveries: after a timeout the first ACK, if
 * it advances SND.UNA short of what was outstanding, sends two new segments instead of going back; the
 * second ACK then tells: a further advance acknowledges data that was never resent, so the timeout was
 * spurious (the caller undoes its cut, RFC 4015); a duplicate means loss, and sending goes back to
 * SND.UNA as usual. The state is a number the recovery keeps, so an idle connection holds no object for it.
 */
import { seqGe } from "../wire/seq.js";
import type { RecoverySender } from "./loss-recovery.js";

/** F-RTO's states: not running, waiting for the first ACK after the timeout, for the second. */
export const FRTO_OFF = 0;
export const FRTO_FIRST = 1;
export const FRTO_SECOND = 2;
/** What `frtoAck` returns when the timeout proved spurious. */
export const FRTO_SPURIOUS = -1;
export type FrtoState = typeof FRTO_OFF | typeof FRTO_FIRST | typeof FRTO_SECOND;

/**
 * One ACK in F-RTO state `state` (not FRTO_OFF): `advanced` when it moved SND.UNA (now `ack`), `point`
 * the RecoveryPoint the timeout set (SND.MAX then). Returns the next state, or FRTO_SPURIOUS.
 */
export function frtoAck(
  s: RecoverySender,
  state: FrtoState,
  ack: number,
  point: number,
  advanced: boolean,
): FrtoState | typeof FRTO_SPURIOUS {
  const t = s.tcb;
  if (state === FRTO_FIRST) {
    if (!advanced || seqGe(ack, point)) return FRTO_OFF;
    const next = t.sndNxt;
    t.sndNxt = t.sndMax;
    let sent = 0;
    while (sent < 2 && s.sendNew() > 0) sent++;
    if (sent > 0) return FRTO_SECOND;
    t.sndNxt = next;
    return FRTO_OFF;
  }
  if (advanced) return FRTO_SPURIOUS;
  t.sndNxt = t.sndUna;
  return FRTO_OFF;
}
