import { LinkSetupError } from "./errors.js";

/**
 * The web pages a listening helper lets in, by their `Origin` header: exact origins
 * (`"http://localhost:5173"`, as a browser serializes them: scheme, host, port only) or a function that
 * decides. Requests without an `Origin` header come from non-browser clients and are not judged by it.
 */
export type AllowedOrigins = readonly string[] | ((origin: string) => boolean);

/**
 * `allowed` as a predicate. A list entry that is not an origin serialization ("http://localhost:8080/"
 * with its path slash, "localhost:8080" without a scheme) could never match a browser's header, so it is
 * refused here instead of silently locking everyone out.
 */
export function originPolicy(allowed: AllowedOrigins = []): (origin: string) => boolean {
  if (typeof allowed === "function") return (origin) => allowed(origin) === true;
  for (const entry of allowed) {
    if (entry === "null" || serializedOrigin(entry) !== entry) {
      throw new LinkSetupError(
        `allowedOrigins: ${JSON.stringify(entry)} is not an origin; write scheme://host[:port] with no path, e.g. "http://localhost:8080"`,
      );
    }
  }
  const exact = new Set(allowed);
  return (origin) => exact.has(origin);
}

function serializedOrigin(text: string): string | null {
  try {
    const { origin } = new URL(text);
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}
