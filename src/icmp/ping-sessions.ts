import type { DatagramRecord } from "../wire/datagram-record.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { PingSession, type PingHost, type PingOptions } from "./ping.js";

/**
 * The ping sessions of one ICMP (or ICMPv6) protocol by echo identifier: identifiers handed out in turn
 * from a start that varies per stack, replies and errors matched back to their session.
 */
export class PingSessions {
  readonly #sessions = new Map<number, PingSession>();
  #nextId: number;

  constructor(firstId: number) {
    this.#nextId = firstId & 0xffff;
  }

  /** A session to `dst` with the next free identifier. Throws a RangeError when all 65536 are taken. */
  open(host: PingHost, dst: number, address: string, options?: PingOptions): PingSession {
    let id = this.#nextId;
    for (let i = 0; this.#sessions.has(id); i++) {
      if (i === 65536) throw new RangeError("65536 ping sessions are running already");
      id = (id + 1) & 0xffff;
    }
    this.#nextId = (id + 1) & 0xffff;
    const session = new PingSession(host, id, dst, address, options);
    this.#sessions.set(id, session);
    return session;
  }

  /** The session of an echo reply's identifier (`rest`: identifier << 16 | sequence). */
  get(rest: number): PingSession | undefined {
    return this.#sessions.get(rest >>> 16);
  }

  /** Forgets `session`; false when it was not the one held for its identifier. */
  finished(session: PingSession): boolean {
    if (this.#sessions.get(session.id) !== session) return false;
    this.#sessions.delete(session.id);
    return true;
  }

  /**
   * An error quoting an echo request of ours (`requestType`, to `quotedDst`): the quoted header's bytes
   * 4..7 are its identifier and sequence number. True when a session took it.
   */
  quotedError(r: DatagramRecord, requestType: number, quotedDst: number, kind: IcmpErrorKind): boolean {
    if (r.quotedWord0 >>> 24 !== requestType) return false;
    const session = this.#sessions.get(r.quotedWord1 >>> 16);
    return session !== undefined && session.dst === quotedDst && session.error(r.quotedWord1 & 0xffff, kind);
  }

  cancelAll(): void {
    for (const s of [...this.#sessions.values()]) s.cancel();
  }
}
