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
  "no-ack",
  "syn-sent-bad-ack",
  "paws-rejected",
  "wrong-address",
  "closed-port",
  "backlog-full",
  "listen-unexpected",
  "stack-closed",
];

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
  drops: Record<DropReason, number>;
}

export function newCounters(): StackCounters {
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
    drops,
  };
}
