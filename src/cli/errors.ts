import { WirestateError } from "../errors/wirestate-error.js";

/**
 * A failure the user can act on: a command (`demo`, `fetch`, `http`, the tunnel setup they share) raises
 * it, and `run()` prints its message as one line and exits with status 1.
 */
export class CliError extends WirestateError {
  static override readonly code: string = "WS_CLI";
}

/**
 * Bad command-line usage: the argument parser (`parseArgs()`) and each command's checks raise it, and
 * `run()` exits with status 2. The message says what, and where to find `--help`.
 */
export class UsageError extends CliError {
  static override readonly code = "WS_USAGE";

  constructor(command: string, what: string) {
    super(
      command === "wirestate"
        ? `${what} (see wirestate --help)`
        : `${command}: ${what} (see wirestate ${command} --help)`,
    );
  }
}
