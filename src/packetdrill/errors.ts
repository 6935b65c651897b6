import { WirestateError } from "../errors/wirestate-error.js";

/** A script that does not follow packetdrill's grammar: the message starts `line:column:`. */
export class PacketdrillSyntaxError extends WirestateError {
  static override readonly code = "WS_PACKETDRILL_SYNTAX";
  readonly line: number;
  readonly column: number;
  constructor(line: number, column: number, what: string) {
    super(`${line}:${column}: ${what}`);
    this.line = line;
    this.column = column;
  }
}

/** A `%{ }%` block the evaluator cannot read or that uses a name it does not know. */
export class PacketdrillCodeError extends WirestateError {
  static override readonly code = "WS_PACKETDRILL_CODE";
  constructor(message: string) {
    super(message);
  }
}

/** A script that uses something the stack or this interpreter does not model: the run is "unsupported". */
export class PacketdrillUnsupportedError extends WirestateError {
  static override readonly code = "WS_PACKETDRILL_UNSUPPORTED";
  constructor(message: string) {
    super(message);
  }
}

/** A script's expectation the stack did not meet; `detail` says where and how (it becomes the run's result). */
export class PacketdrillFailureError extends WirestateError {
  static override readonly code = "WS_PACKETDRILL_FAILURE";
  readonly detail: { line?: number; reason: string; [key: string]: unknown };
  constructor(detail: { line?: number; reason: string; [key: string]: unknown }) {
    super(detail.reason);
    this.detail = detail;
  }
}
