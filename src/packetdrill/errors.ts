import { WirestateError } from "../tcp/errors.js";

/** A script that does not follow packetdrill's grammar: the message starts `line:column:`. */
export class PacketdrillSyntaxError extends WirestateError {
  readonly line: number;
  readonly column: number;
  constructor(line: number, column: number, what: string) {
    super(`${line}:${column}: ${what}`);
    this.line = line;
    this.column = column;
  }
}

/** A `%{ }%` block the evaluator cannot read or that uses a name it does not know. */
export class PacketdrillCodeError extends WirestateError {}

/** A script that uses something the stack or this interpreter does not model: the run is "unsupported". */
export class PacketdrillUnsupportedError extends WirestateError {}
