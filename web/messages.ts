/** What the page and the two stack workers say to each other (structured-clone plain data only). */
import type { StackCounters, StackEvent } from "../src/api/index.js";

export type Role = "client" | "server";

export interface Impairment {
  /** Probability (0..1) that a packet this side sends is lost. */
  loss: number;
  /** One-way delay in ms added to each packet this side sends. */
  delay: number;
}

export interface RunConfig extends Impairment {
  role: Role;
  /** Size of the bulk transfer in bytes, and the seed its bytes come from. */
  bytes: number;
  seed: number;
}

export type ToWorker =
  | { type: "start"; config: RunConfig; port: MessagePort }
  | { type: "impair"; impairment: Impairment }
  | { type: "capture" };

/** One RFC 9293 state transition of one connection, at `t` ms since the epoch. */
export interface StateChange {
  t: number;
  connection: string;
  from: string;
  to: string;
}

/** One typed engine event (`stack.events`), when the worker heard it, and its text (`eventText`). */
export interface EngineEvent {
  t: number;
  event: StackEvent;
  text: string;
}

/** A bulk data segment the client sent: sequence range relative to its ISN. */
export interface SentSegment {
  t: number;
  start: number;
  end: number;
  retransmit: boolean;
}

/** An ACK the client received for the bulk connection: acknowledged offset and the right window edge. */
export interface AckSample {
  t: number;
  ack: number;
  windowEdge: number;
}

export interface CwndSample {
  t: number;
  cwnd: number;
  ssthresh: number;
}

export interface LinkCounters {
  sent: number;
  lost: number;
  received: number;
}

export interface Update {
  type: "update";
  role: Role;
  states: StateChange[];
  /** The engine's other traced events (RTO, fast retransmit, recovery, timers), with their time. */
  events: EngineEvent[];
  segments: SentSegment[];
  acks: AckSample[];
  cwnd: CwndSample[];
  counters: StackCounters;
  link: LinkCounters;
  /** Bulk bytes written (client) or received (server) so far. */
  progress: number;
  captureBytes: number;
}

export interface SessionStep {
  type: "session";
  /** A step of the session-typed control channel, or a typestate handle the bulk connection moved to. */
  kind: "session" | "typestate";
  role: Role;
  t: number;
  text: string;
}

export interface Done {
  type: "done";
  role: Role;
  /** Client: what it announced. Server: what it received. */
  bytes: number;
  sha256: string;
  intact: boolean;
  elapsedMs: number;
}

export type FromWorker =
  | Update
  | SessionStep
  | Done
  | { type: "error"; role: Role; message: string }
  | { type: "capture"; role: Role; bytes: Uint8Array<ArrayBuffer> };
