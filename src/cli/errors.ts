/** A failure the user can act on; the command prints its message as one line and exits non-zero. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad command-line usage (exit status 2): the message says what, and where to find `--help`. */
export class UsageError extends CliError {
  constructor(command: string, what: string) {
    super(
      command === "wirestate"
        ? `${what} (see wirestate --help)`
        : `${command}: ${what} (see wirestate ${command} --help)`,
    );
    this.name = "UsageError";
  }
}
