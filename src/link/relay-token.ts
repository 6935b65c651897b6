import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { LinkSetupError } from "./errors.js";
import { tokenOfProtocol } from "./relay-protocol.js";

/** 22 base64url characters carry 132 bits: the shortest token a guesser cannot enumerate. */
const MIN_TOKEN_LENGTH = 22;
/** URL- and subprotocol-safe without escaping (RFC 6455 subprotocols are RFC 7230 tokens). */
const TOKEN_ALPHABET = /^[A-Za-z0-9_-]+$/;

/** The token a relay asks for: `given`, checked, or 256 fresh random bits in base64url. */
export function relayToken(given: string | undefined): string {
  if (given === undefined) return randomBytes(32).toString("base64url");
  if (given.length < MIN_TOKEN_LENGTH || !TOKEN_ALPHABET.test(given)) {
    throw new LinkSetupError(
      `token must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 _ - (128 bits or more); leave it out to get a random one`,
    );
  }
  return given;
}

/** The tokens a WebSocket upgrade request presents: `?token=` in its URL and any token subprotocol. */
export function presentedTokens(request: IncomingMessage): string[] {
  const found: string[] = [];
  const query = new URL(request.url ?? "/", "ws://relay").searchParams.get("token");
  if (query !== null) found.push(query);
  for (const protocol of (request.headers["sec-websocket-protocol"] ?? "").split(",")) {
    const token = tokenOfProtocol(protocol.trim());
    if (token !== null) found.push(token);
  }
  return found;
}

/**
 * Whether any of `presented` is `expected`. Both sides are hashed first so the comparison runs over equal
 * lengths in constant time: how long a wrong guess takes to refuse says nothing about the token.
 */
export function tokenMatches(expected: string, presented: readonly string[]): boolean {
  const want = digest(expected);
  let match = false;
  for (const token of presented) match = timingSafeEqual(want, digest(token)) || match;
  return match;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
