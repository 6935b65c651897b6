/** An interpreter of packetdrill scripts (github.com/google/packetdrill) that drives the stack on a virtual clock. */
export { runScript, type RunOptions, type RunResult } from "./executor.js";
export { parseScript } from "./parser.js";
export type { Script, ScriptEvent } from "./ast.js";
export { WirestateError } from "../errors/wirestate-error.js";
export {
  PacketdrillSyntaxError,
  PacketdrillCodeError,
  PacketdrillUnsupportedError,
  PacketdrillFailureError,
} from "./errors.js";
