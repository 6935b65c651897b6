/**
 * A `net`-shaped facade over one stack, so code written for Node's `net` runs on wirestate unchanged:
 * `createServer(handler)` gives a `net.Server` look-alike, `connect({ host, port })` a `net.Socket` one
 * (a TcpDuplex). What it covers and what not is listed in the README ("Node's `net` on the stack").
 */
import { EventEmitter } from "node:events";
import { ListenerClosedError } from "./errors.js";
import type { TcpListener } from "./listener.js";
import { type DuplexOnRead, TcpDuplex } from "./node-duplex.js";
import type { Stack } from "./stack.js";
import type { WirestateError } from "../errors/wirestate-error.js";

/** What `createServer(options, handler)` takes, as `net.createServer`. */
export interface NetServerOptions {
  /** As in `net`: false (the default) ends our side when the peer's FIN is read. */
  allowHalfOpen?: boolean;
}

/** What `connect(options)` takes: the parts of `net.connect`'s options that apply to a stack. */
export interface NetConnectOptions {
  port: number;
  /** An address of either family (no DNS); default the stack's own address, as `net` defaults to localhost. */
  host?: string;
  localPort?: number;
  /** As in `net`: false (the default) ends our side when the peer's FIN is read. */
  allowHalfOpen?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  /** Idle ms before the first keep-alive probe (0: the stack's configured value). */
  keepAliveInitialDelay?: number;
  /** Idle timeout in ms, as `socket.setTimeout`. */
  timeout?: number;
  /** Reads into the caller's own buffer instead of 'data' events, as `net`'s `onread`. */
  onread?: DuplexOnRead;
}

/** What `server.listen(options)` takes. */
export interface NetListenOptions {
  port?: number;
  host?: string;
  backlog?: number;
}

/** What `address()` gives, as `net.Server.address()`. */
export interface ServerAddress {
  address: string;
  port: number;
  family: "IPv4" | "IPv6";
}

/** Node's error for closing a server that is not listening, with Node's code. */
function notRunning(): Error {
  return Object.assign(new Error("Server is not running."), { code: "ERR_SERVER_NOT_RUNNING" });
}

/**
 * A `net.Server` look-alike on a stack: `listen(port, cb)` (port 0 picks one), 'listening',
 * 'connection', 'close' once closed and every connection ended, 'error', 'drop' past `maxConnections`,
 * `close(cb)`, `address()`, `getConnections(cb)`, `ref()`/`unref()`.
 */
export class TcpServer extends EventEmitter {
  /** Connections past this many are reset at once and reported by 'drop', as in `net`. */
  maxConnections: number | undefined = undefined;
  readonly #stack: Stack;
  readonly #allowHalfOpen: boolean;
  readonly #sockets = new Set<TcpDuplex>();
  #listener: TcpListener | null = null;
  #referenced = true;
  #closing = false;

  constructor(stack: Stack, options: NetServerOptions = {}, handler?: (socket: TcpDuplex) => void) {
    super();
    this.#stack = stack;
    this.#allowHalfOpen = options.allowHalfOpen ?? false;
    if (handler !== undefined) this.on("connection", handler);
  }

  get listening(): boolean {
    return this.#listener !== null;
  }

