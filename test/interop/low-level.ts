import { createHash } from "node:crypto";
import type { CloseReason, Connection, Listener, TcpState } from "../../src/tcp/types.js";

/**
 * Promise helpers over the engine's callback API (`Connection.events`), for interop tests that drive
 * `IpStack` directly, without the typestate API above it.
 */

/** Resolves when the connection reaches `state`; rejects if it fails first. */
export function reach(conn: Connection, state: TcpState): Promise<void> {
  return new Promise((resolve, reject) => {
    if (conn.state === state) return resolve();
    const events = conn.events;
    conn.events = {
      ...events,
      onStateChange(from, to) {
        events.onStateChange?.(from, to);
        if (to === state) resolve();
      },
      onError(reason) {
        events.onError?.(reason);
        reject(new ConnectionFailed(reason));
      },
    };
  });
}

export class ConnectionFailed extends Error {
  constructor(readonly reason: CloseReason) {
    super(`connection failed: ${reason}`);
  }
}

/** Next connection a listener hands out. */
export function accept(listener: Listener): Promise<Connection> {
  return new Promise((resolve) => {
    const take = (): boolean => {
      const conn = listener.accept();
      if (conn === null) return false;
      listener.onConnection = null;
      resolve(conn);
      return true;
    };
    if (!take()) listener.onConnection = () => void take();
  });
}

/** Reads until the peer's FIN; resolves with the byte count and SHA-256 of everything read. */
export function readToEnd(conn: Connection): Promise<{ length: number; sha256: string }> {
  const hash = createHash("sha256");
  let length = 0;
  return new Promise((resolve, reject) => {
    const drain = (): void => {
      for (let chunk = conn.read(); chunk !== null; chunk = conn.read()) {
        hash.update(chunk);
        length += chunk.length;
      }
      if (conn.readEnded) resolve({ length, sha256: hash.digest("hex") });
    };
    conn.events = { ...conn.events, onReadable: drain, onError: (reason) => reject(new ConnectionFailed(reason)) };
    drain();
  });
}

/** Writes all of `data` as the send buffer allows, then half-closes (FIN). */
export function writeAllAndShutdown(conn: Connection, data: Uint8Array): Promise<void> {
  let at = 0;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (at < data.length) {
        const n = conn.write(data.subarray(at));
        if (n === 0) return;
        at += n;
      }
      conn.events = { ...conn.events, onWritable: undefined };
      conn.shutdown();
      resolve();
    };
    conn.events = { ...conn.events, onWritable: pump, onError: (reason) => reject(new ConnectionFailed(reason)) };
    pump();
  });
}

/**
 * Sends back everything it reads; after the peer's FIN and the last echoed byte, half-closes too.
 * Resolves with the number of bytes echoed.
 */
export function echo(conn: Connection): Promise<number> {
  let pending: Uint8Array | null = null;
  let echoed = 0;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      for (;;) {
        if (pending !== null) {
          const n = conn.write(pending);
          echoed += n;
          if (n < pending.length) {
            pending = pending.subarray(n);
            return; // wait for onWritable
          }
          pending = null;
        }
        const chunk = conn.read();
        if (chunk === null) break;
        pending = chunk;
      }
      if (conn.readEnded && pending === null) {
        conn.events = { ...conn.events, onReadable: undefined, onWritable: undefined };
        conn.shutdown();
        resolve(echoed);
      }
    };
    conn.events = {
      ...conn.events,
      onReadable: pump,
      onWritable: pump,
      onError: (reason) => reject(new ConnectionFailed(reason)),
    };
    pump();
  });
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
