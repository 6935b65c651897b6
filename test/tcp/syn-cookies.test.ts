import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import { shiftFor } from "../../src/tcp/option-negotiation.js";
import {
  COOKIE_MSS,
  COOKIE_PERIOD_MS,
  SynCookies,
  decodeTsOptions,
  encodeTsOptions,
  mssIndexFor,
} from "../../src/tcp/syn-cookie.js";
import type { Connection } from "../../src/tcp/types.js";
import { buildPacket, parseIpv4 } from "../../src/wire/index.js";
import { TcpFlags, type PacketFields, type ParsedPacket, type TcpOptions } from "../../src/wire/types.js";
import { key, recordingLink } from "../stack/harness.js";

const { SYN, ACK, RST, PSH, ECE, CWR } = TcpFlags;
const ME = parseIpv4("10.0.0.2");
const PEER = parseIpv4("10.0.0.1");
const PEER_ISN = 0x7000_0000;
const RECEIVE_BUFFER = 256 * 1024;

/**
 * A stack whose listener's SYN queue (one entry) is already full of a young half-open connection, so the
 * next SYN is answered with a cookie: feed one segment, read exactly what came back.
 */
function cookieRig(tcp: Record<string, unknown> = {}) {
  const clock = new VirtualClock(1_000_000);
  const { link, out } = recordingLink();
  const traces: string[] = [];
  const stack = new IpStack({
    address: "10.0.0.2",
    link,
    clock,
    tcp: { receiveBufferSize: RECEIVE_BUFFER, ...tcp },
    isnKey: key(7),
    onTrace: (t) => traces.push(t),
  });
  const listener = stack.listen(80, { synBacklog: 1 });
  const inject = (f: Partial<PacketFields> & { flags: number; seq: number }) =>
    link.onReceive!(buildPacket({ src: PEER, dst: ME, srcPort: 40000, dstPort: 80, window: 65535, ...f }));
  inject({ flags: SYN, seq: 1, srcPort: 1 });
  out.length = 0;
  const one = (): ParsedPacket => {
    expect(out.length, "one segment in reply").toBe(1);
    return out.splice(0)[0];
  };
  return { clock, stack, listener, inject, out, one, traces };
}

/** The SYN's options for a combination: timestamps, window scale, SACK-permitted, an MSS. */
function synOptions(ts: boolean, ws: boolean, sack: boolean, mss: number): TcpOptions {
  const o: TcpOptions = { mss };
  if (ws) o.windowScale = 7;
  if (sack) o.sackPermitted = true;
  if (ts) o.timestamps = { tsval: 424242, tsecr: 0 };
  return o;
}

