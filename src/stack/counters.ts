import { REASONS } from "../wire/layout.generated.js";
import type { ParseErrorReason } from "../wire/types.js";
import type { TcpDrop } from "../tcp/tcp-protocol.js";

/** Every reason the stack drops a packet or segment, one counter each. */
export type DropReason =
  | ParseErrorReason
  | TcpDrop
  | "wrong-address" // IPv4 destination is not this stack
  | "stack-closed";

const DROP_REASONS: readonly DropReason[] = [
  ...REASONS.filter((r) => r !== undefined),
  "unacceptable-segment",
  "ack-out-of-window",
  "challenge-ack-limit",
  "reassembly-full",
  "memory-pressure",
  "no-ack",
  "syn-sent-bad-ack",
  "paws-rejected",
  "time-wait-rst-ignored",
  "wrong-address",
  "closed-port",
  "reset-rate-limit",
  "memory-limit",
  "backlog-full",
  "syn-queue-full",
  "cookie-invalid",
  "listen-unexpected",
  "stack-closed",
];

/** The memory budget's accounting (tcp/memory-budget.ts), live. */
export interface MemoryCounters {
  readonly limit: number;
  /** Bytes charged now, and the most at once. */
  readonly used: number;
  readonly peak: number;
  /** Connections holding a TCB (each charged). */
  readonly connections: number;
  /** Times the budget went past 75% of the limit, and times it had no room left at all. */
  readonly pressureEpisodes: number;
  readonly exhaustedEpisodes: number;
}

/** What the stack has seen and done, readable at any time through `IpStack.counters`. */
export interface StackCounters {
  packetsIn: number;
  segmentsIn: number;
  segmentsOut: number;
  retransmits: number;
  /** IPv4 header or TCP checksum failures (also counted under their drop reasons). */
  checksumErrors: number;
  resetsSent: number;
  challengeAcks: number;
  connectionsOpened: number;
  connectionsAccepted: number;
  synCookiesSent: number;
  synCookiesAccepted: number;
  synQueuePruned: number;
  acceptQueueOverflows: number;
  timeWaitRecycled: number;
  drops: Record<DropReason, number>;
  memory: MemoryCounters;
}

export function newCounters(memory: MemoryCounters): StackCounters {
  const drops = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) drops[r] = 0;
  return {
    packetsIn: 0,
    segmentsIn: 0,
    segmentsOut: 0,
    retransmits: 0,
    checksumErrors: 0,
    resetsSent: 0,
    challengeAcks: 0,
    connectionsOpened: 0,
    connectionsAccepted: 0,
    synCookiesSent: 0,
    synCookiesAccepted: 0,
    synQueuePruned: 0,
    acceptQueueOverflows: 0,
    timeWaitRecycled: 0,
    drops,
    memory,
  };
}
