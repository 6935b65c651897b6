/**
 * One bulk transfer over a simulated long path on the VirtualClock: two IpStacks joined by a memory link
 * with a one-way delay, a serialisation rate and a tail-drop bottleneck queue, and random loss applied to
 * the data direction only (so `loss` is the data-segment loss rate p of the Mathis formula; ACKs are not
 * lost). The sender always has data; goodput is the bytes the receiving application read in a measuring
 * window that starts after slow start, divided by the window's length.
 */
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { impair } from "../../src/link/impaired-link.js";
import type { Link } from "../../src/link/link.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import type { Connection, ConnectionInfo } from "../../src/tcp/types.js";
import { parsePacket } from "../../src/wire/parse.js";
import { TcpFlags } from "../../src/wire/types.js";

export interface PathSpec {
  rttMs: number;
  bandwidthBps: number;
  /** Bottleneck queue in bytes (tail drop). */
  queueBytes: number;
  mtu: number;
  loss: number;
  seed: number;
  /** Data segments held back by `delayMs` (at `rate`), so later ones overtake them: reordering, not loss. */
  reorder?: { rate: number; delayMs: number };
  /**
   * The bottleneck marks ECN-capable packets CE (and drops Not-ECT ones) once more than this many bytes
   * wait (RFC 3168 §5); `queueBytes` still tail-drops. Run it with `tcp.ecn` on.
   */
  ecnThreshold?: number;
}

export interface RunSpec {
  path: PathSpec;
  tcp: Partial<TcpConfig>;
  /** Virtual milliseconds before measuring starts (slow start, first losses). */
  warmupMs: number;
  /** Virtual milliseconds measured. */
  measureMs: number;
  /** Record the sender's segments, the ACKs it gets and its cwnd (for the time-sequence chart). */
  trace?: boolean;
}

/** What the sender did and saw, times in ms from the first SYN, sequence numbers relative to the ISS. */
export interface Trace {
  /** Data segments sent: time, first byte, length, and whether a byte of it had been sent before. */
  segments: { t: number; seq: number; len: number; retransmit: boolean }[];
  /** Cumulative ACK and SACK blocks as they arrive. */
  acks: { t: number; ack: number; sack: { left: number; right: number }[] }[];
  /** cwnd and ssthresh (bytes) after each event that may change them. */
  cwnd: { t: number; cwnd: number; ssthresh: number }[];
}

export interface RunResult {
  goodputBps: number;
  /** Sender's connection info at the end of the run. */
  info: ConnectionInfo;
  /** Packets the bottleneck queue dropped and the random loss dropped. */
  queueDrops: number;
  randomDrops: number;
  /** Packets the bottleneck marked CE. */
  marked: number;
  /** Milliseconds of CPU this run used. */
  cpuMs: number;
  trace?: Trace;
}

const SOURCE = new Uint8Array(256 * 1024).map((_, i) => (i * 31) & 255);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Sees the sender's packets both ways (after loss: what it really sent, what really reached it). */
export class SenderTap implements Link {
  readonly trace: Trace = { segments: [], acks: [], cwnd: [] };
  onReceive: ((packet: Uint8Array) => void) | null = null;
  conn: Connection | null = null;
  #iss: number | null = null;
  #irs: number | null = null;
  #highest = 0;
  readonly #inner: Link;
  readonly #clock: VirtualClock;

  constructor(inner: Link, clock: VirtualClock) {
    this.#inner = inner;
    this.#clock = clock;
    inner.onReceive = (p) => {
      this.#seen(p, false);
      this.onReceive?.(p);
      this.#sampleCwnd();
    };
  }

  get mtu(): number {
    return this.#inner.mtu;
  }

  send(packet: Uint8Array): void {
    this.#seen(packet, true);
    this.#inner.send(packet);
  }

  close(): void {
    this.#inner.close();
  }

