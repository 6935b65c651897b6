import { dhcpEventText } from "../dhcp/dhcp-events.js";
import { ndpEventText } from "../ndp/events.js";
import { assertNever } from "../tcp/assert-never.js";
import { BLACK_HOLE_RTOS } from "../tcp/path-mtu.js";
import {
  connectionId,
  type ListenerAddress,
  type ListenOverload,
  type LossRecoveryEvent,
  type PathMtuReason,
} from "../tcp/tcp-events.js";
import type { StackEvent } from "./stack-events.js";

/**
 * One event as the line a trace (`onTrace`) and a capture's packet comment carry:
 * "10.0.0.1:49152>10.0.0.2:80 SYN-SENT -> ESTABLISHED", "... RTO fired, rto=400ms". The prefix is the
 * connection's 4-tuple, or the listening port's address for a listener's events.
 */
export function eventText(e: StackEvent): string {
  switch (e.type) {
    case "state":
      return `${connectionId(e.connection)} ${e.from} -> ${e.to}`;
    case "rto": {
      const retry = e.synRetry === null ? "" : ` (SYN retry ${e.synRetry})`;
      return `${connectionId(e.connection)} RTO fired, rto=${Math.round(e.rto)}ms${retry}`;
    }
    case "retransmit":
      return `${connectionId(e.connection)} retransmit seq=${e.seq} len=${e.len} (${e.reason})`;
    case "recovery":
      return `${connectionId(e.connection)} ${recoveryText(e)}`;
    case "timer":
      switch (e.timer) {
        case "delayed-ack":
          return `${connectionId(e.connection)} delayed ACK fired`;
        case "time-wait":
          return `${connectionId(e.connection)} TIME-WAIT 2MSL expired`;
        case "connect":
          return `${connectionId(e.connection)} connect timeout`;
        case "user":
          return `${connectionId(e.connection)} user timeout fired`;
        case "persist":
          return `${connectionId(e.connection)} persist timer fired, window=${e.window}`;
        case "keep-alive":
          return `${connectionId(e.connection)} keep-alive probe ${e.probe}`;
        default:
          return assertNever(e);
      }
    case "abort":
      return `${connectionId(e.connection)} ${ABORT_TEXT[e.reason]}`;
    case "icmp":
      return `${connectionId(e.connection)} ICMP ${e.kind}: ${e.hard ? "hard error while connecting" : "soft error"}`;
    case "path-mtu":
      return (
        `${connectionId(e.connection)} path MTU ${e.fromMtu} -> ${e.toMtu} (${PATH_MTU_TEXT[e.reason]}), ` +
        `mss ${e.fromMss} -> ${e.toMss}`
      );
    case "cwnd":
      return `${connectionId(e.connection)} ${e.reason === "ecn-echo" ? "ECN-Echo" : "idle restart"}, cwnd=${e.cwnd}`;
    case "receive-buffer":
      return `${connectionId(e.connection)} receive buffer grown to ${e.size} (read ${e.read} in ${Math.round(e.rtt)} ms)`;
    case "challenge-ack":
      return `${connectionId(e.connection)} challenge ACK`;
    case "drop":
      return `${connectionId(e.connection)} dropped: ${e.reason}`;
    case "syn-cookie":
      switch (e.phase) {
        case "sent":
          return `${where(e.listener)} ${OVERLOAD_TEXT[e.cause]}: cookie sent`;
        case "invalid":
          return `${where(e.listener)} cookie ACK from ${e.from.address}:${e.from.port} invalid: RST`;
        case "valid":
          return `${connectionId(e.connection)} cookie ACK valid: connection made (mss=${e.mss})`;
        default:
          return assertNever(e);
      }
    case "syn-dropped":
      return `${where(e.listener)} ${OVERLOAD_TEXT[e.cause]}: SYN dropped`;
    case "memory":
      switch (e.phase) {
        case "pressure":
          return `memory pressure: ${e.used} of ${e.limit} bytes, windows shrink`;
        case "exhausted":
          return `memory pressure: window 0, new connections refused (${e.used} of ${e.limit} bytes)`;
        case "relieved":
          return `memory pressure over: ${e.used} of ${e.limit} bytes`;
        default:
          return assertNever(e);
      }
    case "destination-mtu":
      return `path MTU to ${e.address} is ${e.mtu}`;
    case "dhcp":
      return dhcpEventText(e);
    case "neighbor-discovery":
      return ndpEventText(e);
    default:
      return assertNever(e);
  }
}

/**
 * Whether an event goes to `onTrace` and into capture comments: all but the per-segment ones (each
 * retransmission, each drop), which `counters` already sum and which would bury the rest, and neighbour
 * discovery's, which `onNeighborDiscovery` and `stack.ndp` already tell.
 */
export function isTraced(e: StackEvent): boolean {
  return e.type !== "retransmit" && e.type !== "drop" && e.type !== "neighbor-discovery";
}

function where(l: ListenerAddress): string {
  return `${l.address}:${l.port}`;
}

const RECOVERY_LABEL: Record<string, string> = { rack: " (RACK)", rfc6675: " (SACK)" };

function recoveryText({ phase, algorithm, cwnd, bytes }: LossRecoveryEvent): string {
  switch (phase) {
    case "enter":
      return `fast retransmit, recovery start${RECOVERY_LABEL[algorithm] ?? ""}, cwnd=${cwnd}`;
    case "exit":
      return `recovery end, cwnd=${cwnd}`;
    case "undo":
      return `spurious recovery undone, cwnd=${cwnd}`;
    case "lost-retransmission":
      return `lost retransmission found, ${bytes} bytes`;
    case "loss-probe":
      return `tail loss probe, ${bytes} bytes`;
    case "probe-repaired":
      return `loss repaired by the probe, cwnd=${cwnd}`;
    default:
      return assertNever(phase);
  }
}

const ABORT_TEXT = {
  refused: "connection refused",
  reset: "connection reset by peer",
  "syn-retries": "SYN retries exhausted",
  "keep-alive": "keep-alive: peer did not answer",
  "accept-queue-full": "accept queue full: handshake refused (RST)",
  "syn-queue-full": "SYN queue full: oldest half-open given up",
  "time-wait-cap": "TIME-WAIT cap reached: oldest recycled",
  "time-wait-reopened": "TIME-WAIT ended by a new SYN",
} as const;

const PATH_MTU_TEXT: Record<PathMtuReason, string> = {
  cached: "cached",
  icmp: "ICMP fragmentation needed",
  lowered: "path MTU towards the peer lowered",
  expired: "cached path MTU expired",
  "probe-lost": "probe lost",
  "black-hole": `black hole: ${BLACK_HOLE_RTOS} timeouts of full-sized segments`,
  probing: "probing a larger size",
};

const OVERLOAD_TEXT: Record<ListenOverload, string> = {
  "accept-queue-full": "accept queue full",
  "syn-queue-full": "SYN queue full",
  "memory-pressure": "memory pressure",
};
