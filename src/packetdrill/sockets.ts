import type { TcpConfig } from "../stack/index.js";
import type { ConnectOptions, Connection, Listener } from "../tcp/types.js";
import type { Expr, Syscall } from "./ast.js";
import { errnoName, errnoNumber, SYMBOLS } from "./constants.js";
import { PacketdrillUnsupportedError } from "./errors.js";
import { tcpInfoField } from "./tcp-info.js";

/** What the socket layer needs from the run: the stack (made on first use) and the flow under test. */
export interface SocketHost {
  /** The stack; the first caller's options become its configuration (options are per stack here). */
  stack(overrides: Partial<TcpConfig>): {
    listen(port: number, opts?: { backlog?: number }): Listener;
    connect(address: string, port: number, opts?: ConnectOptions): Connection;
  };
  readonly remoteAddress: string;
  readonly bindPort: number;
  readonly connectPort: number;
  /** A listening socket or a connection became the socket under test. */
  listening(port: number): void;
  connected(conn: Connection): void;
  /** Something a blocked call may be waiting for happened (data, space, a state change). */
  wake(): void;
  /** The script's configuration before socket options (sysctls applied over the stack's defaults). */
  readonly defaults: TcpConfig;
  /** Records a setting that has no effect here. */
  note(text: string): void;
}

/** A call's result so far: done, or blocked (a blocking socket with nothing to give yet). */
export type Outcome = { done: true; ret: number; errno?: string; mismatch?: string } | { done: false };
export type Attempt = () => Outcome;

interface Sock {
  fd: number;
  nonblocking: boolean;
  config: Partial<TcpConfig>;
  port?: number;
  listener?: Listener;
  conn?: Connection;
  backlog?: number;
  /** errno of the error the connection ended with, until a call reports it (SO_ERROR, read, write). */
  pendingError?: string;
  /** The error has been reported once: later writes give EPIPE, reads end of file. */
  failed: boolean;
  shutWrite: boolean;
  /** shutdown(SHUT_RD): reads return what is buffered, then end of file, as on Linux. */
  shutRead: boolean;
  lingerZero: boolean;
}

const ok = (ret: number): Outcome => ({ done: true, ret });
const fail = (errno: string): Outcome => ({ done: true, ret: -1, errno });
const blocked: Outcome = { done: false };
const SYNCHRONIZED = new Set([
  "ESTABLISHED",
  "CLOSE-WAIT",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "CLOSING",
  "LAST-ACK",
  "TIME-WAIT",
]);
const CAN_SEND = new Set(["ESTABLISHED", "CLOSE-WAIT"]);

const reasonErrno: Record<string, string> = {
  refused: "ECONNREFUSED",
  reset: "ECONNRESET",
  "connect-timeout": "ETIMEDOUT",
  "user-timeout": "ETIMEDOUT",
  "keepalive-timeout": "ETIMEDOUT",
  aborted: "ECONNABORTED",
};

/**
 * The POSIX socket calls scripts make, on the stack's Connection and Listener. fds start at 3, as in a
 * process with stdin/stdout/stderr open. Calls the stack cannot express throw PacketdrillUnsupportedError.
 */
export class Sockets {
  readonly #host: SocketHost;
  readonly #socks = new Map<number, Sock>();
  #nextFd = 3;
  #wantFd: number | undefined;
  /** The most recent socket with a connection: what `%{ }%` blocks read tcp_info from. */
  underTest: Connection | null = null;

  constructor(host: SocketHost) {
    this.#host = host;
  }

