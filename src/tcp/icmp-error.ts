import { seqGe, seqLt } from "../wire/seq.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import type { TcpConnection } from "./connection.js";
import type { CloseReason } from "./types.js";

/** What TCP made of an ICMP error about one of its segments (the stack counts each). */
export type IcmpOutcome =
  | "no-connection" // the quoted 4-tuple is no connection of ours
  | "out-of-window" // RFC 5927 §4.1: the quoted sequence number is outside SND.UNA..SND.NXT
  | "aborted" // a hard error while connecting
  | "soft"; // recorded on the connection (info().softError), reported at the timeout

/** The error a connection that ends for ICMP `kind` reports. */
function reasonFor(kind: IcmpErrorKind): CloseReason {
  switch (kind) {
    case "network-unreachable":
      return "network-unreachable";
    case "protocol-unreachable":
      return "protocol-unreachable";
    case "port-unreachable":
      // As for a RST to the SYN: nothing listens there (Linux reports ECONNREFUSED too).
      return "refused";
    case "host-unreachable":
    case "fragmentation-needed":
    case "source-route-failed":
    case "time-exceeded":
    case "parameter-problem":
      return "host-unreachable";
  }
}

/**
 * RFC 9293 §3.9 and RFC 1122 §4.2.3.9, with RFC 5927's checks: an ICMP error quoting our segment with
 * sequence number `seq`. Only a quote inside SND.UNA..SND.NXT (as sent: SND.MAX) can be about a segment
 * in flight; anything else is ignored, so a blind attacker must guess the window. A hard error aborts a
 * connection still opening (SYN-SENT, SYN-RECEIVED); on a synchronized one it is treated as soft, as
 * RFC 5927 §4.2 recommends (a transient routing failure must not kill it).
 */
export function icmpErrorArrives(c: TcpConnection, seq: number, kind: IcmpErrorKind, hard: boolean): IcmpOutcome {
  const t = c.tcb;
  if (!(seqGe(seq, t.sndUna) && seqLt(seq, t.sndMax))) return "out-of-window";
  if (hard && (c.state === "SYN-SENT" || c.state === "SYN-RECEIVED")) {
    if (c.observed) c.publish({ type: "icmp", kind, hard: true });
    c.fail(reasonFor(kind));
    c.notify();
    return "aborted";
  }
  if (c.observed) c.publish({ type: "icmp", kind, hard: false });
  c.softError = kind;
  return "soft";
}

/** The reason a connect or user timeout reports: the soft error seen meanwhile, if any (Linux's sk_err_soft). */
export function timeoutReason(c: TcpConnection, fallback: CloseReason): CloseReason {
  return c.softError === undefined ? fallback : reasonFor(c.softError);
}
