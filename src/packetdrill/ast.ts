/** The parsed form of a packetdrill script (the shape of gtests/net/packetdrill/parser.y's output). */

export interface Position {
  line: number;
  column: number;
}

/** Times are microseconds, as packetdrill keeps them. */
export type EventTime =
  | { kind: "absolute"; start: number }
  | { kind: "relative"; start: number }
  | { kind: "any" }
  | { kind: "absolute-range"; start: number; end: number }
  | { kind: "relative-range"; start: number; end: number };

export type TcpOption =
  | { kind: "nop" }
  | { kind: "eol" }
  | { kind: "mss"; value: number }
  | { kind: "wscale"; value: number }
  | { kind: "sackOK" }
  | { kind: "sack"; blocks: Array<[number, number]> }
  | { kind: "TS"; val: number; ecr: number }
  /** Parsed but not modelled by the stack (md5, FO, FOEXP, ECN): a script using one is unsupported. */
  | { kind: "unsupported"; name: string };

export interface IpInfo {
  /** `ect0`, `ect1`, `ce`, `noecn`, `ect01`, or `tos 0x..`. */
  ecn?: string;
  tos?: number;
  ttl?: number;
  flowLabel?: number;
}

export interface TcpPacket {
  protocol: "tcp";
  direction: "<" | ">";
  ip: IpInfo;
  srcPort?: number;
  dstPort?: number;
  /** Flag letters as written (`S`, `.`, `P.`, `F.`, `R`, `SEW`, `-`). */
  flags: string;
  seqStart: number;
  seqEnd: number;
  length: number;
  ack: number;
  /** Omitted on an outbound line: the window is not checked. */
  window?: number;
  urgent: number;
  /** `"any"` for `<...>`: the options are not checked. An empty list means no options. */
  options: TcpOption[] | "any";
}

export interface UdpPacket {
  protocol: "udp";
  direction: "<" | ">";
  ip: IpInfo;
  srcPort?: number;
  dstPort?: number;
  length: number;
}

export interface IcmpPacket {
  protocol: "icmp";
  direction: "<" | ">";
  ip: IpInfo;
  icmpType: string;
  icmpCode?: string;
  mtu?: number;
  echoId?: number;
  /** The quoted segment, as `[start:end(len)]`, or a quoted UDP or raw length. */
  echoed?:
    | { protocol: "tcp"; seqStart: number; seqEnd: number; length: number }
    | { protocol: "udp" | "raw"; length: number };
}

export type Expr =
  | { kind: "ellipsis" }
  | { kind: "int"; value: number }
  | { kind: "word"; name: string }
  | { kind: "string"; value: string; more: boolean }
  | { kind: "or"; left: Expr; right: Expr }
  | { kind: "assign"; name: string; value: Expr }
  | { kind: "array"; items: Expr[] }
  /** `{...}`: a list of expressions, or named fields (`{fd=4, events=POLLIN}`, `msg_iov(1)=[...]`). */
  | { kind: "struct"; items: Expr[]; fields: Array<{ name: string; index?: Expr; value: Expr }> }
  | { kind: "call"; name: string; args: Expr[] };

export interface Syscall {
  name: string;
  args: Expr[];
  result: Expr;
  errno?: string;
  note?: string;
  /** `...end`: a blocking call that must return at this time (microseconds, of the same kind as the start). */
  end?: number;
}

export type Action =
  | { type: "packet"; packet: TcpPacket | UdpPacket | IcmpPacket }
  /** A packet line this interpreter parses but cannot run (encapsulation, IPv6): why, in `reason`. */
  | { type: "unsupported-packet"; reason: string }
  | { type: "syscall"; call: Syscall }
  | { type: "command"; command: string }
  | { type: "code"; code: string };

/** One line of a script: when, and what (a packet in, a packet out, a system call, a shell command). */
export interface ScriptEvent {
  /** Where the event's time (or, for an untimed command, the command) starts. */
  at: Position;
  time: EventTime;
  action: Action;
}

/** A parsed packetdrill script: its options and its events, in order. */
export interface Script {
  /** `--name=value` lines at the top; a bare `--name` has the value "". */
  options: Map<string, string>;
  /** The backquoted command before the first timed event (packetdrill's init command), if any. */
  init?: { at: Position; command: string };
  events: ScriptEvent[];
  /** The backquoted command after the last timed event, if any. */
  cleanup?: { at: Position; command: string };
}