  #seen(packet: Uint8Array, outbound: boolean): void {
    const p = parsePacket(packet);
    if (!p.ok) return;
    const t = this.#clock.now();
    const tcp = p.tcp;
    if (outbound) {
      if (tcp.flags & TcpFlags.SYN) this.#iss = tcp.seq;
      if (this.#iss === null || p.payloadLength === 0) return;
      const seq = (tcp.seq - this.#iss - 1) >>> 0;
      this.trace.segments.push({ t, seq, len: p.payloadLength, retransmit: seq < this.#highest });
      this.#highest = Math.max(this.#highest, seq + p.payloadLength);
      this.#sampleCwnd();
      return;
    }
    if (tcp.flags & TcpFlags.SYN) this.#irs = tcp.seq;
    if (this.#iss === null || this.#irs === null || !(tcp.flags & TcpFlags.ACK)) return;
    const rel = (n: number) => (n - this.#iss! - 1) >>> 0;
    const sack = (tcp.options.sackBlocks ?? []).map((b) => ({ left: rel(b.left), right: rel(b.right) }));
    this.trace.acks.push({ t, ack: rel(tcp.ack), sack });
  }

  #sampleCwnd(): void {
    if (this.conn === null) return;
    const i = this.conn.info();
    const last = this.trace.cwnd.at(-1);
    if (last !== undefined && last.cwnd === i.cwnd && last.ssthresh === i.ssthresh) return;
    this.trace.cwnd.push({ t: this.#clock.now(), cwnd: i.cwnd, ssthresh: i.ssthresh });
  }
}

/** A fixed ISN key per seed: the same seed gives the same packets, byte for byte. */
export function isnKey(seed: number, side: number): Uint8Array {
  return new Uint8Array(16).map((_, i) => (seed * 131 + side * 17 + i * 7) & 255);
}

export function runPath(spec: RunSpec): RunResult {
  const t0 = cpuMs();
  const { path } = spec;
  const clock = new VirtualClock();
  const [la, lb] = memoryLinkPair({
    clock,
    delay: path.rttMs / 2,
    bandwidth: path.bandwidthBps,
    queueBytes: path.queueBytes,
    ecnThreshold: path.ecnThreshold,
    mtu: path.mtu,
    seed: path.seed,
  });
  const reorder = path.reorder;
  const lossy =
    path.loss > 0 || reorder !== undefined
      ? impair(la, {
          clock,
          loss: path.loss,
          reorder: reorder?.rate,
          reorderDelay: reorder?.delayMs,
          seed: path.seed,
          direction: "tx",
        })
      : la;
  const tap = spec.trace ? new SenderTap(lossy, clock) : null;
  const a = new IpStack({
    address: "10.0.0.1",
    link: tap ?? lossy,
    clock,
    tcp: spec.tcp,
    isnKey: isnKey(path.seed, 1),
  });
  const b = new IpStack({ address: "10.0.0.2", link: lb, clock, tcp: spec.tcp, isnKey: isnKey(path.seed, 2) });
  try {
    let received = 0;
    const listener = b.listen(5001);
    listener.onConnection = () => {
      const server = listener.accept()!;
      server.events.onReadable = () => {
        for (let c = server.read(); c !== null; c = server.read()) received += c.length;
      };
    };
    const client = a.connect("10.0.0.2", 5001);
    if (tap !== null) tap.conn = client;
    let failure: string | null = null;
    client.events.onError = (r) => {
      failure = r;
    };
    const fill = () => {
      while (client.write(SOURCE) > 0);
    };
    client.events.onWritable = fill;
    client.events.onStateChange = (_f, to) => {
      if (to === "ESTABLISHED") fill();
    };
    clock.runUntil(spec.warmupMs);
    const before = received;
    clock.runUntil(spec.warmupMs + spec.measureMs);
    if (failure !== null) throw new Error(`path transfer failed: ${failure} (loss ${path.loss}, seed ${path.seed})`);
    const goodputBps = ((received - before) * 8 * 1000) / spec.measureMs;
    return {
      goodputBps,
      info: client.info(),
      queueDrops: la.counters.tx.dropped.queue,
      randomDrops: lossy === la ? 0 : (lossy as typeof la).counters.tx.dropped.loss,
      marked: la.counters.tx.marked,
      cpuMs: cpuMs() - t0,
      trace: tap?.trace,
    };
  } finally {
    a.close();
    b.close();
  }
}
