import type { Clock } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import { CaptureLink, type CaptureLinkOptions } from "../link/capture.js";
import type { Link } from "../link/link.js";
import { LoopbackLink } from "../link/loopback.js";
import type { CaptureWriter } from "../pcap/writer.js";
import { IpStack, StackClosedError, type StackCounters, type TcpConfig } from "../stack/index.js";
import { AddressInUseError } from "../tcp/errors.js";
import type { Connection, ConnectOptions, ListenOptions } from "../tcp/types.js";
import { parseIpv4 } from "../wire/ipv4-address.js";
import { HostUnreachableError } from "./errors.js";
import { openStream } from "./handles.js";
import { TcpListener } from "./listener.js";
import { Hold, LoopHolds } from "./loop-hold.js";
import { StreamCore } from "./stream-core.js";
import type { TcpStream } from "./types.js";

/** `StackOptions.capture` with the capture tap's options. */
export interface CaptureOptions extends CaptureLinkOptions {
  writer: CaptureWriter;
}

/** What `new Stack(options)` takes: an address, and usually a link. */
export interface StackOptions {
  /** This stack's IPv4 address, dotted quad. Connecting to it takes the loopback path, not the link. */
  address: string;
  /**
   * Where packets to other addresses go. Without one the stack is loopback-only: it reaches itself
   * (`connect(stack.address, port)`), and connecting anywhere else rejects with `HostUnreachableError`.
   */
  link?: Link;
  /** Time for every timer (default: the real clock). Tests pass a VirtualClock. */
  clock?: Clock;
  /**
   * Record every packet in and out to a pcap or pcapng writer. With pcapng each packet carries the
   * engine's trace (state changes, RTO, fast retransmit) as comments. The stack never closes the writer.
   */
  capture?: CaptureWriter | CaptureOptions;
  tcp?: Partial<TcpConfig>;
  /** 16-byte RFC 6528 secret; only tests should pass one (it makes ISNs predictable). */
  isnKey?: Uint8Array;
  /**
   * Bytes this stack's connections and buffers may hold together: under pressure windows shrink and new
   * connections are refused (counted). Default 64 MiB in a browser, 256 MiB in Node.
   */
  memoryLimit?: number;
  /** Human-readable engine events ("SYN-SENT -> ESTABLISHED", "RTO fired, rto=400ms"). */
  onTrace?: (text: string) => void;
  /** Default bound (ms) on a graceful close, including the one `await using` does. Default 30 s. */
  closeTimeout?: number;
}

/**
 * A TCP/IPv4 stack on one link: the typestate face of the engine. `await using stack = new Stack(...)`
 * closes it at the end of the block.
 */
export class Stack {
  readonly address: string;
  readonly clock: Clock;
  /** The capture tap on the link, when `capture` was given (its counters say what failed to record). */
  readonly capture: CaptureLink | null;
  readonly #ip: IpStack;
  readonly #closeTimeout: number;
  readonly #listeners = new Set<TcpListener>();
  readonly #holds: LoopHolds;
  readonly #loopback: LoopbackLink;
  #closed = false;

