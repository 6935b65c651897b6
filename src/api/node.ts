/**
 * `wirestate/node`: the Node-only adapter. A `stream.Duplex` over a userspace TCP connection that Node's
 * own `http` server (`server.emit("connection", duplex)`) and client (`http.request({ createConnection })`)
 * run over. Kept out of the main entry so browser bundles never see `node:stream`.
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import type { Timer } from "../clock/clock.js";
import { takeBytes } from "./handles.js";
import type { Owner, StreamCore } from "./stream-core.js";
import type { TcpStream } from "./types.js";

/**
 * The parts of `net.Socket` that `http` and common libraries touch: addresses, `setTimeout` (idle
 * timeout on the stack's clock), `setNoDelay`. Half-open by default, as TCP is: ending the writable side
 * sends FIN and the readable side may go on. `destroy(error)` aborts (RST); `destroy()` without an error
 * finishes gracefully in the background (bounded by the stack's close timeout), as a kernel does.
 */
export class TcpDuplex extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily = "IPv4";
  readonly localAddress: string;
  readonly localPort: number;
  readonly #core: StreamCore;
  readonly #owner: Owner;
  #reading = false;
  #idleMs = 0;
  #idleTimer: Timer | null = null;
  #bytesRead = 0;

  constructor(stream: TcpStream<"Established">) {
    super({ allowHalfOpen: true });
    const { core, owner } = takeBytes(stream, "toNodeDuplex()");
    this.#core = core;
    this.#owner = owner;
    this.remoteAddress = core.peerAddr.address;
    this.remotePort = core.peerAddr.port;
    this.localAddress = core.localAddr.address;
    this.localPort = core.localAddr.port;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** The engine's view of the connection (state, RTT, windows, counters). */
  info(): ReturnType<StreamCore["info"]> {
    return this.#core.info();
  }

  address(): { address: string; port: number; family: string } {
    return { address: this.localAddress, port: this.localPort, family: "IPv4" };
  }

  override _read(): void {
    if (this.#reading) return;
    this.#reading = true;
    this.#core.read(this.#owner, undefined, null).then(
      (chunk) => {
        this.#reading = false;
        this.#touch();
        if (chunk === null) {
          this.push(null);
          return;
        }
        const bytes = chunk as Uint8Array;
        this.#bytesRead += bytes.length;
        // A Buffer view, not a copy: `http`'s parser wants Buffers.
        if (this.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))) this._read();
      },
      (error: Error) => {
        this.#reading = false;
        this.destroy(error);
      },
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#core.write(chunk).then(() => {
      this.#touch();
      callback();
    }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#core.requestFin();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#idleTimer?.cancel();
    this.#idleTimer = null;
    if (error !== null) this.#core.abort();
    else void this.#core.dispose();
    callback(error);
  }

  /** Emit "timeout" after `ms` without traffic (0 disables), as `net.Socket.setTimeout` does. */
  setTimeout(ms: number, callback?: () => void): this {
    this.#idleMs = ms;
    if (callback !== undefined) {
      if (ms > 0) this.once("timeout", callback);
      else this.removeListener("timeout", callback);
    }
    this.#touch();
    return this;
  }

  setNoDelay(noDelay = true): this {
    this.#core.conn.setNoDelay(noDelay);
    return this;
  }

  /** Keep-alive is chosen when connecting (`ConnectOptions.keepAlive`); `http` calls this, so it exists. */
  setKeepAlive(): this {
    return this;
  }

  #touch(): void {
    this.#idleTimer?.cancel();
    this.#idleTimer = null;
    if (this.#idleMs <= 0 || this.destroyed) return;
    this.#idleTimer = this.#core.clock.schedule(this.#idleMs, () => {
      this.#idleTimer = null;
      this.emit("timeout");
    });
  }
}

/** A `stream.Duplex` over an Established stream; the handle keeps `info()` and `abort()`. */
export function toNodeDuplex(stream: TcpStream<"Established">): TcpDuplex {
  return new TcpDuplex(stream);
}
