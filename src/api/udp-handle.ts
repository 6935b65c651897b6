import { errorForIcmp } from "../udp/unreachable-error.js";
import type { UdpSocket as EngineSocket } from "../udp/udp-socket.js";
import { StaleHandleError } from "./errors.js";
import type { SocketAddress } from "./types.js";
import { socketAddress } from "./socket-address.js";
import type { UdpMessage, UdpSocket, UdpSocketState } from "./udp-types.js";
import type { Hold } from "./loop-hold.js";

const encoder = new TextEncoder();

interface Waiter {
  resolve(m: UdpMessage | null): void;
  reject(error: unknown): void;
}

/** One engine socket's pending `receive()` calls, shared by the handles that stand for it in turn. */
class UdpCore {
  readonly socket: EngineSocket;
  readonly #waiters: Waiter[] = [];
  /** A pending `receive()` keeps a Node process alive, as a pending `read()` does (loop-hold.ts). */
  readonly hold: Hold;

  constructor(socket: EngineSocket, hold: Hold) {
    this.socket = socket;
    this.hold = hold;
    socket.onReadable = () => this.#serve();
  }

  receive(): Promise<UdpMessage | null> {
    return this.hold.during(
      new Promise((resolve, reject) => {
        this.#waiters.push({ resolve, reject });
        this.#serve();
      }),
    );
  }

  /** The pending ICMP error of a connected socket as its typed error, once. */
  takeError(): Error | null {
    const s = this.socket;
    if (s.pendingError === null) return null;
    const error = errorForIcmp(s.pendingError, `${s.remoteAddress}:${s.remotePort}`);
    s.pendingError = null;
    return error;
  }

  #serve(): void {
    while (this.#waiters.length > 0) {
      const error = this.takeError();
      if (error !== null) {
        this.#waiters.shift()?.reject(error);
        continue;
      }
      const d = this.socket.take();
      if (d !== null) {
        this.#waiters.shift()?.resolve({ data: d.data, address: d.address, port: d.port });
      } else if (this.socket.closed) {
        this.#waiters.shift()?.resolve(null);
      } else {
        return;
      }
    }
  }
}

/**
 * The one implementation behind every `UdpSocket<S>`: the type shows each state's calls, and a handle that
 * `connect()` or `close()` replaced throws StaleHandleError at run time.
 */
class UdpHandle {
  readonly state: UdpSocketState;
  readonly #core: UdpCore;
  #consumed: { by: string; replacedBy: UdpSocketState } | null = null;

  constructor(core: UdpCore, state: UdpSocketState) {
    this.#core = core;
    this.state = state;
  }

  get localAddr(): SocketAddress {
    return socketAddress(this.#core.socket.localAddress, this.#core.socket.localPort);
  }

  get peerAddr(): SocketAddress {
    const s = this.#core.socket;
    return socketAddress(s.remoteAddress, s.remotePort);
  }

  get counters() {
    return { ...this.#core.socket.counters };
  }

  ref(): void {
    this.#core.hold.ref();
  }

  unref(): void {
    this.#core.hold.unref();
  }

  send(data: Uint8Array | string, address?: string, port?: number): void {
    this.#assertLive();
    const s = this.#core.socket;
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    if (this.state === "Connected") {
      const error = this.#core.takeError();
      if (error !== null) throw error;
      s.send(bytes, s.remoteIp, s.remotePort);
      return;
    }
    if (address === undefined || port === undefined) {
      throw new TypeError("send(data, address, port): an unconnected socket needs the destination");
    }
    s.send(bytes, s.parseAddress(address), port);
  }

  connect(address: string, port: number): UdpSocket<"Connected"> {
    this.#assertLive();
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be 1..65535, got ${port}`);
    const socket = this.#core.socket;
    socket.connect(socket.parseAddress(address), address, port);
    this.#consumed = { by: "connect()", replacedBy: "Connected" };
    return new UdpHandle(this.#core, "Connected") as unknown as UdpSocket<"Connected">;
  }

  receive(): Promise<UdpMessage | null> {
    if (this.#consumed !== null) return Promise.reject(this.#stale());
    return this.#core.receive();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<UdpMessage> {
    for (let m = await this.receive(); m !== null; m = await this.receive()) yield m;
  }

  get readable(): ReadableStream<UdpMessage> {
    this.#assertLive();
    return new ReadableStream<UdpMessage>(
      {
        // From the socket itself: the stream outlives this handle's replacement by connect() or close().
        pull: async (controller) => {
          const m = await this.#core.receive();
          if (m === null) controller.close();
          else controller.enqueue(m);
        },
      },
      // Nothing is taken from the socket's own bounded queue before the reader asks.
      { highWaterMark: 0 },
    );
  }

  close(): UdpSocket<"Closed"> {
    this.#assertLive();
    this.#core.socket.close();
    this.#consumed = { by: "close()", replacedBy: "Closed" };
    return new UdpHandle(this.#core, "Closed") as unknown as UdpSocket<"Closed">;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    // Disposing a handle that connect() replaced closes the socket too, as `await using` on the first expects.
    if (!this.#core.socket.closed) this.#core.socket.close();
  }

  #assertLive(): void {
    if (this.#consumed !== null) throw this.#stale();
    if (this.state === "Closed") throw new StaleHandleError("Closed", "close()", undefined, "UdpSocket");
  }

  #stale(): StaleHandleError {
    const c = this.#consumed;
    return new StaleHandleError(this.state, c?.by ?? "close()", c?.replacedBy, "UdpSocket");
  }
}

/** The unconnected handle of a freshly bound engine socket. */
export function openUdpSocket(socket: EngineSocket, hold: Hold): UdpSocket<"Unconnected"> {
  return new UdpHandle(new UdpCore(socket, hold), "Unconnected") as unknown as UdpSocket<"Unconnected">;
}
