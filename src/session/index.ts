export type { Kind, ProtocolNode, Send, Recv, Select, Offer, Rec, Var, End, Dual } from "./protocol.js";
export { send, recv, select, offer, rec, v, end, dual } from "./protocol.js";
export type { Chan, ChanBase, DynamicChan, SendChan, RecvChan, SelectChan, OfferChan, EndChan, Offered, Handlers, StepOptions } from "./chan.js";
export type { Codec, CodecValue } from "./codec.js";
export { u8, u16, u32, u64, i32, f64, bool, utf8, bytes, json, struct, tuple, array, optional, encode, decode } from "./codec.js";
export { ByteReader, ByteWriter } from "./bytes.js";
export type { ByteStream, NodeDuplexLike, WebStreamPair, Transport } from "./transport.js";
export { fromNodeDuplex, fromWebStreams, toByteStream } from "./transport.js";
export {
  SessionError,
  ProtocolMismatchError,
  ProtocolViolation,
  DecodeError,
  EncodeError,
  PeerClosed,
  ChannelReused,
  FrameTooLarge,
  SessionAborted,
} from "./errors.js";
export { session, DEFAULT_MAX_FRAME_BYTES, type SessionOptions } from "./session.js";
export { toMermaid } from "./mermaid.js";
export { drained } from "./endpoints.js";
export { canonical as canonicalProtocol, fingerprint as protocolFingerprint } from "./walk.js";
