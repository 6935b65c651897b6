/** Where a command writes and what stops it: the process's streams and signals, or a test's. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM: long-running commands (http) shut down cleanly. */
  signal: AbortSignal;
}
