import type { Clock } from "../clock/clock.js";

/** RFC 8305 §3: after the A answer, how long to wait for the AAAA answer before going ahead without it. */
export const RESOLUTION_DELAY_MS = 50;
/** RFC 8305 §5: the delay between starting one connection attempt and the next (250 ms recommended). */
export const CONNECTION_ATTEMPT_DELAY_MS = 250;

/**
 * RFC 8305 §4: the destination addresses in the order attempts go, interleaving the families and
 * starting with IPv6 (each family's own order kept, as the server gave it).
 */
export function interleave(ipv6: readonly string[], ipv4: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(ipv6.length, ipv4.length); i++) {
    if (i < ipv6.length) out.push(ipv6[i]);
    if (i < ipv4.length) out.push(ipv4[i]);
  }
  return out;
}

/**
 * RFC 8305 §3: both lookups at once (AAAA first), the answer as soon as AAAA has come, or A and then
 * RESOLUTION_DELAY_MS more without AAAA. A family whose lookup fails is left out; when both fail, the A
 * lookup's error (or the AAAA's, with no A lookup) is thrown.
 */
export async function resolveBoth(
  clock: Clock,
  aaaa: Promise<string[]> | null,
  a: Promise<string[]> | null,
): Promise<string[]> {
  type Outcome = { ok: true; value: string[] } | { ok: false; error: unknown };
  const settled = (p: Promise<string[]>): Promise<Outcome> =>
    p.then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
  if (aaaa === null || a === null) {
    const r = await settled((aaaa ?? a)!);
    if (!r.ok) throw r.error;
    return r.value;
  }
  const six = settled(aaaa);
  const four = settled(a);
  const first = await Promise.race([six.then((r) => ({ family: 6, r })), four.then((r) => ({ family: 4, r }))]);
  let r6: Outcome | null;
  let r4: Outcome;
  if (first.family === 6) {
    r6 = first.r;
    r4 = await four;
  } else {
    r4 = first.r;
    const delay = new Promise<null>((resolve) => clock.schedule(RESOLUTION_DELAY_MS, () => resolve(null)));
    r6 = await Promise.race([six, delay]);
    // Without A addresses there is nothing to go ahead with: AAAA is waited for after all.
    if (r6 === null && !r4.ok) r6 = await six;
  }
  const v6 = r6?.ok ? r6.value : [];
  const v4 = r4.ok ? r4.value : [];
  if (v6.length + v4.length === 0) throw r4.ok ? (r6 as { error: unknown }).error : r4.error;
  return interleave(v6, v4);
}

/** One attempt: resolves with the connection, or rejects; `cancel` gives up on it (RFC 9293 ABORT). */
export interface Attempt<T> {
  done: Promise<T>;
  cancel(): void;
}

/**
 * RFC 8305 §5: connection attempts to `addresses` in order, each started CONNECTION_ATTEMPT_DELAY_MS
 * after the one before, or at once when the one before fails; the first to succeed wins and the others
 * are cancelled. When all fail, the last failure is thrown.
 */
export function race<T>(
  clock: Clock,
  addresses: readonly string[],
  start: (address: string) => Attempt<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (addresses.length === 0) {
      reject(new RangeError("no address to connect to"));
      return;
    }
    const running = new Set<Attempt<T>>();
    let next = 0;
    let failed = 0;
    let finished = false;
    let timer: { cancel(): void } | null = null;
    const launch = (): void => {
      timer?.cancel();
      timer = null;
      if (finished || next >= addresses.length) return;
      const attempt = start(addresses[next++]);
      running.add(attempt);
      if (next < addresses.length) timer = clock.schedule(CONNECTION_ATTEMPT_DELAY_MS, launch);
      attempt.done.then(
        (value) => {
          running.delete(attempt);
          if (finished) return;
          finished = true;
          timer?.cancel();
          for (const other of running) other.cancel();
          resolve(value);
        },
        (error: unknown) => {
          running.delete(attempt);
          if (finished) return;
          if (++failed === addresses.length) {
            finished = true;
            reject(error);
          } else {
            // RFC 8305 §5: a failed attempt starts the next one at once.
            launch();
          }
        },
      );
    };
    launch();
  });
}
