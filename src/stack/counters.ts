import { REASONS } from "../wire/layout.generated.js";
import type { ParseErrorReason } from "../wire/types.js";
import type { TcpDrop } from "../tcp/tcp-protocol.js";
import { FRAGMENT_DROPS, type FragmentDrop, type ReassemblyCounters } from "../fragments/reassembler.js";
import type { UdpDrop } from "../udp/udp-protocol.js";
import type { IcmpDrop } from "../icmp/icmp-protocol.js";
import { IPV6_DROPS, type Ipv6Drop } from "./ipv6-layer.js";

/** Every reason the stack drops a packet or segment, one counter each. */
export type DropReason =
  | ParseErrorReason
  | TcpDrop
  | FragmentDrop
  | "fragmentation-needed" // an outgoing packet over the link MTU with DF set (never sent in pieces)
  | UdpDrop
  | IcmpDrop
  | Ipv6Drop
  | "wrong-address" // IPv4 destination is not this stack
  | "unknown-protocol" // an IPv4 protocol the stack does not speak (answered with protocol unreachable)
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
  "udp-closed-port",
  "udp-queue-full",
  "udp-wrong-peer",
  "icmp-echo-rate-limited",
  "icmp-echo-broadcast",
  "icmp-ignored-type",
  "icmp-not-ours",
  "icmp-no-connection",
  "icmp-out-of-window",
  "icmp-not-reported",
  "icmp-stray-echo-reply",
  "icmp-error-rate-limited",
  "icmp-error-suppressed",
  "time-wait-rst-ignored",
  "wrong-address",
  "unknown-protocol",
  "closed-port",
  "reset-rate-limit",
  "memory-limit",
  "backlog-full",
  "syn-queue-full",
  "cookie-invalid",
  "listen-unexpected",
  "stack-closed",
  ...FRAGMENT_DROPS,
  "fragmentation-needed",
  ...IPV6_DROPS,
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
export interface StackCounters extends ReassemblyCounters {
  packetsIn: number;
  segmentsIn: number;
  segmentsOut: number;
  retransmits: number;
  /** IPv4 header, TCP, UDP or ICMP checksum failures (also counted under their drop reasons). */
  checksumErrors: number;
  resetsSent: number;
  challengeAcks: number;
  connectionsOpened: number;
  connectionsAccepted: number;
  /** Outgoing datagrams sent as fragments (RFC 791), and the fragments that made them. */
  datagramsFragmented: number;
  fragmentsOut: number;
  /** UDP datagrams in (checksum verified, for us) and out. */
  datagramsIn: number;
  datagramsOut: number;
  icmpIn: number;
  icmpOut: number;
  echoRepliesSent: number;
  icmpErrorsIn: number;
  icmpErrorsSent: number;
  /** Fragmentation-needed messages for us, handed to path MTU discovery. */
  fragNeededIn: number;
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
    fragmentsIn: 0,
    datagramsReassembled: 0,
    duplicateFragments: 0,
    datagramsFragmented: 0,
    fragmentsOut: 0,
    datagramsIn: 0,
    datagramsOut: 0,
    icmpIn: 0,
    icmpOut: 0,
    echoRepliesSent: 0,
    icmpErrorsIn: 0,
    icmpErrorsSent: 0,
    fragNeededIn: 0,
    synCookiesSent: 0,
    synCookiesAccepted: 0,
    synQueuePruned: 0,
    acceptQueueOverflows: 0,
    timeWaitRecycled: 0,
    drops,
    memory,
  };
}
