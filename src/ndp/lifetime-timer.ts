import { INFINITE_LIFETIME } from "../wire/ndp-message.js";

/** An advertised lifetime in seconds as milliseconds; all ones is infinity (RFC 4861 §4.6.2). */
export function lifetimeMs(seconds: number): number {
  return seconds === INFINITE_LIFETIME ? Number.POSITIVE_INFINITY : seconds * 1000;
}