  /** Listen on `port` of the stack's address (0 or none: a free ephemeral port). */
  listen(port?: number, callback?: () => void): this;
  /** Listen on `port`; `host` must be a stack's address, 0.0.0.0 or ::, else 'error' with EADDRNOTAVAIL. */
  listen(port: number, host: string, callback?: () => void): this;
  /** Listen with `{ port, host, backlog }`, as `server.listen(options)`. */
  listen(options: NetListenOptions, callback?: () => void): this;
  listen(first?: number | NetListenOptions, second?: string | (() => void), third?: () => void): this {
    const options: NetListenOptions = typeof first === "object" ? first : { port: first };
    if (typeof second === "string") options.host = second;
    const callback = typeof second === "function" ? second : third;
    if (callback !== undefined) this.once("listening", callback);
    const host = options.host;
    const any = host === "0.0.0.0" || host === "::";
    if (host !== undefined && !any && host !== this.#stack.address && !this.#stack.addresses.includes(host)) {
      const error = Object.assign(new Error(`listen EADDRNOTAVAIL ${host}: not this stack's address`), {
        code: "EADDRNOTAVAIL",
      });
      process.nextTick(() => this.emit("error", error));
      return this;
    }
    let listener: TcpListener;
    try {
      listener = this.#stack.listen(options.port ?? 0, { backlog: options.backlog });
    } catch (error) {
      // As `net`: a taken port is an 'error' event, not a throw (bad arguments still throw).
      if ((error as WirestateError).code !== "EADDRINUSE") throw error;
      process.nextTick(() => this.emit("error", error));
      return this;
    }
    if (!this.#referenced) listener.unref();
    this.#listener = listener;
    this.#closing = false;
    void this.#acceptLoop(listener);
    process.nextTick(() => this.emit("listening"));
    return this;
  }

  /** The listening address, or null when not listening, as `server.address()`. */
  address(): ServerAddress | null {
    const l = this.#listener;
    return l === null ? null : { ...l.localAddr };
  }

  /** Stop accepting; 'close' (and `callback`) once every open connection has ended too. */
  close(callback?: (error?: Error) => void): this {
    const listener = this.#listener;
    if (listener === null) {
      if (callback !== undefined) process.nextTick(() => callback(notRunning()));
      return this;
    }
    if (callback !== undefined) this.once("close", () => callback());
    this.#listener = null;
    this.#closing = true;
    listener.close();
    this.#maybeClosed();
    return this;
  }

  /** Calls back (asynchronously, as `net`) with the number of open connections. */
  getConnections(callback: (error: Error | null, count: number) => void): this {
    const count = this.#sockets.size;
    process.nextTick(() => callback(null, count));
    return this;
  }

  /** Keep the process alive while listening (the default), as `server.ref()`. */
  ref(): this {
    this.#referenced = true;
    this.#listener?.ref();
    return this;
  }

  /** Listening alone no longer keeps the process alive, as `server.unref()`. */
  unref(): this {
    this.#referenced = false;
    this.#listener?.unref();
    return this;
  }

  async #acceptLoop(listener: TcpListener): Promise<void> {
    for (;;) {
      let stream: Awaited<ReturnType<TcpListener["accept"]>>;
      try {
        stream = await listener.accept();
      } catch (error) {
        if (!(error instanceof ListenerClosedError)) this.emit("error", error);
        return;
      }
      if (this.maxConnections !== undefined && this.#sockets.size >= this.maxConnections) {
        const { peerAddr, localAddr } = stream;
        stream.abort();
        this.emit("drop", {
          localAddress: localAddr.address,
          localPort: localAddr.port,
          localFamily: "IPv4",
          remoteAddress: peerAddr.address,
          remotePort: peerAddr.port,
          remoteFamily: "IPv4",
        });
        continue;
      }
      const socket = new TcpDuplex(stream, { allowHalfOpen: this.#allowHalfOpen });
      this.#sockets.add(socket);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        this.#maybeClosed();
      });
      this.emit("connection", socket);
    }
  }

  #maybeClosed(): void {
    if (!this.#closing || this.#sockets.size > 0) return;
    this.#closing = false;
    process.nextTick(() => this.emit("close"));
  }
}

/** `net`'s two entry points, bound to one stack. */
export interface NetFacade {
  /** A server whose 'connection' handler is `handler`, as `net.createServer(handler)`. */
  createServer(handler?: (socket: TcpDuplex) => void): TcpServer;
  /** A server with `options` (`allowHalfOpen`), as `net.createServer(options, handler)`. */
  createServer(options: NetServerOptions, handler?: (socket: TcpDuplex) => void): TcpServer;
  /** A connecting socket; `connectListener` runs on 'connect', as `net.connect(options, listener)`. */
  connect(options: NetConnectOptions, connectListener?: () => void): TcpDuplex;
  /** A connecting socket to `host:port` (default host: the stack's own address), as `net.connect(port, host)`. */
  connect(port: number, host?: string, connectListener?: () => void): TcpDuplex;
  /** Another name for `connect`, as in `net`. */
  createConnection: NetFacade["connect"];
}

/**
 * `net` over `stack`: the returned object's `createServer` and `connect` behave as `net`'s do, so a
 * module written against `net` runs on the stack when handed this object instead.
 *
 * ```ts
 * const net = nodeNet(stack);
 * net.createServer((socket) => socket.pipe(socket)).listen(7, () => console.log("echo on port 7"));
 * const socket = net.connect({ host: stack.address, port: 7 }, () => socket.end("hello"));
 * ```
 */
export function nodeNet(stack: Stack): NetFacade {
  function createServer(
    first?: NetServerOptions | ((socket: TcpDuplex) => void),
    second?: (socket: TcpDuplex) => void,
  ): TcpServer {
    return typeof first === "function" ? new TcpServer(stack, {}, first) : new TcpServer(stack, first, second);
  }
  function connect(first: NetConnectOptions | number, second?: string | (() => void), third?: () => void): TcpDuplex {
    const options: NetConnectOptions = typeof first === "number" ? { port: first } : first;
    if (typeof second === "string") options.host = second;
    const listener = typeof second === "function" ? second : third;
    const socket = new TcpDuplex(
      stack.connect(options.host ?? stack.address, options.port, { localPort: options.localPort }),
      { allowHalfOpen: options.allowHalfOpen ?? false, onread: options.onread },
    );
    if (options.noDelay !== undefined) socket.setNoDelay(options.noDelay);
    if (options.keepAlive) socket.setKeepAlive(true, options.keepAliveInitialDelay ?? 0);
    if (options.timeout !== undefined) socket.setTimeout(options.timeout);
    if (listener !== undefined) socket.once("connect", listener);
    return socket;
  }
  return { createServer, connect, createConnection: connect };
}