  start(call: Syscall): Attempt {
    const a = call.args;
    // packetdrill maps the script's fd numbers to live ones: a new socket takes the number the script
    // expects it to get, so `socket(...) = 4` is followed by calls on fd 4.
    this.#wantFd = call.result.kind === "int" && call.result.value >= 0 ? call.result.value : undefined;
    switch (call.name) {
      case "socket":
        return this.#socket(a);
      case "setsockopt":
        return () => this.#setsockopt(a);
      case "getsockopt":
        return () => this.#getsockopt(a);
      case "bind":
        return () => this.#bind(a);
      case "listen":
        return () => this.#listen(a);
      case "accept":
      case "accept4":
        return this.#accept(a);
      case "connect":
        return this.#connect(a);
      case "write":
      case "send":
      case "sendto":
        if (a[1]?.kind !== "ellipsis" && a[1]?.kind !== "string") {
          throw new PacketdrillUnsupportedError(`${call.name} with a raw buffer address`);
        }
        return this.#write(a[0], intArg(a[2]), call.name === "write" ? 0 : intArg(a[3]));
      case "writev":
        return this.#write(a[0], iovecLength(a[1]), 0);
      case "sendmsg":
        return this.#write(a[0], iovecLength(field(a[1], "msg_iov")), intArg(a[2]));
      case "read":
      case "recv":
      case "recvfrom":
        return this.#read(a[0], intArg(a[2]), call.name === "read" ? 0 : intArg(a[3]));
      case "readv":
        return this.#read(a[0], iovecLength(a[1]), 0);
      case "recvmsg":
        return this.#read(a[0], iovecLength(field(a[1], "msg_iov")), intArg(a[2]));
      case "shutdown":
        return () => this.#shutdown(a);
      case "close":
        return () => this.#close(a);
      case "fcntl":
        return () => this.#fcntl(a);
      case "ioctl":
        return () => this.#ioctl(a);
      case "poll":
        return this.#poll(a);
      default:
        throw new PacketdrillUnsupportedError(`system call ${call.name} is not supported`);
    }
  }