describe("SYN cookies (RFC 4987 §3.6, the Linux scheme)", () => {
  const combos: Array<[boolean, boolean, boolean]> = [];
  for (const ts of [false, true])
    for (const ws of [false, true]) for (const sack of [false, true]) combos.push([ts, ws, sack]);

  it.each(combos)("round trip: timestamps=%s windowScale=%s sack=%s", (ts, ws, sack) => {
    const r = cookieRig();
    r.inject({ flags: SYN, seq: PEER_ISN, options: synOptions(ts, ws, sack, 1400) });
    const synAck = r.one();
    expect(synAck.tcp.flags).toBe(SYN | ACK);
    expect(synAck.tcp.ack).toBe(PEER_ISN + 1);
    expect(synAck.tcp.window).toBe(65535);
    // Without timestamps the cookie keeps only the MSS, so nothing else is offered (as in Linux).
    const expected: TcpOptions = { mss: 1460 };
    if (ts && ws) expected.windowScale = shiftFor(RECEIVE_BUFFER);
    if (ts && sack) expected.sackPermitted = true;
    const o = synAck.tcp.options;
    expect({ mss: o.mss, windowScale: o.windowScale, sackPermitted: o.sackPermitted }).toEqual({
      mss: 1460,
      windowScale: expected.windowScale,
      sackPermitted: expected.sackPermitted,
    });
    if (ts) {
      expect(o.timestamps?.tsecr).toBe(424242);
      // The low 6 bits: the peer's shift (15 for none), SACK, ECN.
      expect(o.timestamps!.tsval & 0x3f).toBe((ws ? 7 : 15) | (sack ? 16 : 0));
    } else {
      expect(o.timestamps).toBeUndefined();
    }
    expect(r.stack.counters.synCookiesSent).toBe(1);
    expect(r.traces).toContain("10.0.0.2:80 SYN queue full: cookie sent");
    expect(r.stack.connectionCount).toBe(1);

    r.clock.advance(30);
    const cookie = synAck.tcp.seq;
    const ackOptions: TcpOptions = ts ? { timestamps: { tsval: 424272, tsecr: o.timestamps!.tsval } } : {};
    r.inject({ flags: ACK, seq: PEER_ISN + 1, ack: (cookie + 1) >>> 0, window: 1000, options: ackOptions });
    expect(r.out).toEqual([]);
    expect(r.stack.counters.synCookiesAccepted).toBe(1);
    const conn = r.listener.accept()!;
    expect(conn.state).toBe("ESTABLISHED");
    const info = conn.info();
    // 1400 rounds down to the table's 1300; timestamps take 12 bytes off every segment.
    expect(info.mss).toBe(1300 - (ts ? 12 : 0));
    expect(info.timestamps).toBe(ts);
    expect(info.sack).toBe(ts && sack);
    expect(info.windowScale).toEqual(
      ts && ws ? { send: 7, receive: shiftFor(RECEIVE_BUFFER) } : { send: 0, receive: 0 },
    );
    // The ACK's window is scaled by the shift the cookie kept.
    expect(info.sendWindow).toBe(ts && ws ? 1000 << 7 : 1000);
  });

  it("the MSS table: the peer's MSS rounds down, and our own bounds it", () => {
    expect(COOKIE_MSS.map(mssIndexFor)).toEqual([0, 1, 2, 3]);
    expect([100, 535, 1299, 1439, 9000].map(mssIndexFor)).toEqual([0, 0, 0, 1, 3]);
    const r = cookieRig({ mss: 1200 });
    r.inject({ flags: SYN, seq: PEER_ISN, options: { mss: 9000 } });
    const synAck = r.one();
    expect(synAck.tcp.options.mss).toBe(1200);
    r.inject({ flags: ACK, seq: PEER_ISN + 1, ack: (synAck.tcp.seq + 1) >>> 0 });
    // Our 1200 bounds the table's pick to 536.
    expect(r.listener.accept()!.info().mss).toBe(536);
  });

  it("the timestamp codec carries shift, SACK and ECN and never runs ahead of the clock", () => {
    for (const windowScale of [null, 0, 7, 14]) {
      for (const sack of [false, true]) {
        for (const ecn of [false, true]) {
          for (const now of [1_000_000, 1_000_063, 0xffff_ffc0, 5]) {
            const tsval = encodeTsOptions(now, { windowScale, sack, ecn });
            expect(((now - tsval) | 0) >= 0 && ((now - tsval) | 0) < 64).toBe(true);
            expect(decodeTsOptions(tsval, now + 100)).toEqual({ windowScale, sack, ecn });
          }
        }
      }
    }
    // An echo from the future, or one older than a cookie lives: not ours.
    expect(decodeTsOptions(0x2000, 0x1000)).toBeNull();
    expect(decodeTsOptions(0x1000, 0x1000 + 2 * COOKIE_PERIOD_MS + 1)).toBeNull();
  });

  it("a cookie expires after two periods of its counter", () => {
    const c = new SynCookies(key(1));
    const at = 10 * COOKIE_PERIOD_MS + 5;
    const cookie = c.encode(PEER, 40000, ME, 80, PEER_ISN, at, 2);
    expect(c.decode(PEER, 40000, ME, 80, PEER_ISN, cookie, at)).toBe(2);
    expect(c.decode(PEER, 40000, ME, 80, PEER_ISN, cookie, at + COOKIE_PERIOD_MS)).toBe(2);
    expect(c.decode(PEER, 40000, ME, 80, PEER_ISN, cookie, at + 2 * COOKIE_PERIOD_MS)).toBe(-1);
    // Another tuple, another peer ISN, another key: nothing.
    expect(c.decode(PEER, 40001, ME, 80, PEER_ISN, cookie, at)).toBe(-1);
    expect(c.decode(PEER, 40000, ME, 80, PEER_ISN + 1000, cookie, at)).toBe(-1);
    expect(new SynCookies(key(2)).decode(PEER, 40000, ME, 80, PEER_ISN, cookie, at)).toBe(-1);

    // In the stack: the stale cookie's ACK gets what an unknown segment gets, and is counted.
    const r = cookieRig();
    r.inject({ flags: SYN, seq: PEER_ISN });
    const synAck = r.one();
    r.clock.advance(2 * COOKIE_PERIOD_MS);
    // Another overflow keeps the listener looking for cookies.
    r.inject({ flags: SYN, seq: 5, srcPort: 2 });
    r.out.length = 0;
    r.inject({ flags: ACK, seq: PEER_ISN + 1, ack: (synAck.tcp.seq + 1) >>> 0 });
    const rst = r.one();
    expect([rst.tcp.flags, rst.tcp.seq, rst.tcp.dstPort]).toEqual([RST, (synAck.tcp.seq + 1) >>> 0, 40000]);
    expect(r.stack.counters.drops["cookie-invalid"]).toBe(1);
    expect(r.stack.counters.synCookiesAccepted).toBe(0);
    expect(r.stack.connectionCount).toBe(1);
  });

  it("a forged cookie ACK gets <SEQ=SEG.ACK><CTL=RST>, is counted, and makes nothing", () => {
    const r = cookieRig();
    r.inject({ flags: SYN, seq: PEER_ISN });
    const cookie = r.one().tcp.seq;
    let forged = 0;
    for (let i = 1; i <= 1000; i++) {
      // Near misses of the real cookie and of the peer's ISN, as a blind attacker would try.
      const ack = (cookie + 1 + i * 0x10001) >>> 0;
      r.inject({ flags: ACK, seq: PEER_ISN + 1, ack });
      const rst = r.one();
      expect([rst.tcp.flags, rst.tcp.seq]).toEqual([RST, ack]);
      forged++;
    }
    // 1000 RSTs a second is the stack-wide limit: the next forgery is counted and not answered.
    r.inject({ flags: ACK, seq: PEER_ISN + 1, ack: 12345 });
    expect(r.out).toEqual([]);
    expect(r.stack.counters.drops["reset-rate-limit"]).toBe(1);
    forged++;
    r.clock.advance(1000);
    r.out.length = 0;
    // A timestamp echo that is not the SYN-ACK's: the real cookie with a bad TSecr fails too.
    r.inject({
      flags: ACK,
      seq: PEER_ISN + 1,
      ack: (cookie + 1) >>> 0,
      options: { timestamps: { tsval: 1, tsecr: 1 } },
    });
    expect(r.one().tcp.flags).toBe(RST);
    expect(r.stack.counters.drops["cookie-invalid"]).toBe(forged + 1);
    expect(r.stack.counters.synCookiesAccepted).toBe(0);
    expect(r.stack.connectionCount).toBe(1);
    expect(r.traces.some((t) => t.includes("cookie ACK from 10.0.0.1:40000 invalid: RST"))).toBe(true);
  });

  it("without a recent overflow an ACK to the listener is not taken for a cookie", () => {
    const r = cookieRig();
    r.inject({ flags: SYN, seq: PEER_ISN });
    const cookie = r.one().tcp.seq;
    r.clock.advance(2 * COOKIE_PERIOD_MS + 1);
    // (The half-open entry's SYN-ACK retransmissions.)
    r.out.length = 0;
    r.inject({ flags: ACK, seq: PEER_ISN + 1, ack: (cookie + 1) >>> 0 });
    expect(r.one().tcp.flags).toBe(RST);
    expect(r.stack.counters.drops["cookie-invalid"]).toBe(0);
  });

  it("RFC 3168 ECN rides in the cookie's TSval: ECE on the SYN-ACK, ECN agreed on the ACK, ECT(0) and ECE on the wire", () => {
    const r = cookieRig({ ecn: true });
    r.inject({ flags: SYN | ECE | CWR, seq: PEER_ISN, options: synOptions(true, false, false, 1460) });
    const synAck = r.one();
    expect(synAck.tcp.flags).toBe(SYN | ACK | ECE);
    expect(synAck.ip.tos).toBe(0);
    const echo = synAck.tcp.options.timestamps!.tsval;
    expect(echo & 0x3f).toBe(15 | 32);
    r.clock.advance(20);
    // The completing ACK carries a CE-marked request (TOS 3): the answer echoes it with ECE.
    r.inject({
      flags: ACK | PSH,
      seq: PEER_ISN + 1,
      ack: (synAck.tcp.seq + 1) >>> 0,
      payload: new TextEncoder().encode("hi"),
      tos: 3,
      options: { timestamps: { tsval: 424262, tsecr: echo } },
    });
    const conn: Connection = r.listener.accept()!;
    expect(conn.info().ecn).toBe(true);
    const ack = r.one();
    expect(ack.tcp.flags).toBe(ACK | ECE);
    expect(ack.ip.tos).toBe(0);
    conn.setNoDelay(true);
    conn.write(new TextEncoder().encode("ok"));
    const reply = r.one();
    expect(reply.ip.tos).toBe(2);
    expect(reply.tcp.flags).toBe(ACK | PSH | ECE);
  });

  it("without ECN on, a cookie SYN-ACK answers an ECN-setup SYN without ECE and keeps the bit clear", () => {
    const r = cookieRig();
    r.inject({ flags: SYN | ECE | CWR, seq: PEER_ISN, options: synOptions(true, false, false, 1460) });
    const synAck = r.one();
    expect(synAck.tcp.flags).toBe(SYN | ACK);
    expect(synAck.tcp.options.timestamps!.tsval & 0x3f).toBe(15);
  });

  it("a cookie connection carries data both ways, the first bytes on the completing ACK", () => {
    const r = cookieRig();
    r.inject({ flags: SYN, seq: PEER_ISN, options: synOptions(true, true, true, 1460) });
    const synAck = r.one();
    const cookie = synAck.tcp.seq;
    const echo = synAck.tcp.options.timestamps!.tsval;
    r.clock.advance(20);
    const hello = new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n");
    r.inject({
      flags: ACK | PSH,
      seq: PEER_ISN + 1,
      ack: (cookie + 1) >>> 0,
      payload: hello,
      options: { timestamps: { tsval: 424262, tsecr: echo } },
    });
    const conn: Connection = r.listener.accept()!;
    expect(conn.state).toBe("ESTABLISHED");
    expect(new TextDecoder().decode(conn.read()!)).toBe("GET / HTTP/1.0\r\n\r\n");
    // The request was acknowledged (a delayed ACK; the reply below carries it).
    conn.setNoDelay(true);
    expect(conn.write(new TextEncoder().encode("HTTP/1.0 200 OK\r\n\r\nhi"))).toBe(21);
    const reply = r.out.splice(0).filter((p) => p.payloadLength > 0);
    expect(reply.length).toBe(1);
    expect(reply[0].tcp.seq).toBe((cookie + 1) >>> 0);
    expect(reply[0].tcp.ack).toBe(PEER_ISN + 1 + hello.length);
    expect(new TextDecoder().decode(reply[0].payload)).toBe("HTTP/1.0 200 OK\r\n\r\nhi");
    // Our timestamp clock continues from the cookie's TSval: never backwards, as the peer's PAWS needs.
    const tsval = reply[0].tcp.options.timestamps!.tsval;
    expect(((tsval - echo) | 0) >= 20 && ((tsval - echo) | 0) < 20 + 64).toBe(true);
    expect(reply[0].tcp.options.timestamps!.tsecr).toBe(424262);
    // The peer acknowledges and closes; we take its FIN.
    r.clock.advance(20);
    r.inject({
      flags: ACK | TcpFlags.FIN,
      seq: PEER_ISN + 1 + hello.length,
      ack: (cookie + 22) >>> 0,
      options: { timestamps: { tsval: 424282, tsecr: tsval } },
    });
    expect(conn.state).toBe("CLOSE-WAIT");
    expect(conn.info().bytesInFlight).toBe(0);
  });
});
