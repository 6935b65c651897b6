import { afterEach } from "vitest";

/**
 * For a test file or describe block: returns `defer(fn)`, and after each test runs the deferred functions
 * newest first (a relay before the tunnel it uses), awaiting each.
 */
export function useCleanup(): (fn: () => unknown) => void {
  const pending: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of pending.splice(0).reverse()) await fn();
  });
  return (fn) => void pending.push(fn);
}
