import type { Chan, StepOptions } from "./chan.js";
import { ChannelReusedError, FrameTooLargeError, ProtocolMismatchError, type SessionError } from "./errors.js";
import { FrameReader, PROTOCOL_VERSION, Tag } from "./frame.js";
import type { ProtocolNode } from "./protocol.js";
import { SessionCore } from "./core.js";
import { endpoint } from "./endpoints.js";
import { toByteStream, type Transport } from "./transport.js";
import { checkProtocol, fingerprint, untyped } from "./walk.js";

export interface SessionOptions extends StepOptions {
  /** Frames announcing a larger payload are refused from their header, before buffering. Default 16 MiB. */
  readonly maxFrameBytes?: number;
}

/** The largest frame a session accepts unless `maxFrameBytes` says otherwise (16 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Transports that already carry a session: two sessions on one stream would interleave their frames. */
const inUse = new WeakSet<object>();

function hex(b: Uint8Array): string {
  return Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, "0")).join("");
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Starts a session speaking `protocol` over `transport`: both sides send a HELLO carrying the protocol's
 * fingerprint, each checks that the peer's is the fingerprint of its dual, and the channel for the first
 * step comes back. `options.signal` bounds the handshake.
 */
export async function session<P extends ProtocolNode>(
  protocol: P,
  transport: Transport,
  options: SessionOptions = {},
): Promise<Chan<P>> {
  const p = untyped(protocol);
  checkProtocol(p);
  if (inUse.has(transport)) throw new ChannelReusedError("this transport already carries a session");
  inUse.add(transport);
  const stream = toByteStream(transport);
  const ours = fingerprint(p);
  const theirs = fingerprint(p, true);
  const core = new SessionCore(stream, new FrameReader(stream, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES));
  const hello = new Uint8Array(1 + ours.length);
  hello[0] = PROTOCOL_VERSION;
  hello.set(ours, 1);
  core.frame(Tag.hello, (out) => out.raw(hello));

  const expected = () => `a session hello (frame tag ${Tag.hello})`;
  // Whatever a non-session peer sends first tends to parse as a huge length: say what really went wrong.
  const notAPeer = (e: SessionError) =>
    e instanceof FrameTooLargeError
      ? new ProtocolMismatchError(`the peer's first bytes are not a session hello (${e.message})`)
      : e;
  const frame = await core.read(expected, options, notAPeer);
  let mismatch: string | undefined;
  if (frame.tag !== Tag.hello || frame.payload.length !== hello.length) {
    mismatch = `the peer did not open with a session hello (its first frame has tag ${frame.tag}, ${frame.payload.length} bytes)`;
  } else if (frame.payload[0] !== PROTOCOL_VERSION) {
    mismatch = `the peer speaks session wire version ${frame.payload[0]}, this side ${PROTOCOL_VERSION}`;
  } else if (!equalBytes(frame.payload.subarray(1), theirs)) {
    mismatch = `the peer's protocol (fingerprint ${hex(frame.payload.subarray(1))}) is not the dual of this side's (${hex(ours)}; expected ${hex(theirs)})`;
  }
  if (mismatch !== undefined) throw await core.failGracefully(new ProtocolMismatchError(mismatch));
  return endpoint(core, p, undefined) as unknown as Chan<P>;
}
