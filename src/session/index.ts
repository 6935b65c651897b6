/**
 * wirestate-tcp/session: session types over any byte stream.
 *
 * A protocol is a value; its type is inferred from it, and the peer's is computed:
 * ```ts
 * const Sum = rec("loop", select({ more: send(u32, v("loop")), done: recv(u32, end) }));
 * let ch = await session(Sum, transport);          // Chan<typeof Sum>: only `select` exists here
 * for (const x of xs) ch = ch.select("more").send(x);
 * const [total, fin] = await ch.select("done").recv();
 * await fin.close();
 * // the other side: session(dual(Sum), transport) gives Chan<Dual<typeof Sum>>, whose first step is offer()
 * ```
 * Transports: a `{ readable, writable }` pair of WHATWG streams (wirestate's `TcpStream<"Established">`,
 * a WebSocketStream, a wrapped MessagePort), a Node Duplex (`net.Socket`, `toNodeDuplex(stream)`), or a
 * `ByteStream`.
 *
 * Wire: frames of a 4-byte big-endian payload length, a 1-byte tag and the payload. Each side first sends
 * HELLO (tag 0: version 1, SHA-256 of the protocol's canonical structure) and checks the peer's against
 * the fingerprint of its own protocol's dual. Then MESSAGE (1: the codec's bytes), CHOICE (2: the label in
 * UTF-8), END (3, when the protocol reaches End, followed by the transport's end) and ABORT (4: a UTF-8
 * reason, sent before a session is given up).
 */
export type { Kind, ProtocolNode, Send, Recv, Select, Offer, Rec, Var, End, Dual } from "./protocol.js";
export { send, recv, select, offer, rec, v, end, dual } from "./protocol.js";
export type {
  Chan,
  ChanBase,
  DynamicChan,
  SendChan,
  RecvChan,
  SelectChan,
  OfferChan,
  EndChan,
  Offered,
  Handlers,
  StepOptions,
} from "./chan.js";
export type { Codec, CodecValue } from "./codec.js";
export {
  u8,
  u16,
  u32,
  u64,
  i32,
  f64,
  bool,
  utf8,
  bytes,
  json,
  struct,
  tuple,
  array,
  optional,
  encode,
  decode,
} from "./codec.js";
export { ByteReader, ByteWriter } from "./bytes.js";
export type { ByteStream, NodeDuplexLike, WebStreamPair, Transport } from "./transport.js";
export { fromNodeDuplex, fromWebStreams, toByteStream } from "./transport.js";
export { memoryStreamPair, type MemoryStreamOptions } from "./memory-stream.js";
export {
  SessionError,
  ProtocolMismatchError,
  ProtocolViolationError,
  DecodeError,
  EncodeError,
  PeerClosedError,
  ChannelReusedError,
  FrameTooLargeError,
  SessionAbortedError,
  TransportClosedError,
} from "./errors.js";
export { WirestateError } from "../errors/wirestate-error.js";
export { session, DEFAULT_MAX_FRAME_BYTES, type SessionOptions } from "./session.js";
export { toMermaid } from "./mermaid.js";
export { drained } from "./endpoints.js";
export { canonical as canonicalProtocol, fingerprint as protocolFingerprint } from "./walk.js";
