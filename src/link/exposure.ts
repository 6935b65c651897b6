import { isIP } from "node:net";

/** True for names and addresses only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./i.test(bare);
  return false;
}

const warned = new Set<string>();

/**
 * Every listening helper calls this with the address it binds: anything but loopback (0.0.0.0, a LAN
 * address, a host name) lets other machines in, so it says so on stderr as a Node process warning
 * (`process.on("warning")` sees it; code WIRESTATE_EXPOSED). Returns whether the address is exposed.
 */
export function warnIfExposed(what: string, host: string, lockedBy: string): boolean {
  if (isLoopback(host)) return false;
  // Once per helper and address: a relay binds a tunnel per client and need not say it each time.
  const key = `${what} ${host}`;
  if (warned.has(key)) return true;
  warned.add(key);
  process.emitWarning(`${what} listens on ${host}, which other machines can reach: ${lockedBy}`, {
    type: "SecurityWarning",
    code: "WIRESTATE_EXPOSED",
  });
  return true;
}