  #sock(e: Expr | undefined): Sock {
    const fd = intArg(e);
    const s = this.#socks.get(fd);
    if (s === undefined) throw new PacketdrillUnsupportedError(`fd ${fd} is not a socket this script opened`);
    return s;
  }

  #socket(a: Expr[]): Attempt {
    const domain = a[0]?.kind === "ellipsis" ? SYMBOLS.AF_INET : intArg(a[0]);
    const type = intArg(a[1]);
    if (domain !== SYMBOLS.AF_INET) throw new PacketdrillUnsupportedError("only AF_INET sockets are supported");
    if ((type & 0xf) !== SYMBOLS.SOCK_STREAM)
      throw new PacketdrillUnsupportedError("only SOCK_STREAM sockets are supported");
    return () => {
      const fd = this.#allocateFd();
      this.#socks.set(fd, this.#newSock(fd, (type & SYMBOLS.SOCK_NONBLOCK) !== 0, {}));
      return ok(fd);
    };
  }

  /** The script's number for the new socket; one the script reuses while open now names the new socket. */
  #allocateFd(): number {
    const want = this.#wantFd;
    if (want !== undefined) return want;
    while (this.#socks.has(this.#nextFd)) this.#nextFd++;
    return this.#nextFd++;
  }

  #newSock(fd: number, nonblocking: boolean, config: Partial<TcpConfig>): Sock {
    return {
      fd,
      nonblocking,
      config,
      failed: false,
      shutWrite: false,
      shutRead: false,
      lingerZero: false,
    };
  }

  #setsockopt(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    const level = intArg(a[1]);
    const name = intArg(a[2]);
    const optName = a[2].kind === "word" ? a[2].name : String(name);
    const value = a[3];
    const n = value.kind === "struct" ? 0 : intArg(value.kind === "array" ? value.items[0] : value);
    const live = s.conn !== undefined || s.listener !== undefined;
    const set = (key: keyof TcpConfig, v: TcpConfig[keyof TcpConfig]) => {
      if (live) throw new PacketdrillUnsupportedError(`${optName} on a socket already listening or connected`);
      (s.config as Record<string, unknown>)[key] = v;
    };
    if (level === SYMBOLS.SOL_SOCKET) {
      switch (name) {
        case SYMBOLS.SO_REUSEADDR:
        case SYMBOLS.SO_REUSEPORT:
          return ok(0);
        case SYMBOLS.SO_RCVBUF:
          set("receiveBufferSize", n);
          return ok(0);
        case SYMBOLS.SO_SNDBUF:
          if (live) return this.#liveBuffer(s, "SO_SNDBUF", n);
          set("sendBufferSize", n);
          return ok(0);
        case SYMBOLS.SO_KEEPALIVE:
          set("keepAlive", n !== 0);
          return ok(0);
        case SYMBOLS.SO_LINGER: {
          const onoff = value.kind === "struct" ? intArg(field(value, "onoff")) : 0;
          const linger = value.kind === "struct" ? intArg(field(value, "linger")) : 0;
          if (onoff !== 0 && linger !== 0) throw new PacketdrillUnsupportedError("SO_LINGER with a nonzero timeout");
          s.lingerZero = onoff !== 0;
          return ok(0);
        }
      }
    } else if (level === SYMBOLS.SOL_TCP || level === SYMBOLS.IPPROTO_TCP) {
      switch (name) {
        case SYMBOLS.TCP_NODELAY:
          if (s.conn !== undefined) s.conn.setNoDelay(n !== 0);
          else set("noDelay", n !== 0);
          return ok(0);
        case SYMBOLS.TCP_MAXSEG:
          set("mss", n);
          return ok(0);
        case SYMBOLS.TCP_KEEPIDLE:
          set("keepAliveIdle", n * 1000);
          return ok(0);
        case SYMBOLS.TCP_KEEPINTVL:
          set("keepAliveInterval", n * 1000);
          return ok(0);
        case SYMBOLS.TCP_KEEPCNT:
          set("keepAliveCount", n);
          return ok(0);
        case SYMBOLS.TCP_SYNCNT:
          set("synRetries", n);
          return ok(0);
        case SYMBOLS.TCP_USER_TIMEOUT:
          // Linux: 0 means the system default.
          if (n !== 0) set("userTimeout", n);
          return ok(0);
      }
    }
    throw new PacketdrillUnsupportedError(`setsockopt ${optName} is not supported`);
  }

  /**
   * SO_SNDBUF on a connected socket: the engine's buffer is fixed at connect time. Linux doubles the value;
   * a request for at least what the socket already has changes nothing a script can see unless it writes
   * more than the engine's buffer, so it is noted (not applicable) rather than refused; shrinking is unsupported.
   */
  #liveBuffer(s: Sock, name: string, n: number): Outcome {
    const have = s.config.sendBufferSize ?? this.#host.defaults.sendBufferSize;
    if (2 * n < have) throw new PacketdrillUnsupportedError(`${name} below the buffer a connected socket has`);
    this.#host.note(`${name}=${n} on a connected socket (the buffer stays ${have} bytes)`);
    return ok(0);
  }

  #getsockopt(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    const name = intArg(a[2]);
    const want = a[3].kind === "array" ? a[3].items[0] : a[3];
    let have: number;
    if (name === SYMBOLS.SO_ERROR && intArg(a[1]) === SYMBOLS.SOL_SOCKET) {
      have = s.pendingError === undefined ? 0 : (errnoNumber(s.pendingError) ?? -1);
      if (s.pendingError !== undefined) this.#reported(s);
    } else if (name === SYMBOLS.TCP_MAXSEG && intArg(a[1]) !== SYMBOLS.SOL_SOCKET && s.conn !== undefined) {
      have = s.conn.info().mss;
    } else if (name === SYMBOLS.TCP_INFO && intArg(a[1]) !== SYMBOLS.SOL_SOCKET && s.conn !== undefined) {
      return this.#tcpInfo(s.conn, a[3]);
    } else if (name === SYMBOLS.TCP_NODELAY && intArg(a[1]) !== SYMBOLS.SOL_SOCKET) {
      have = s.config.noDelay ? 1 : 0;
    } else {
      throw new PacketdrillUnsupportedError(`getsockopt ${a[2].kind === "word" ? a[2].name : name} is not supported`);
    }
    if (want === undefined || want.kind === "ellipsis") return ok(0);
    const expected =
      want.kind === "word" && errnoNumber(want.name) !== undefined ? errnoNumber(want.name) : intArg(want);
    return expected === have
      ? ok(0)
      : {
          done: true,
          ret: 0,
          mismatch: `value: expected ${expected} but got ${have}${name === SYMBOLS.SO_ERROR ? ` (${errnoName(have)})` : ""}`,
        };
  }

  /** getsockopt(TCP_INFO) with `{tcpi_field=value, ...}`: each field compared where the engine has it. */
  #tcpInfo(conn: Connection, want: Expr): Outcome {
    if (want.kind !== "struct") throw new PacketdrillUnsupportedError("TCP_INFO needs a {tcpi_...=...} struct");
    const info = conn.info();
    const wrong: string[] = [];
    for (const f of want.fields) {
      const have = tcpInfoField(info, f.name);
      if (have === undefined) throw new PacketdrillUnsupportedError(`tcp_info field ${f.name} has no equivalent`);
      if (f.value.kind === "ellipsis") continue;
      // tcpi_state takes Linux's state names (TCP_ESTABLISHED) as well as numbers.
      const expected =
        f.value.kind === "word" ? (tcpInfoField(info, f.value.name) ?? intArg(f.value)) : intArg(f.value);
      if (expected !== have) wrong.push(`${f.name}: expected ${expected} but got ${have}`);
    }
    return wrong.length === 0 ? ok(0) : { done: true, ret: 0, mismatch: wrong.join("; ") };
  }

  #bind(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    s.port = portOf(a[1]) ?? this.#host.bindPort;
    return ok(0);
  }

  #listen(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    const port = s.port ?? this.#host.bindPort;
    // Linux's accept queue holds backlog+1 connections (sk_acceptq_is_full tests >).
    const backlog = Math.max(1, intArg(a[1]) + 1);
    s.listener = this.#host.stack(s.config).listen(port, { backlog });
    s.listener.onConnection = () => this.#host.wake();
    s.port = port;
    this.#host.listening(port);
    return ok(0);
  }

  #accept(a: Expr[]): Attempt {
    const s = this.#sock(a[0]);
    return () => {
      if (s.listener === undefined) return fail("EINVAL");
      const conn = s.listener.accept();
      if (conn === null) return s.nonblocking ? fail("EAGAIN") : blocked;
      const fd = this.#allocateFd();
      const child = this.#newSock(fd, false, s.config);
      child.conn = conn;
      this.#watch(child);
      this.#socks.set(fd, child);
      this.underTest = conn;
      return ok(fd);
    };
  }

  #connect(a: Expr[]): Attempt {
    const s = this.#sock(a[0]);
    const port = portOf(a[1]) ?? this.#host.connectPort;
    let first = true;
    return () => {
      const wasFirst = first;
      first = false;
      // A connect after a failed one starts over, as on Linux (the socket is unconnected again).
      if (wasFirst && s.conn?.state === "CLOSED" && s.pendingError === undefined) {
        s.conn = undefined;
        s.failed = false;
      }
      if (s.conn === undefined) {
        const c = s.config;
        const opts: ConnectOptions = {};
        if (s.port !== undefined) opts.localPort = s.port;
        if (c.noDelay !== undefined) opts.noDelay = c.noDelay;
        if (c.sendBufferSize !== undefined) opts.sendBufferSize = c.sendBufferSize;
        if (c.receiveBufferSize !== undefined) opts.receiveBufferSize = c.receiveBufferSize;
        if (c.userTimeout !== undefined) opts.userTimeout = c.userTimeout;
        s.conn = this.#host.stack(c).connect(this.#host.remoteAddress, port, opts);
        this.#watch(s);
        this.underTest = s.conn;
        this.#host.connected(s.conn);
      } else if (wasFirst && s.conn.state === "SYN-SENT") {
        return fail("EALREADY");
      } else if (wasFirst && SYNCHRONIZED.has(s.conn.state)) {
        return fail("EISCONN");
      }
      if (s.pendingError !== undefined) return this.#reportError(s);
      if (SYNCHRONIZED.has(s.conn.state)) return ok(0);
      return s.nonblocking ? (wasFirst ? fail("EINPROGRESS") : fail("EALREADY")) : blocked;
    };
  }

  #watch(s: Sock): void {
    const conn = s.conn as Connection;
    const wake = () => this.#host.wake();
    conn.events = {
      onReadable: wake,
      onWritable: wake,
      onStateChange: wake,
      onError: (reason) => {
        s.pendingError = reasonErrno[reason];
        wake();
      },
    };
  }

  #reported(s: Sock): void {
    s.pendingError = undefined;
    s.failed = true;
  }

  #reportError(s: Sock): Outcome {
    const errno = s.pendingError as string;
    this.#reported(s);
    return fail(errno);
  }

  #write(fdExpr: Expr, length: number, flags: number): Attempt {
    const s = this.#sock(fdExpr);
    this.#checkFlags(flags, SYMBOLS.MSG_DONTWAIT | SYMBOLS.MSG_NOSIGNAL);
    const nonblocking = s.nonblocking || (flags & SYMBOLS.MSG_DONTWAIT) !== 0;
    let written = 0;
    return () => {
      const conn = s.conn;
      if (conn === undefined) return fail(s.failed ? "EPIPE" : "ENOTCONN");
      if (s.pendingError !== undefined) return written > 0 ? ok(written) : this.#reportError(s);
      if (s.failed || s.shutWrite || !(CAN_SEND.has(conn.state) || conn.state.startsWith("SYN-"))) {
        return written > 0 ? ok(written) : fail("EPIPE");
      }
      if (conn.state.startsWith("SYN-")) return nonblocking ? fail("EAGAIN") : blocked;
      const n = conn.write(new Uint8Array(Math.min(length - written, conn.writableSpace)));
      written += n;
      if (written === length) return ok(written);
      if (nonblocking) return written > 0 ? ok(written) : fail("EAGAIN");
      return blocked;
    };
  }

  #read(fdExpr: Expr, length: number, flags: number): Attempt {
    const s = this.#sock(fdExpr);
    this.#checkFlags(flags, SYMBOLS.MSG_DONTWAIT);
    const nonblocking = s.nonblocking || (flags & SYMBOLS.MSG_DONTWAIT) !== 0;
    return () => {
      const conn = s.conn;
      if (conn === undefined) return fail("ENOTCONN");
      const data = conn.readableLength > 0 ? conn.read(length) : null;
      if (data !== null) return ok(data.length);
      if (s.pendingError !== undefined) return this.#reportError(s);
      if (conn.readEnded || s.failed || s.shutRead || conn.state === "CLOSED") return ok(0);
      return nonblocking ? fail("EAGAIN") : blocked;
    };
  }

  #checkFlags(flags: number, allowed: number): void {
    if ((flags & ~allowed) !== 0) {
      throw new PacketdrillUnsupportedError(`message flags 0x${flags.toString(16)} are not supported`);
    }
  }

  #shutdown(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    const how = intArg(a[1]);
    if (s.conn === undefined) return fail("ENOTCONN");
    if (how === SYMBOLS.SHUT_RD || how === SYMBOLS.SHUT_RDWR) s.shutRead = true;
    if (how === SYMBOLS.SHUT_WR || how === SYMBOLS.SHUT_RDWR) {
      if (!s.shutWrite && s.conn.state !== "CLOSED") s.conn.shutdown();
      s.shutWrite = true;
    }
    return ok(0);
  }

  #close(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    this.#socks.delete(s.fd);
    s.listener?.close();
    const conn = s.conn;
    if (conn !== undefined && conn.state !== "CLOSED") {
      // RFC 9293 §3.10.4 / RFC 2525 §2.17: closing with unread data (or SO_LINGER 0) resets, as Linux does.
      if (s.lingerZero || conn.readableLength > 0) conn.abort();
      else if (!s.shutWrite) conn.shutdown();
    }
    return ok(0);
  }

  #fcntl(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    const cmd = intArg(a[1]);
    if (cmd === SYMBOLS.F_GETFL) return ok(SYMBOLS.O_RDWR | (s.nonblocking ? SYMBOLS.O_NONBLOCK : 0));
    if (cmd === SYMBOLS.F_SETFL) {
      s.nonblocking = (intArg(a[2]) & SYMBOLS.O_NONBLOCK) !== 0;
      return ok(0);
    }
    throw new PacketdrillUnsupportedError(`fcntl command ${cmd} is not supported`);
  }

  #ioctl(a: Expr[]): Outcome {
    const s = this.#sock(a[0]);
    const request = intArg(a[1]);
    const conn = s.conn;
    if (conn === undefined) return fail("EINVAL");
    let have: number;
    if (request === SYMBOLS.SIOCINQ) have = conn.readableLength;
    // SIOCOUTQ: bytes queued to send, unacknowledged ones included.
    else if (request === SYMBOLS.SIOCOUTQ)
      have = (s.config.sendBufferSize ?? this.#host.defaults.sendBufferSize) - conn.writableSpace;
    else throw new PacketdrillUnsupportedError(`ioctl ${request} is not supported`);
    const want = a[2]?.kind === "array" ? a[2].items[0] : a[2];
    if (want === undefined || want.kind === "ellipsis" || intArg(want) === have) return ok(0);
    return {
      done: true,
      ret: 0,
      mismatch: `${request === SYMBOLS.SIOCINQ ? "SIOCINQ" : "SIOCOUTQ"}: expected ${intArg(want)} but got ${have}`,
    };
  }

  #poll(a: Expr[]): Attempt {
    const list = a[0]?.kind === "array" ? a[0].items : [];
    const timeout = intArg(a[2]);
    const entries = list.map((e) => ({
      sock: this.#sock(field(e, "fd")),
      events: intArg(field(e, "events")),
      revents: fieldOrUndefined(e, "revents"),
    }));
    return () => {
      let ready = 0;
      const mismatches: string[] = [];
      for (const e of entries) {
        const have = this.#revents(e.sock) & (e.events | SYMBOLS.POLLERR | SYMBOLS.POLLHUP | SYMBOLS.POLLNVAL);
        if (have !== 0) ready++;
        if (e.revents !== undefined && intArg(e.revents) !== have) {
          mismatches.push(
            `fd ${e.sock.fd} revents: expected 0x${intArg(e.revents).toString(16)} but got 0x${have.toString(16)}`,
          );
        }
      }
      if (ready === 0 && timeout !== 0) return blocked;
      return mismatches.length > 0 ? { done: true, ret: ready, mismatch: mismatches.join("; ") } : ok(ready);
    };
  }

  /** Linux tcp_poll's answer for this socket. */
  #revents(s: Sock): number {
    if (s.listener !== undefined) return s.listener.backlogLength > 0 ? SYMBOLS.POLLIN | SYMBOLS.POLLRDNORM : 0;
    const conn = s.conn;
    if (conn === undefined) return SYMBOLS.POLLOUT | SYMBOLS.POLLHUP;
    let mask = 0;
    const readClosed = conn.readEnded || s.shutRead || conn.state === "CLOSED";
    if (s.pendingError !== undefined) mask |= SYMBOLS.POLLERR;
    if (conn.state === "CLOSED" || (readClosed && s.shutWrite)) mask |= SYMBOLS.POLLHUP;
    if (readClosed) mask |= SYMBOLS.POLLIN | SYMBOLS.POLLRDNORM | SYMBOLS.POLLRDHUP;
    if (conn.state === "SYN-SENT" || conn.state === "SYN-RECEIVED") return mask;
    if (conn.readableLength > 0) mask |= SYMBOLS.POLLIN | SYMBOLS.POLLRDNORM;
    if (s.shutWrite || conn.state === "CLOSED" || conn.writableSpace > 0) mask |= SYMBOLS.POLLOUT | SYMBOLS.POLLWRNORM;
    return mask;
  }
}

