// The wire core's WebAssembly exports. src/wire/wasm.ts is the only consumer.
export { onesSum, pseudoHeaderSum, checksumUpdate } from "./checksum";
export { seqLt, seqLe, seqGt, seqGe, seqAdd, seqDiff, seqInWindow } from "./seq";
export { parsePacket } from "./parse";
export { buildPacket, optionsLength } from "./build";
import { recordBase, scratchBase, freeBase } from "./layout";

export function recordPtr(): usize {
  return recordBase();
}
export function scratchPtr(): usize {
  return scratchBase();
}
export function freePtr(): usize {
  return freeBase();
}
