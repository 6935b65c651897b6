/**
 * What one exchange (a question to the servers, with retries) needs, and shares with its UDP and TCP
 * transports.
 */
import type { Clock } from "../clock/clock.js";
import type { DnsMessage } from "../wire/dns-types.js";
import type { DatagramNetwork, StreamConnector } from "./transport.js";

export interface Server {
  address: string;
  port: number;
}

/** What a Resolver counts: queries, answers by transport, and every answer it refused and why. */
export interface ResolverCounters {
  /** Queries sent, by transport. */
  udpQueries: number;
  tcpQueries: number;
  /** Datagrams received on query sockets. */
  received: number;
  /** Dropped: wrong source, ID or question (RFC 5452 section 9.1), or not a response. */
  mismatched: number;
  /** Dropped: from the right server with the right ID, but not a parseable message. */
  malformed: number;
  /** Attempts that got no answer in time. */
  timeouts: number;
  /** Answers with TC set (asked again over TCP when a connector is given). */
  truncated: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface ExchangeConfig {
  servers: readonly Server[];
  clock: Clock;
  udp: DatagramNetwork | null;
  tcp: StreamConnector | null;
  /** Milliseconds to wait for each server on each attempt. */
  timeout: number;
  /** Rounds over the server list. */
  attempts: number;
  /** The EDNS(0) UDP payload size to advertise over UDP, or null for plain RFC 1035 queries. */
  udpPayload: number | null;
  /** "address:port" of servers that answered EDNS with FORMERR: asked without it from then on. */
  plainServers: Set<string>;
  /** Uniform 32-bit integers; query IDs and source ports come from it. */
  random: () => number;
  counters: ResolverCounters;
  /** Registers what to do at `close()`; returns the deregistration. */
  onClose: (abort: () => void) => () => void;
}

export interface Answer {
  message: DnsMessage;
  server: Server;
}

/** What went wrong with one attempt; the last non-timeout one names the final error. */
export type Failure =
  | { kind: "timeout" }
  | { kind: "closed" }
  | { kind: "rcode"; rcode: number }
  | { kind: "truncated" }
  | { kind: "stream"; cause: unknown };
