/**
 * Empty arrays whose V8 elements kind is already the one their values need. A `[]` starts out holding small
 * integers and changes its elements kind at the first value that is not one: a clock reading or a
 * sequence number of 2^31 or more (to doubles), an object (to references). Every new array does that
 * again, and code optimized for the arrays seen before is deoptimized by it, which a fresh process or a
 * new connection pays for. This lives with the clock, the lowest layer both the links and TCP import, as
 * time is what most such arrays hold.
 */

/** For numbers that are not all small integers (clock readings, 32-bit sequence numbers). */
export function doubles(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}

/** For objects, functions and null/undefined. */
export function references<T>(): T[] {
  const a: unknown[] = [null];
  a.pop();
  return a as T[];
}
