/**
 * A `stream.Duplex` over a userspace TCP connection that passes where Node expects a `net.Socket`: Node's
 * `http` server (`server.emit("connection", duplex)`) and client (`createConnection`, keep-alive agents
 * included), `tls.connect({ socket })`, undici's `Agent({ connect })`, `ws`.
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import type { Timer } from "../clock/clock.js";
import { checkReadBuffer } from "./byte-args.js";
import { takeBytes } from "./handles.js";
import type { Owner, StreamCore } from "./stream-core.js";
import type { TcpStream } from "./types.js";

/** What `address()` gives, as `net.Socket.address()` does. */
export interface DuplexAddress {
  address: string;
  port: number;
  family: "IPv4" | "IPv6";
}

/**
 * `net.Socket`'s `onread` option: each read goes into `buffer` (or the buffer the function returns, asked
 * for before each read) and to `callback`, never to 'data'; 'end', 'error' and 'close' come as usual.
 * Nothing is allocated per read, as the BYOB reader of the WHATWG pair does: the bytes go from the receive
 * buffer straight into the caller's memory, which the next read overwrites.
 */
export interface DuplexOnRead {
  /** The buffer every read fills from its start, or a function giving the one for the next read. */
  buffer: Uint8Array | (() => Uint8Array);
  /** `bytesWritten` bytes at the start of `buf` are the read's; false pauses the Duplex (`resume()` goes on). */
  callback(bytesWritten: number, buf: Uint8Array): boolean | undefined;
}

/** What the Duplex is made with. */
export interface TcpDuplexOptions {
  /**
   * Default true, as TCP is: false ends our side as soon as the peer's FIN is read, as a `net.Socket` made
   * with `allowHalfOpen: false` (Node's default for `net`) does.
   */
  allowHalfOpen?: boolean;
  /** Reads into the caller's own buffer, as `net.Socket`'s `onread` (DuplexOnRead). */
  onread?: DuplexOnRead;
}

/**
 * A `net.Socket` stand-in over one connection. Half-open by default, as TCP is: ending the writable side
 * sends FIN and the readable side may go on. `destroy(error)` aborts (RST) and `resetAndDestroy()` too;
 * `destroy()` without an error finishes gracefully in the background (bounded by the stack's close
 * timeout), as a kernel does for a closed socket.
 *
 * Made from an Established stream it is connected at once (no 'connect' event, as a `net.Socket` over an
 * accepted handle); made from a pending `stack.connect(...)` it starts `connecting`, emits 'connect' and
 * 'ready' once the handshake completes, and queues writes until then.
 *
 * Events: 'connect', 'ready', 'data', 'end', 'finish', 'timeout', 'error', and 'close' with `hadError`.
 * An open Duplex keeps a Node process alive, as a socket does, until `unref()`.
 *
 * ```ts
 * const agent = new http.Agent({ keepAlive: true });
 * agent.createConnection = () => toNodeDuplex(stack.connect("10.0.0.2", 80));
 * http.get({ host: "10.0.0.2", agent }, (res) => res.pipe(process.stdout));
 * ```
 */
export class TcpDuplex extends Duplex {
  #core: StreamCore | null = null;
  #owner: Owner | null = null;
  readonly #pending: Promise<TcpStream<"Established">> | null;
  #connecting: boolean;
  #reading = false;
  readonly #onread: DuplexOnRead | null;
  /** In `onread` mode: paused (by `pause()` or the callback's false), so no read is asked for. */
  #onreadPaused = false;
  #reset = false;
  #idleMs = 0;
  #idleTimer: Timer | null = null;
  #bytesRead = 0;
  #bytesWritten = 0;
  // Settings made while connecting, applied once the connection exists.
  #referenced = true;
  #noDelay: boolean | null = null;
  #keepAlive: [boolean, number] | null = null;

  constructor(stream: TcpStream<"Established"> | Promise<TcpStream<"Established">>, options: TcpDuplexOptions = {}) {
    // Our own 'close' carries `hadError`, as `net.Socket`'s does.
    super({ allowHalfOpen: options.allowHalfOpen ?? true, emitClose: false });
    this.#onread = checkedOnRead(options.onread);
    // Node's Duplex would end our side a tick later, so a write in an 'end' handler still went out; a
    // `net.Socket` refuses it (the peer has gone), and so do we, by ending before any user handler runs.
    if (options.allowHalfOpen === false) this.on("end", () => this.end());
    this.#pending = stream instanceof Promise ? stream : null;
    this.#connecting = this.#pending !== null;
    if (!(stream instanceof Promise)) this.#attach(stream);
  }

