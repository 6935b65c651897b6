import type { Clock, Timer } from "./clock.js";

/** The longest delay a browser's or Node's setTimeout keeps (2^31 - 1 ms, 24.8 days); longer ones fire at once. */
export const LONGEST_TIMER_MS = 0x7fff_ffff;

const NEVER: Timer = { cancel() {} };

/**
 * `clock.schedule` for any delay: one longer than a platform timer holds (a DHCP lease, an ND lifetime: up
 * to 136 years) is waited out in steps of at most `LONGEST_TIMER_MS`, each step measuring what is left, so
 * `fn` runs at `now + delayMs` on the clock's timeline. `Infinity` never fires.
 */
export function scheduleLong(clock: Clock, delayMs: number, fn: () => void): Timer {
  if (delayMs === Number.POSITIVE_INFINITY) return NEVER;
  const at = clock.now() + delayMs;
  let current: Timer;
  const step = (): void => {
    const left = at - clock.now();
    current = left > LONGEST_TIMER_MS ? clock.schedule(LONGEST_TIMER_MS, step) : clock.schedule(left, fn);
  };
  step();
  return { cancel: () => current.cancel() };
}
