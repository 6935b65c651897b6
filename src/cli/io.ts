/** Where a command writes and what stops it: the process's streams and signals, or a test's. */
export interface CliIo {
  /** What `nc` sends (the process's stdin; a test's stream). Commands that read nothing ignore it. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM: long-running commands (http) shut down cleanly. */
  signal: AbortSignal;
}