  constructor(options: StackOptions) {
    const clock = options.clock ?? new RealClock();
    if (options.link !== undefined && !isLink(options.link)) {
      throw new TypeError(
        "StackOptions.link must be a Link (mtu, send, onReceive, close), or absent for loopback only",
      );
    }
    this.#loopback = new LoopbackLink(parseIpv4(options.address), options.link ?? null, clock);
    // The capture sees loopback traffic too, as a capture on every interface would.
    const capture = options.capture === undefined ? null : tap(this.#loopback, options.capture, clock);
    const userTrace = options.onTrace;
    const onTrace =
      capture === null
        ? userTrace
        : (text: string) => {
            capture.annotate(text);
            userTrace?.(text);
          };
    this.#closeTimeout = options.closeTimeout ?? 30_000;
    if (!(this.#closeTimeout > 0)) throw new RangeError(`closeTimeout must be positive, got ${options.closeTimeout}`);
    this.#ip = new IpStack({
      address: options.address,
      link: capture ?? this.#loopback,
      clock,
      tcp: options.tcp,
      isnKey: options.isnKey,
      memoryLimit: options.memoryLimit,
      onTrace,
    });
    this.address = this.#ip.address;
    this.clock = clock;
    this.capture = capture;
    // Only a clock that runs by itself can finish what a held process waits for.
    this.#holds = new LoopHolds(clock instanceof RealClock);
  }

  /**
   * Let pending calls, open listeners and open Node Duplexes on this stack keep a Node process alive
   * (the default). The engine's own timers (TIME-WAIT, keep-alive idle, delayed ACK, retransmission)
   * never do: a program whose last `await` finished exits even with connections lingering in TIME-WAIT.
   */
  ref(): this {
    this.#holds.ref();
    return this;
  }

  /** Nothing on this stack keeps the process alive: it exits once the rest of the program is done. */
  unref(): this {
    this.#holds.unref();
    return this;
  }

  /** True while something on this stack keeps the Node process alive. */
  get holdsProcess(): boolean {
    return this.#holds.holding;
  }

  /** Segments, retransmissions and drops by reason, stack-wide. */
  get counters(): StackCounters {
    return this.#ip.counters;
  }

  /** Connections the engine holds (every state but CLOSED, TIME-WAIT included). */
  get connectionCount(): number {
    return this.#ip.connectionCount;
  }

  /**
   * Passive OPEN. Port 0 picks a free ephemeral port (49152..65535); `listener.localAddr.port` says which.
   * Throws `AddressInUseError` when the port is taken.
   */
  listen(port: number, options?: ListenOptions): TcpListener {
    this.#assertOpen();
    const listener = new TcpListener(
      port === 0 ? this.#listenEphemeral(options) : this.#ip.listen(port, options),
      (conn) => openStream(this.#core(conn)),
      () => this.#listeners.delete(listener),
      new Hold(this.#holds),
    );
    this.#listeners.add(listener);
    return listener;
  }

  /**
   * Active OPEN: resolves once the handshake completes; rejects with `ConnectionRefusedError` (RST),
   * `ConnectTimeoutError` (no answer) or `AddressInUseError` (a `localPort` in use).
   */
  async connect(address: string, port: number, options?: ConnectOptions): Promise<TcpStream<"Established">> {
    this.#assertOpen();
    if (!this.#loopback.routed && parseIpv4(address) !== this.#ip.ip) {
      throw new HostUnreachableError(`stack ${this.address} has no link (loopback only): cannot reach ${address}`);
    }
    const core = this.#core(this.#ip.connect(address, port, options));
    await core.hold.during(core.established());
    return openStream(core);
  }

  /** Abort every connection (RST), stop every listener, and detach from the link (which stays the caller's to close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Ours first, so pending accept() calls end with ListenerClosedError instead of waiting forever.
    for (const l of [...this.#listeners]) l.close();
    this.#ip.close();
  }

  /** `await using`: `close()` at the end of the block (every connection left is aborted). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StackClosedError(`stack ${this.address} is closed`);
  }

  #listenEphemeral(options: ListenOptions | undefined): ReturnType<IpStack["listen"]> {
    const start = Math.floor(Math.random() * EPHEMERAL_COUNT);
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      try {
        return this.#ip.listen(EPHEMERAL_LOW + ((start + i) % EPHEMERAL_COUNT), options);
      } catch (e) {
        if (!(e instanceof AddressInUseError)) throw e;
      }
    }
    throw new AddressInUseError(`stack ${this.address}: every ephemeral port is listening`);
  }

  #core(conn: Connection): StreamCore {
    return new StreamCore(conn, this.clock, this.#closeTimeout, new Hold(this.#holds));
  }
}

const EPHEMERAL_LOW = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_LOW;

function isLink(value: unknown): value is Link {
  const l = value as Link | null;
  return typeof l === "object" && l !== null && typeof l.mtu === "number" && typeof l.send === "function";
}

function tap(link: Link, capture: CaptureWriter | CaptureOptions, clock: Clock): CaptureLink {
  if ("writer" in capture) {
    const { writer, ...options } = capture;
    return new CaptureLink(link, writer, clock, options);
  }
  return new CaptureLink(link, capture, clock);
}
