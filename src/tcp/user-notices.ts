/**
 * The user callbacks a segment earned, called once SEGMENT ARRIVES is done (so the user sees a
 * consistent connection), and whether it is running.
 */
export class UserNotices {
  readable = false;
  writable = false;
  /** Inside SEGMENT ARRIVES: user calls defer their output to the end of it. */
  inputting = false;
  /** Waiting in the stack's queue for the end of its run in the link's burst (ConnectionHost.deferNotices). */
  queued = false;
}
