/** RFC 2131 §4.1: the first retransmission waits 4 s, each next one twice as long, up to 64 s. */
const FIRST_MS = 4000;
const MAX_MS = 64_000;
/** ... each "randomized by the value of a uniform random number chosen from the range -1 to +1" second. */
const JITTER_MS = 1000;

/**
 * The wait before retransmission number `attempt` (0 for the wait after the first transmission), RFC 2131
 * §4.1's randomized exponential backoff; `random` is uniform in [0, 1).
 */
export function retransmissionDelay(attempt: number, random: () => number): number {
  const base = Math.min(MAX_MS, FIRST_MS * 2 ** Math.min(attempt, 4));
  return base + (random() * 2 - 1) * JITTER_MS;
}

/**
 * RFC 2131 §4.4.5: in RENEWING and REBINDING the client waits half the time left until `deadline` (T2,
 * or the lease's end) before retransmitting, and never less than 60 s: null when that passes the deadline.
 */
export function renewalRetransmission(now: number, deadline: number): number | null {
  const wait = Math.max(60_000, (deadline - now) / 2);
  return now + wait < deadline ? wait : null;
}
