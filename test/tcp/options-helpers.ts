import type { TcpConfig } from "../../src/tcp/config.js";
import type { TcpOptions } from "../../src/wire/types.js";
import { ACK, LOCAL_ISS, MSS, REMOTE_ISS, SYN, synSent, type Fixture } from "./fixture.js";

/** The peer's timestamp clock in these tests: its TSval at virtual time t is PEER_TS + t. */
export const PEER_TS = 700_000;

/** Everything a Linux peer offers on its SYN-ACK: MSS, window scale 7, SACK-permitted, timestamps. */
export function linuxOffer(tsecr: number, shift = 7): TcpOptions {
  return { mss: MSS, windowScale: shift, sackPermitted: true, timestamps: { tsval: PEER_TS, tsecr } };
}

/** ESTABLISHED by an active open whose SYN-ACK carried `peer` (the final ACK checked and forgotten). */
export function establishedWith(cfg: Partial<TcpConfig>, peer: TcpOptions, window = 65535): Fixture {
  const f = synSent(cfg);
  f.recv({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: SYN | ACK, window, options: peer });
  f.expectSent([{ seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, flags: ACK }]);
  f.states.length = 0;
  return f;
}

/** The peer's timestamps option at the fixture's current time, echoing `tsecr`. */
export function peerTs(f: Fixture, tsecr: number): TcpOptions {
  return { timestamps: { tsval: PEER_TS + f.clock.now(), tsecr } };
}
