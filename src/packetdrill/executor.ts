import { VirtualClock } from "../clock/virtual-clock.js";
import type { Link } from "../link/index.js";
import { IpStack, type TcpConfig } from "../stack/index.js";
import { defaultTcpConfig } from "../tcp/config.js";
import type { Connection } from "../tcp/types.js";
import { parseIpv4 } from "../wire/index.js";
import type { ScriptEvent, Syscall, TcpPacket } from "./ast.js";
import { runCode } from "./code.js";
import { errnoNumber, ERRNO } from "./constants.js";
import {
  PacketdrillCodeError,
  PacketdrillFailureError,
  PacketdrillSyntaxError,
  PacketdrillUnsupportedError,
} from "./errors.js";
import { matchSegment } from "./matcher.js";
import {
  buildTcpPacket,
  decodeTcpPacket,
  flagBits,
  formatOption,
  formatSegment,
  type Segment,
  type WireOption,
  wireOption,
} from "./packets.js";
import { parseScript } from "./parser.js";
import { type Attempt, intArg, type Outcome, Sockets } from "./sockets.js";
import { applyCommand, newEffects, type ReadHelper } from "./sysctl.js";
import { tcpInfoField } from "./tcp-info.js";

export interface RunOptions {
  /** Reads a helper a command names (`../common/defaults.sh`), relative to the script; null when absent. */
  readHelper?: ReadHelper;
  /** Coalesce back-to-back full-sized segments into one expected TSO line (default true). */
  tso?: boolean;
  /** Compare TCP option layout byte for byte, padding and order included (default false). */
  strictOptions?: boolean;
  /** One line per event as it runs. */
  trace?: (line: string) => void;
}

export interface RunResult {
  result: "pass" | "fail" | "unsupported";
  /** The line of the event that failed or was unsupported. */
  line?: number;
  reason?: string;
  /** For a packet mismatch: the script's line and the stack's packet, packetdrill's short form. */
  expected?: string;
  actual?: string;
  /** Seconds from the script's start. */
  expectedTime?: number;
  actualTime?: number;
  /** Outbound lines matched by joining several of the stack's segments (TSO coalescing). */
  tsoCoalesced: number;
  tso: boolean;
  /** sysctl settings without an equivalent in the stack, and shell commands not run. */
  notApplicable: string[];
  skippedCommands: string[];
  events: number;
}

/** packetdrill's defaults: its tun device's addresses and ports (config.c). */
const LOCAL_ADDRESS = "192.168.0.1";
const REMOTE_ADDRESS = "192.0.2.1";
const REMOTE_PORT = 47000;
/** A fixed ISN key: a script runs the same way every time. */
const ISN_KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 17 + 3);
/** packetdrill gives up waiting for an outbound packet this long after its expected time. */
const SNIFF_SLACK_US = 2_000_000;
/** How long a blocking call may keep the script's thread waiting on the virtual clock. */
const BLOCK_LIMIT_US = 600_000_000;

/** The link under the stack: the script injects packets into it and reads what the stack sent. */
class ScriptLink implements Link {
  readonly mtu: number;
  onReceive: ((packet: Uint8Array) => void) | null = null;
  readonly sent: Array<{ bytes: Uint8Array; at: number }> = [];
  readonly #clock: VirtualClock;

  constructor(mtu: number, clock: VirtualClock) {
    this.mtu = mtu;
    this.#clock = clock;
  }

