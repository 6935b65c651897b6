import type { PingResult, PingSession } from "../icmp/ping.js";

/**
 * A ping session as an async iterator of its results, in the order they settle (as `ping` prints them).
 * Leaving the loop early (`break`, `return()`) cancels the session: nothing more is sent.
 */
export async function* pingResults(session: PingSession): AsyncGenerator<PingResult, void, undefined> {
  const ready: PingResult[] = [];
  let wake: (() => void) | null = null;
  session.onResult = (r) => {
    ready.push(r);
    wake?.();
  };
  session.onDone = () => wake?.();
  try {
    for (;;) {
      const next = ready.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (session.done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    session.cancel();
  }
}