  /** Waits for the handshake when made from a pending connect; Node holds reads and writes until then. */
  override _construct(callback: (error?: Error | null) => void): void {
    if (!this.#connecting) return callback();
    this.#pending!.then(
      (stream) => {
        this.#attach(stream);
        this.#connecting = false;
        this.emit("connect");
        this.emit("ready");
        callback();
      },
      (error: Error) => {
        this.#connecting = false;
        callback(error);
      },
    );
  }

  get connecting(): boolean {
    return this.#connecting;
  }

  /** True until the connection exists (while connecting, or after a failed connect), as in `net`. */
  get pending(): boolean {
    return this.#core === null;
  }

  get readyState(): "opening" | "open" | "readOnly" | "writeOnly" | "closed" {
    if (this.#connecting) return "opening";
    if (this.readable && this.writable) return "open";
    if (this.readable) return "readOnly";
    if (this.writable) return "writeOnly";
    return "closed";
  }

  get remoteAddress(): string | undefined {
    return this.#core?.peerAddr.address;
  }

  get remotePort(): number | undefined {
    return this.#core?.peerAddr.port;
  }

  get remoteFamily(): "IPv4" | "IPv6" | undefined {
    return this.#core?.peerAddr.family;
  }

  get localAddress(): string | undefined {
    return this.#core?.localAddr.address;
  }

  get localPort(): number | undefined {
    return this.#core?.localAddr.port;
  }

  get localFamily(): "IPv4" | "IPv6" | undefined {
    return this.#core?.localAddr.family;
  }

  /** Bytes delivered to the reader so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes handed to the stack so far, plus those still queued in this Duplex, as `net.Socket` counts. */
  get bytesWritten(): number {
    return this.#bytesWritten + this.writableLength;
  }

  /** The idle timeout set by `setTimeout`, or undefined when none is set. */
  get timeout(): number | undefined {
    return this.#idleMs > 0 ? this.#idleMs : undefined;
  }

  /** The engine's view of the connection (state, RTT, windows, counters). Throws while connecting. */
  info(): ReturnType<StreamCore["info"]> {
    return this.#connected("info()").info();
  }

  /** The local end, as `net.Socket.address()`; `{}` while connecting. */
  address(): DuplexAddress | Record<string, never> {
    const core = this.#core;
    if (core === null) return {};
    return { ...core.localAddr };
  }

  /** Keep the process alive while this Duplex is open (the default). */
  ref(): this {
    this.#referenced = true;
    this.#core?.hold.ref();
    return this;
  }

  /** This Duplex no longer keeps the process alive (`http.Agent` does this to idle keep-alive sockets). */
  unref(): this {
    this.#referenced = false;
    this.#core?.hold.unref();
    return this;
  }

  /** Emit 'timeout' after `ms` without traffic (0 disables), as `net.Socket.setTimeout` does. */
  setTimeout(ms: number, callback?: () => void): this {
    if (!(ms >= 0 && ms < Infinity)) throw new RangeError(`timeout must be a non-negative number, got ${ms}`);
    this.#idleMs = ms;
    if (callback !== undefined) {
      if (ms > 0) this.once("timeout", callback);
      else this.removeListener("timeout", callback);
    }
    this.#touch();
    return this;
  }

  /** Nagle off (true, the default argument) or on, as `net.Socket.setNoDelay`. */
  setNoDelay(noDelay = true): this {
    if (this.#core === null) this.#noDelay = noDelay;
    else this.#core.conn.setNoDelay(noDelay);
    return this;
  }

  /**
   * RFC 1122 keep-alive probes on this connection after `initialDelay` ms idle (0: leave the idle time
   * as configured), as `net.Socket.setKeepAlive`. Unanswered probes end the connection with
   * `KeepAliveTimeoutError`.
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    if (this.#core === null) this.#keepAlive = [enable, initialDelay];
    else this.#core.conn.setKeepAlive(enable, initialDelay);
    return this;
  }

  /** End the writable side, then destroy once everything written is handed over, as `net`. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }

  /** Close with a RST instead of a FIN (RFC 9293 ABORT) and destroy the Duplex, as `net`. */
  resetAndDestroy(): this {
    this.#reset = true;
    return this.destroy();
  }

  /** In `onread` mode, stops asking for reads until `resume()`, as `net.Socket` stops its handle's. */
  override pause(): this {
    this.#onreadPaused = this.#onread !== null;
    return super.pause();
  }

  override resume(): this {
    super.resume();
    if (this.#onread !== null && this.#onreadPaused) {
      this.#onreadPaused = false;
      if (this.#core !== null) this.#readIntoCaller();
    }
    return this;
  }

  /** Node's stream machinery calls this; read from the Duplex instead. */
  override _read(): void {
    if (this.#reading) return;
    if (this.#onread !== null) return this.#readIntoCaller();
    const core = this.#core!;
    this.#reading = true;
    core.read(this.#owner!, undefined, null).then(
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

  /**
   * The `onread` loop: one read at a time into the caller's buffer, each handed to the callback, until the
   * end (pushed as `net` does: push(null) and read(0), so 'end' comes with no 'data' listener), an error,
   * or a pause. A callback that throws destroys the Duplex with its error ('error', then 'close').
   */
  #readIntoCaller(): void {
    if (this.#reading || this.#onreadPaused || this.destroyed) return;
    const onread = this.#onread!;
    let buffer: Uint8Array;
    try {
      buffer = typeof onread.buffer === "function" ? onread.buffer() : onread.buffer;
      checkReadBuffer(buffer, "the onread buffer function's result");
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    this.#reading = true;
    this.#core!.readInto(this.#owner!, buffer).then(
      (n) => {
        this.#reading = false;
        this.#touch();
        if (this.destroyed) return;
        if (n === null) {
          this.push(null);
          this.read(0);
          return;
        }
        this.#bytesRead += n;
        let more: boolean;
        try {
          more = onread.callback(n, buffer) !== false;
        } catch (error) {
          this.destroy(error as Error);
          return;
        }
        if (more) this.#readIntoCaller();
        else this.pause();
      },
      (error: Error) => {
        this.#reading = false;
        this.destroy(error);
      },
    );
  }

  /** Node's stream machinery calls this; write to the Duplex instead. */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#core!.write(chunk).then(() => {
      this.#bytesWritten += chunk.length;
      this.#touch();
      callback();
    }, callback);
  }

  /** Node's stream machinery calls this on `end()`: our FIN follows the queued bytes. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#core!.requestFin();
    callback();
  }

  /** Node's stream machinery calls this on `destroy()`: RST on an error, else a graceful close. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#idleTimer?.cancel();
    this.#idleTimer = null;
    const core = this.#core;
    if (core !== null) {
      core.hold.end();
      if (error !== null || this.#reset) core.abort();
      else void core.dispose();
    }
    callback(error);
    // After the 'error' that callback schedules, as net.Socket orders them.
    process.nextTick(() => this.emit("close", error !== null));
  }

  #attach(stream: TcpStream<"Established">): void {
    const { core, owner } = takeBytes(stream, "toNodeDuplex()");
    this.#core = core;
    this.#owner = owner;
    core.hold.begin();
    if (!this.#referenced) core.hold.unref();
    if (this.#noDelay !== null) core.conn.setNoDelay(this.#noDelay);
    if (this.#keepAlive !== null) core.conn.setKeepAlive(...this.#keepAlive);
    this.#touch();
    // Node's streams ask for reads only once something reads; `onread` mode has no reader, so it starts
    // here, as `net.Socket` starts its handle's reading on connect.
    if (this.#onread !== null) queueMicrotask(() => this.#readIntoCaller());
  }

  #connected(what: string): StreamCore {
    if (this.#core === null) throw new TypeError(`${what} needs a connected TcpDuplex (it is ${this.readyState})`);
    return this.#core;
  }

  #touch(): void {
    this.#idleTimer?.cancel();
    this.#idleTimer = null;
    if (this.#idleMs <= 0 || this.destroyed || this.#core === null) return;
    this.#idleTimer = this.#core.clock.schedule(this.#idleMs, () => {
      this.#idleTimer = null;
      this.emit("timeout");
    });
  }
}

/** The `onread` option, checked where it is given (a function's buffers are checked at each read). */
function checkedOnRead(onread: DuplexOnRead | undefined): DuplexOnRead | null {
  if (onread === undefined) return null;
  if (typeof onread !== "object" || onread === null || typeof onread.callback !== "function") {
    throw new TypeError("onread must be an object with a callback function");
  }
  if (typeof onread.buffer !== "function") checkReadBuffer(onread.buffer, "onread.buffer");
  return onread;
}

/**
 * A `stream.Duplex` that passes as a `net.Socket`, over an Established stream (the handle keeps `info()`
 * and `abort()`) or over a pending `stack.connect(...)` (connecting until the handshake completes).
 */
export function toNodeDuplex(
  stream: TcpStream<"Established"> | Promise<TcpStream<"Established">>,
  options?: TcpDuplexOptions,
): TcpDuplex {
  return new TcpDuplex(stream, options);
}