  send(packet: Uint8Array): void {
    this.sent.push({ bytes: packet.slice(), at: this.#clock.now() * 1000 });
  }

  close(): void {
    this.onReceive = null;
  }
}

/** Sequence and timestamp spaces of the connection under test: script values to live ones and back. */
interface Flow {
  localPort: number;
  remotePort: number;
  /** The ISN the script wrote on our SYN and the one the stack chose (learned from the first outbound SYN). */
  scriptLocalIsn?: number;
  liveLocalIsn?: number;
  /** The peer's ISN: the script chooses it, so live and script values are the same. */
  remoteIsn: number;
  tsVal: Map<number, number>;
  firstTs?: { script: number; actual: number };
}

/** Runs one script's text. Never throws: every outcome is a RunResult. */
export function runScript(source: string, options: RunOptions = {}): RunResult {
  const run = new Run(options);
  try {
    const script = parseScript(source);
    run.configure(script.options);
    if (script.init !== undefined) run.command(script.init.command);
    for (const event of script.events) run.event(event);
    run.finish(script.events[script.events.length - 1]);
    if (script.cleanup !== undefined) run.command(script.cleanup.command);
    return run.result({ result: "pass" });
  } catch (err) {
    if (err instanceof PacketdrillFailureError) return run.result({ result: "fail", ...err.detail });
    if (err instanceof PacketdrillSyntaxError) {
      return run.result({ result: "fail", line: err.line, reason: `syntax error: ${err.message}` });
    }
    if (err instanceof PacketdrillUnsupportedError || err instanceof PacketdrillCodeError) {
      return run.result({ result: "unsupported", line: run.line, reason: err.message });
    }
    return run.result({ result: "fail", line: run.line, reason: `internal error: ${(err as Error).message}` });
  }
}

class Run {
  readonly #options: RunOptions;
  readonly #clock = new VirtualClock(0);
  #link!: ScriptLink;
  #stack: IpStack | null = null;
  readonly #effects = newEffects();
  readonly #sockets: Sockets;
  #flow: Flow | null = null;
  #pending: { event: ScriptEvent; call: Syscall; attempt: Attempt; startUs: number } | null = null;
  #wakeQueued = false;
  #failure: PacketdrillFailureError | null = null;
  #last: { timeUs: number; anchored: boolean } | null = null;
  #toleranceUs = 4000;
  #tolerancePercent = 12.5;
  #tsTickUsecs = 0;
  #bindPort = 8080;
  #connectPort = 8080;
  #mtu = 1500;
  #coalesced = 0;
  #listens = 0;
  #events = 0;
  line: number | undefined;

  constructor(options: RunOptions) {
    this.#options = options;
    const run = this;
    this.#sockets = new Sockets({
      remoteAddress: REMOTE_ADDRESS,
      get bindPort() {
        return run.#bindPort;
      },
      get connectPort() {
        return run.#connectPort;
      },
      stack: (overrides) => this.#ensureStack(overrides),
      // packetdrill gives each listening socket's connection a remote port of its own.
      listening: (port) => this.#newFlow(port, REMOTE_PORT + this.#listens++),
      connected: (conn) => this.#newFlow(conn.localPort, conn.remotePort),
      wake: () => this.#wake(),
      get defaults() {
        return { ...defaultTcpConfig, ...run.#effects.config };
      },
      note: (text) => this.#effects.notApplicable.push(text),
    });
  }

  /** Script options (`--tolerance_usecs=10000`) that change how the run checks. */
  configure(options: Map<string, string>): void {
    for (const [name, value] of options) {
      const number = (min: number, max: number) => {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n) || n < min || n > max) {
          throw new PacketdrillFailureError({ reason: `bad --${name}: ${JSON.stringify(value)} (${min}..${max})` });
        }
        return n;
      };
      switch (name) {
        case "tolerance_usecs":
          this.#toleranceUs = number(1, 1e9);
          break;
        case "tolerance_percent":
          this.#tolerancePercent = number(0, 100);
          break;
        case "tcp_ts_tick_usecs":
          this.#tsTickUsecs = number(0, 1e6);
          break;
        case "bind_port":
          this.#bindPort = number(1, 65535);
          break;
        case "connect_port":
          this.#connectPort = number(1, 65535);
          break;
        case "mtu":
          this.#mtu = number(576, 65535);
          break;
        case "ip_version":
          if (value !== "ipv4") throw new PacketdrillUnsupportedError(`--ip_version=${value}: only ipv4 is supported`);
          break;
        case "local_ip":
        case "remote_ip":
          if (!/^\d+\.\d+\.\d+\.\d+$/.test(value)) {
            throw new PacketdrillUnsupportedError(`--${name}=${value}: IPv4 only`);
          }
          // The addresses do not change what a script checks: the run keeps packetdrill's defaults.
          this.#effects.notApplicable.push(`--${name}=${value}`);
          break;
        default:
          this.#effects.notApplicable.push(`--${name}${value === "" ? "" : `=${value}`}`);
      }
    }
    this.#link = new ScriptLink(this.#mtu, this.#clock);
  }

  command(command: string): void {
    const before = JSON.stringify(this.#effects.config);
    applyCommand(command, this.#effects, (path) => this.#options.readHelper?.(path) ?? null);
    if (this.#stack !== null && JSON.stringify(this.#effects.config) !== before) {
      this.#effects.notApplicable.push(`${command} (after the stack started)`);
    }
  }

  event(event: ScriptEvent): void {
    this.line = event.at.line;
    this.#events++;
    const nowUs = this.#nowUs();
    const anchored = event.action.type === "packet" && event.action.packet.direction === "<";
    const t = event.time;
    const offset =
      t.kind === "absolute" || t.kind === "absolute-range"
        ? 0
        : this.#last?.anchored && anchored
          ? this.#last.timeUs
          : nowUs;
    const startUs = t.kind === "any" ? offset : offset + t.start;
    const endUs = t.kind === "absolute-range" || t.kind === "relative-range" ? offset + t.end : startUs;
    const toleranceUs = this.#tolerance(startUs);
    this.#options.trace?.(`${(startUs / 1e6).toFixed(6)} line ${event.at.line}: ${event.action.type}`);
    const a = event.action;
    if (a.type === "packet" && a.packet.direction === ">") {
      if (a.packet.protocol !== "tcp")
        throw new PacketdrillUnsupportedError(
          `outbound ${a.packet.protocol} packets (the stack has no ${a.packet.protocol.toUpperCase()})`,
        );
      this.#outbound(event, a.packet, startUs, endUs, t.kind === "any", toleranceUs);
    } else {
      this.#waitUntil(startUs);
      this.#checkFailure();
      if (this.#nowUs() > startUs + toleranceUs) {
        this.#fail(
          event,
          `timing error: expected ${a.type} start at ${sec(startUs)} sec but happened at ${sec(this.#nowUs())} sec`,
        );
      }
      switch (a.type) {
        case "packet":
          if (a.packet.protocol !== "tcp")
            throw new PacketdrillUnsupportedError(
              `inbound ${a.packet.protocol} packets (the stack has no ${a.packet.protocol.toUpperCase()})`,
            );
          this.#inbound(a.packet);
          break;
        case "unsupported-packet":
          throw new PacketdrillUnsupportedError(a.reason);
        case "syscall":
          this.#syscall(event, a.call, startUs);
          break;
        case "command":
          this.command(a.command);
          break;
        case "code":
          this.#code(event, a.code);
          break;
      }
      // Whatever the event set off at this instant (an ACK, a wakeup) happens before the next event.
      this.#clock.runUntil(this.#clock.now());
    }
    this.#checkFailure();
    this.#last = { timeUs: startUs, anchored };
  }

  /** The end of the script: a blocking call still waiting is a failure. */
  finish(lastEvent: ScriptEvent | undefined): void {
    this.#clock.runUntil(this.#clock.now());
    this.#checkFailure();
    const p = this.#pending;
    if (p !== null && lastEvent !== undefined) {
      this.#fail(p.event, `blocking system call ${p.call.name} did not return by the end of the script`);
    }
  }

  result(r: Pick<RunResult, "result"> & Partial<RunResult>): RunResult {
    this.#stack?.close();
    return {
      ...r,
      tsoCoalesced: this.#coalesced,
      tso: this.#options.tso ?? true,
      notApplicable: this.#effects.notApplicable,
      skippedCommands: this.#effects.skipped,
      events: this.#events,
    };
  }

  // ---- time ----

  #nowUs(): number {
    return Math.round(this.#clock.now() * 1000);
  }

  #waitUntil(us: number): void {
    if (us > this.#nowUs()) this.#clock.runUntil(us / 1000);
  }

  /** packetdrill's tolerance: the larger of --tolerance_usecs and a percentage of the gap since the last event. */
  #tolerance(startUs: number): number {
    if (this.#last === null) return this.#toleranceUs;
    return Math.max(this.#toleranceUs, (this.#tolerancePercent / 100) * (startUs - this.#last.timeUs));
  }

  #checkTime(what: string, startUs: number, endUs: number, actualUs: number, toleranceUs: number): string | null {
    if (actualUs >= startUs - toleranceUs && actualUs <= endUs + toleranceUs) return null;
    const expected = endUs === startUs ? `at ${sec(startUs)} sec` : `in time range ${sec(startUs)}~${sec(endUs)} sec`;
    return `timing error: expected ${what} ${expected} but happened at ${sec(actualUs)} sec`;
  }

  // ---- the stack and the flow under test ----

  #ensureStack(overrides: Partial<TcpConfig>): IpStack {
    if (this.#stack === null) {
      this.#stack = new IpStack({
        address: LOCAL_ADDRESS,
        link: this.#link,
        clock: this.#clock,
        isnKey: ISN_KEY,
        tcp: { ...this.#effects.config, ...overrides },
      });
    }
    return this.#stack;
  }

  #newFlow(localPort: number, remotePort: number): void {
    this.#flow = { localPort, remotePort, remoteIsn: 0, tsVal: new Map() };
  }

  #wake(): void {
    if (this.#pending === null || this.#wakeQueued) return;
    this.#wakeQueued = true;
    // Retry after the engine has finished the event that woke us, at the same virtual instant.
    this.#clock.schedule(0, () => {
      this.#wakeQueued = false;
      this.#retryPending();
    });
  }

  #retryPending(): void {
    const p = this.#pending;
    if (p === null || this.#failure !== null) return;
    const outcome = p.attempt();
    if (!outcome.done) return;
    this.#pending = null;
    const end = p.call.end as number;
    const endUs = p.event.time.kind === "relative" ? p.startUs - (p.event.time.start ?? 0) + end : end;
    const mismatch =
      this.#resultMismatch(p.call, outcome) ??
      this.#checkTime(
        "system call return",
        endUs,
        endUs,
        this.#nowUs(),
        Math.max(this.#toleranceUs, (this.#tolerancePercent / 100) * (endUs - p.startUs)),
      );
    if (mismatch !== null) {
      try {
        this.#fail(p.event, mismatch);
      } catch (err) {
        this.#failure = err as PacketdrillFailureError;
      }
    }
  }

  #checkFailure(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  #fail(event: ScriptEvent, reason: string, extra: Partial<RunResult> = {}): never {
    throw new PacketdrillFailureError({ line: event.at.line, reason, ...extra });
  }

  // ---- packets ----

  #inbound(p: TcpPacket): void {
    if (this.#stack === null) this.#ensureStack({});
    const flow = this.#flow ?? { localPort: this.#bindPort, remotePort: REMOTE_PORT, remoteIsn: 0, tsVal: new Map() };
    this.#flow = flow;
    const options: WireOption[] = [];
    for (const o of p.options === "any" ? [] : p.options) {
      const w = wireOption(o);
      if (w === null)
        throw new PacketdrillUnsupportedError(
          `TCP option ${o.kind === "unsupported" ? o.name : o.kind} is not supported by the stack`,
        );
      options.push(w);
    }
    const syn = p.flags.includes("S");
    if (syn) flow.remoteIsn = p.seqStart;
    const ackOffset = this.#localOffset(flow, syn);
    const mapped = options.map((o): WireOption => {
      if (o.kind === "sack")
        return { kind: "sack", blocks: o.blocks.map(([l, r]) => [(l + ackOffset) >>> 0, (r + ackOffset) >>> 0]) };
      if (o.kind === "TS" && p.flags.includes(".")) return { ...o, ecr: this.#liveEcr(flow, o.ecr) };
      return o;
    });
    const optionBytes = mapped.reduce((n, o) => n + optionLength(o), 0);
    if (40 + optionBytes + p.length > 0xffff)
      throw new PacketdrillUnsupportedError("an inbound packet above 65535 bytes");
    if (optionBytes % 4 !== 0) {
      throw new PacketdrillFailureError({
        line: this.line,
        reason: `TCP options are not padded correctly to ensure TCP header is a multiple of 4 bytes: ${optionBytes % 4} excess bytes`,
      });
    }
    const segment: Segment = {
      srcPort: p.srcPort ?? flow.remotePort,
      dstPort: p.dstPort ?? flow.localPort,
      seq: syn ? p.seqStart : (p.seqStart + flow.remoteIsn) >>> 0,
      ack: p.flags.includes(".") ? (p.ack + ackOffset) >>> 0 : 0,
      flags: flagBits(p.flags),
      window: p.window ?? 0,
      urgent: p.urgent,
      options: mapped,
      payload: new Uint8Array(p.length),
    };
    const packet = buildTcpPacket(
      {
        src: parseIpv4(REMOTE_ADDRESS),
        dst: parseIpv4(LOCAL_ADDRESS),
        tos: ecnBits(p.ip.ecn) | (p.ip.tos ?? 0),
        ttl: p.ip.ttl,
      },
      segment,
    );
    this.#link.onReceive?.(packet);
  }

  #localOffset(flow: Flow, syn: boolean): number {
    const live = flow.liveLocalIsn ?? 0;
    return syn ? live - (flow.scriptLocalIsn ?? 0) : live;
  }

  /** packetdrill's inbound TS ecr: the live TS val the stack sent where the script wrote that val. */
  #liveEcr(flow: Flow, scriptEcr: number): number {
    const live = flow.tsVal.get(scriptEcr);
    if (live !== undefined) return live;
    if (scriptEcr === 0) return 0;
    throw new PacketdrillFailureError({
      line: this.line,
      reason: `unable to infer live TS ecr for script TS ecr ${scriptEcr}; no matching or preceding outbound TS val`,
    });
  }

  #outbound(
    event: ScriptEvent,
    p: TcpPacket,
    startUs: number,
    endUs: number,
    anyTime: boolean,
    toleranceUs: number,
  ): void {
    const sent = this.#link.sent;
    const deadlineUs = anyTime
      ? this.#nowUs() + BLOCK_LIMIT_US
      : Math.max(startUs, endUs) + toleranceUs + SNIFF_SLACK_US;
    if (sent.length === 0) {
      this.#clock.runUntilCondition(
        () => sent.length > 0 || this.#failure !== null,
        Math.max(0, deadlineUs - this.#nowUs()) / 1000,
      );
    }
    this.#checkFailure();
    const expected = `${p.flags || "-"} ${p.seqStart}:${p.seqEnd}(${p.length})${p.flags.includes(".") ? ` ack ${p.ack}` : ""}`;
    const first = sent.shift();
    if (first === undefined) {
      this.#fail(event, `timed out waiting for outbound packet ${expected}`, { expected, expectedTime: startUs / 1e6 });
    }
    const decoded = decodeTcpPacket(first.bytes);
    if (!decoded.ok) this.#fail(event, `the stack sent a bad packet: ${decoded.reason}`);
    const segment = decoded.segment;
    const coalesced = (this.#options.tso ?? true) && this.#coalesce(segment, first.at, p.length);
    const flow = this.#flow;
    if (flow === null) this.#fail(event, "outbound packet with no socket under test");
    const mappedActual = this.#toScript(flow, segment, p);
    const shown = formatSegment(mappedActual, p.window !== undefined);
    const mismatch =
      matchSegment(p, mappedActual, {
        coalesced,
        strictOptions: this.#options.strictOptions ?? false,
        tsTickUsecs: this.#tsTickUsecs,
        toleranceUsecs: toleranceUs,
      }) ?? (anyTime ? null : this.#checkTime("outbound packet", startUs, endUs, first.at, toleranceUs));
    if (mismatch !== null) {
      this.#fail(event, mismatch, {
        expected: formatScriptPacket(p),
        actual: shown,
        expectedTime: startUs / 1e6,
        actualTime: first.at / 1e6,
      });
    }
  }

  /** TSO: joins the segments sent at the same instant right after `s` while they continue it, up to `want` bytes. */
  #coalesce(s: Segment, at: number, want: number): boolean {
    const sent = this.#link.sent;
    let joined = false;
    while (s.payload.length < want && sent.length > 0 && sent[0].at === at && (s.flags & 0x07) === 0) {
      const next = decodeTcpPacket(sent[0].bytes);
      if (!next.ok) break;
      const n = next.segment;
      const contiguous = n.seq === (s.seq + s.payload.length) >>> 0 && n.ack === s.ack && n.window === s.window;
      if (!contiguous || (n.flags & ~0x09) !== (s.flags & ~0x09) || s.payload.length + n.payload.length > want) break;
      sent.shift();
      const payload = new Uint8Array(s.payload.length + n.payload.length);
      payload.set(s.payload);
      payload.set(n.payload, s.payload.length);
      s.payload = payload;
      // The super-segment carries the last segment's PSH and FIN, as the NIC's split copies them there.
      s.flags = (s.flags & ~0x09) | (n.flags & 0x09);
      joined = true;
    }
    if (joined) this.#coalesced++;
    return joined;
  }

  /** The stack's segment in the script's sequence and timestamp space (packetdrill's map_outbound_live_packet). */
  #toScript(flow: Flow, s: Segment, p: TcpPacket): Segment {
    const syn = (s.flags & 0x02) !== 0;
    if (syn && flow.liveLocalIsn === undefined) {
      flow.liveLocalIsn = s.seq;
      flow.scriptLocalIsn = p.flags.includes("S") ? p.seqStart : 0;
    }
    const live = flow.liveLocalIsn ?? 0;
    const seqOffset = syn ? live - (flow.scriptLocalIsn ?? 0) : live;
    const ackOffset = syn ? 0 : flow.remoteIsn;
    const scriptTs = p.options === "any" ? undefined : p.options.find((o) => o.kind === "TS");
    const options = s.options.map((o): WireOption => {
      if (o.kind === "sack")
        return { kind: "sack", blocks: o.blocks.map(([l, r]) => [(l - ackOffset) >>> 0, (r - ackOffset) >>> 0]) };
      if (o.kind === "TS" && scriptTs?.kind === "TS") {
        flow.tsVal.set(scriptTs.val, o.val);
        flow.firstTs ??= { script: scriptTs.val, actual: o.val };
        return { ...o, val: (flow.firstTs.script + (o.val - flow.firstTs.actual)) >>> 0 };
      }
      return o;
    });
    return {
      ...s,
      seq: (s.seq - seqOffset) >>> 0,
      ack: s.flags & 0x10 ? (s.ack - ackOffset) >>> 0 : s.ack,
      options,
    };
  }

  // ---- system calls and code ----

  #syscall(event: ScriptEvent, call: Syscall, startUs: number): void {
    if (this.#pending !== null) {
      // packetdrill waits for a blocking call to finish before the next one starts.
      const limit = BLOCK_LIMIT_US / 1000;
      this.#clock.runUntilCondition(() => this.#pending === null || this.#failure !== null, limit);
      this.#checkFailure();
      if (this.#pending !== null)
        this.#fail(event, "blocking system call while another blocking system call is already in progress");
    }
    const attempt = this.#sockets.start(call);
    let outcome = attempt();
    if (!outcome.done && call.end !== undefined) {
      this.#pending = { event, call, attempt, startUs };
      return;
    }
    if (!outcome.done) {
      // A blocking call blocks the script's thread too: only timers run until it returns.
      this.#clock.runUntilCondition(() => {
        outcome = attempt();
        return outcome.done;
      }, BLOCK_LIMIT_US / 1000);
      if (!outcome.done) this.#fail(event, `${call.name} blocked and never returned`);
    }
    const mismatch = this.#resultMismatch(call, outcome);
    if (mismatch !== null) this.#fail(event, mismatch);
    if (call.end !== undefined) {
      const endUs = event.time.kind === "relative" ? startUs - event.time.start + call.end : call.end;
      const late = this.#checkTime("system call return", endUs, endUs, this.#nowUs(), this.#toleranceUs);
      if (late !== null) this.#fail(event, late);
    }
  }

  #resultMismatch(call: Syscall, outcome: Outcome): string | null {
    if (!outcome.done) return null;
    if (outcome.mismatch !== undefined) return `${call.name}: ${outcome.mismatch}`;
    const r = call.result;
    if (r.kind === "ellipsis") return null;
    const expected = r.kind === "int" ? r.value : r.kind === "word" || r.kind === "or" ? intArg(r) : Number.NaN;
    const got = `${outcome.ret}${outcome.errno !== undefined ? ` with errno ${outcome.errno} (${ERRNO[outcome.errno]?.[1] ?? "?"})` : ""}`;
    if (expected !== outcome.ret)
      return `${call.name}: expected result ${expected}${call.errno ? ` ${call.errno}` : ""} but got ${got}`;
    if (call.errno !== undefined && errnoNumber(call.errno) !== errnoNumber(outcome.errno ?? "")) {
      return `${call.name}: expected errno ${call.errno} but got ${got}`;
    }
    return null;
  }

  #code(event: ScriptEvent, code: string): void {
    const conn: Connection | null = this.#sockets.underTest;
    if (conn === null) throw new PacketdrillUnsupportedError("a %{ }% block with no connection to read tcp_info from");
    const info = conn.info();
    const failed = runCode(code, (name) => tcpInfoField(info, name));
    if (failed !== null) this.#fail(event, failed);
  }
}

function optionLength(o: WireOption): number {
  switch (o.kind) {
    case "nop":
    case "eol":
      return 1;
    case "mss":
    case "sackOK":
      return o.kind === "mss" ? 4 : 2;
    case "wscale":
      return 3;
    case "sack":
      return 2 + 8 * o.blocks.length;
    case "TS":
      return 10;
    case "other":
      return 2 + o.data.length;
  }
}

function ecnBits(ecn: string | undefined): number {
  return ecn === "ect0" ? 2 : ecn === "ect1" ? 1 : ecn === "ce" ? 3 : 0;
}

function sec(us: number): string {
  return (us / 1e6).toFixed(6);
}

function formatScriptPacket(p: TcpPacket): string {
  let s = `${p.flags || "-"} ${p.seqStart}:${p.seqEnd}(${p.length})`;
  if (p.flags.includes(".")) s += ` ack ${p.ack}`;
  if (p.window !== undefined) s += ` win ${p.window}`;
  if (p.options === "any") s += " <...>";
  else if (p.options.length > 0) s += ` <${p.options.map((o) => formatOption(o)).join(",")}>`;
  return s;
}