/** An integer argument: a number, a symbol (SOCK_STREAM), or symbols or-ed together. */
export function intArg(e: Expr | undefined): number {
  if (e === undefined) throw new PacketdrillUnsupportedError("a system call is missing an argument");
  switch (e.kind) {
    case "int":
      return e.value;
    case "word": {
      const v = SYMBOLS[e.name] ?? errnoNumber(e.name);
      if (v === undefined) throw new PacketdrillUnsupportedError(`unknown symbol ${e.name}`);
      return v;
    }
    case "or":
      return intArg(e.left) | intArg(e.right);
    case "array":
      return intArg(e.items[0]);
    case "ellipsis":
      return 0;
    default:
      throw new PacketdrillUnsupportedError(`expected an integer argument, got a ${e.kind}`);
  }
}

function fieldOrUndefined(e: Expr, name: string): Expr | undefined {
  return e.kind === "struct" ? e.fields.find((f) => f.name === name)?.value : undefined;
}

function field(e: Expr | undefined, name: string): Expr {
  const v = e === undefined ? undefined : fieldOrUndefined(e, name);
  if (v === undefined) throw new PacketdrillUnsupportedError(`expected a {${name}=...} field`);
  return v;
}

/** The bytes an iovec array (`[{..., 100}, {..., 200}]`) describes. */
function iovecLength(e: Expr | undefined): number {
  if (e?.kind !== "array") throw new PacketdrillUnsupportedError("expected an iovec array");
  let n = 0;
  for (const item of e.items) {
    if (item.kind !== "struct" || item.items.length !== 2)
      throw new PacketdrillUnsupportedError("expected {..., length}");
    n += intArg(item.items[1]);
  }
  return n;
}

/** The port of a `{sa_family=AF_INET, sin_port=htons(N), ...}` sockaddr, or undefined for `...`. */
function portOf(e: Expr | undefined): number | undefined {
  if (e === undefined || e.kind !== "struct") return undefined;
  const p = fieldOrUndefined(e, "sin_port");
  if (p?.kind === "call" && p.name === "htons") return intArg(p.args[0]);
  return undefined;
}
