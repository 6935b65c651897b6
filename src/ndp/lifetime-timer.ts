import type { Clock, Timer } from "../clock/clock.js";
import { INFINITE_LIFETIME } from "../wire/ndp-message.js";

/** The longest delay a browser's or Node's setTimeout keeps (2^31 - 1 ms, 24.8 days); longer ones fire at once. */
const LONGEST = 0x7fff_ffff;

/**
 * A timer for an advertised lifetime (up to 2^32 - 2 seconds, 136 years; RFC 4861 §4.6.2): it waits in
 * steps the platform timer can hold. `Infinity` never fires.
 */
export function scheduleLifetime(clock: Clock, delayMs: number, fn: () => void): Timer {
  if (delayMs === Number.POSITIVE_INFINITY) return { cancel() {} };
  const at = clock.now() + delayMs;
  let current: Timer;
  const step = (): void => {
    const left = at - clock.now();
    current = left > LONGEST ? clock.schedule(LONGEST, step) : clock.schedule(left, fn);
  };
  step();
  return { cancel: () => current.cancel() };
}

/** An advertised lifetime in seconds as milliseconds; all ones is infinity (RFC 4861 §4.6.2). */
export function lifetimeMs(seconds: number): number {
  return seconds === INFINITE_LIFETIME ? Number.POSITIVE_INFINITY : seconds * 1000;
}
