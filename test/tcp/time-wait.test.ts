import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import type { TcpConnection } from "../../src/tcp/connection.js";
import { buildPacket, parseIpv4 } from "../../src/wire/index.js";
import { TcpFlags, type PacketFields, type TcpOptions } from "../../src/wire/types.js";
import { B, key, pair, recordingLink } from "../stack/harness.js";

const { SYN, ACK, RST, FIN } = TcpFlags;
const ME = parseIpv4("10.0.0.2");
const PEER = parseIpv4("10.0.0.1");
const PEER_ISN = 50_000;

/** A stack on a fake link whose listener's connection from PEER:40000 we drive into TIME-WAIT by hand. */
function timeWaitRig(tcp: Partial<TcpConfig>, timestamps: boolean) {
  const clock = new VirtualClock(1_000_000);
  const { link, out } = recordingLink();
  const traces: string[] = [];
  const stack = new IpStack({ address: "10.0.0.2", link, clock, tcp, isnKey: key(9), onTrace: (t) => traces.push(t) });
  const listener = stack.listen(80);
  let peerTs = 1000;
  let ourTs = 0;
  const ts = (): TcpOptions => (timestamps ? { timestamps: { tsval: (peerTs += 10), tsecr: ourTs } } : {});
  const inject = (f: Partial<PacketFields> & { flags: number; seq: number }) =>
    link.onReceive!(buildPacket({ src: PEER, dst: ME, srcPort: 40000, dstPort: 80, window: 65535, ...ts(), ...f }));
  const last = () => {
    const p = out[out.length - 1];
    ourTs = p.tcp.options.timestamps?.tsval ?? 0;
    return p;
  };
  inject({ flags: SYN, seq: PEER_ISN, options: timestamps ? { timestamps: { tsval: peerTs, tsecr: 0 } } : {} });
  const iss = last().tcp.seq;
  inject({ flags: ACK, seq: PEER_ISN + 1, ack: iss + 1 });
  const conn = listener.accept()!;
  // We close first: FIN, the peer ACKs it and sends its own FIN; we are in TIME-WAIT.
  conn.shutdown();
  last();
  inject({ flags: ACK | FIN, seq: PEER_ISN + 1, ack: iss + 2 });
  last();
  expect(conn.state).toBe("TIME-WAIT");
  out.length = 0;
  return { clock, stack, conn, inject, out, traces, iss, peerTs: () => peerTs };
}

describe("TIME-WAIT: RFC 6191 reopening, RFC 1337, the per-stack cap", () => {
  it("RFC 6191 with timestamps: a SYN with a newer TSval reopens, even with an older sequence number", () => {
    const r = timeWaitRig({}, true);
    r.inject({ flags: SYN, seq: PEER_ISN - 5000, options: { timestamps: { tsval: r.peerTs() + 100, tsecr: 0 } } });
    expect(r.conn.state).toBe("CLOSED");
    expect(r.out.map((p) => [p.tcp.flags, p.tcp.ack])).toEqual([[SYN | ACK, PEER_ISN - 4999]]);
    expect(r.traces).toContain("10.0.0.2:80>10.0.0.1:40000 TIME-WAIT ended by a new SYN");
  });

  it("RFC 6191 with timestamps: an older TSval does not reopen, whatever the sequence number", () => {
    const r = timeWaitRig({}, true);
    r.inject({ flags: SYN, seq: PEER_ISN + 100_000, options: { timestamps: { tsval: 5, tsecr: 0 } } });
    expect(r.conn.state).toBe("TIME-WAIT");
    // PAWS drops it as an old duplicate, with an ACK.
    expect(r.out.map((p) => p.tcp.flags)).toEqual([ACK]);
    expect(r.stack.counters.drops["paws-rejected"]).toBe(1);
  });

  it("without timestamps the sequence number decides (RFC 1122 §4.2.2.13)", () => {
    const r = timeWaitRig({ timestamps: false }, false);
    r.inject({ flags: SYN, seq: PEER_ISN - 5000 });
    expect(r.conn.state).toBe("TIME-WAIT");
    r.out.length = 0;
    r.inject({ flags: SYN, seq: PEER_ISN + 100_000 });
    expect(r.conn.state).toBe("CLOSED");
    expect(r.out.map((p) => p.tcp.flags)).toEqual([SYN | ACK]);
  });

  it("an RST ends TIME-WAIT by default (as Linux), and is ignored and counted with rfc1337", () => {
    const plain = timeWaitRig({ timestamps: false }, false);
    plain.inject({ flags: RST, seq: PEER_ISN + 2 });
    expect(plain.conn.state).toBe("CLOSED");
    const guarded = timeWaitRig({ timestamps: false, rfc1337: true }, false);
    guarded.inject({ flags: RST, seq: PEER_ISN + 2 });
    expect(guarded.conn.state).toBe("TIME-WAIT");
    expect(guarded.stack.counters.drops["time-wait-rst-ignored"]).toBe(1);
    expect(guarded.out).toEqual([]);
    // It still ends after 2 MSL.
    guarded.clock.advance(60_000);
    expect(guarded.conn.state).toBe("CLOSED");
  });

  it("holds no loss recovery, answers a retransmitted FIN as before, and reports what it did", () => {
    const r = timeWaitRig({}, true);
    const conn = r.conn as TcpConnection;
    // Its FIN was tracked by a recovery while in flight; acknowledged, nothing is left to track.
    expect(conn.recoveryIfMade).toBeNull();
    expect(conn.info()).toMatchObject({
      state: "TIME-WAIT",
      lossRecovery: "newreno",
      sackedBytes: 0,
      bytesInFlight: 0,
    });
    r.clock.advance(30_000);
    // The peer did not hear our ACK of its FIN and sends the FIN again: ACKed once more, 2 MSL restarted.
    r.inject({ flags: ACK | FIN, seq: PEER_ISN + 1, ack: r.iss + 2 });
    expect(r.out.map((p) => [p.tcp.flags, p.tcp.seq, p.tcp.ack])).toEqual([[ACK, r.iss + 2, PEER_ISN + 2]]);
    expect(conn.recoveryIfMade).toBeNull();
    r.clock.advance(59_000);
    expect(conn.state).toBe("TIME-WAIT");
    r.clock.advance(1_000);
    expect(conn.state).toBe("CLOSED");
  });

  it("at most timeWaitLimit connections wait in TIME-WAIT; the oldest is recycled first", () => {
    const env = pair({ delay: 1 }, { timeWaitLimit: 2 });
    const l = env.b.listen(80);
    l.onConnection = () => {
      const s = l.accept()!;
      s.events.onStateChange = (_f, to) => {
        if (to === "CLOSE-WAIT") s.shutdown();
      };
    };
    const clients = [0, 1, 2].map((i) => {
      const c = env.a.connect(B, 80);
      env.clock.runUntilCondition(() => c.state === "ESTABLISHED", 10_000);
      c.shutdown();
      env.clock.runUntilCondition(() => c.state === "TIME-WAIT", 10_000);
      env.clock.advance(10 * (i + 1));
      return c;
    });
    expect(clients.map((c) => c.state)).toEqual(["CLOSED", "TIME-WAIT", "TIME-WAIT"]);
    expect(env.a.counters.timeWaitRecycled).toBe(1);
    expect(env.traceA.some((t) => t.endsWith("TIME-WAIT cap reached: oldest recycled"))).toBe(true);
    expect(env.clock.runUntilIdle(120_000)).toBe(true);
    expect(env.a.connectionCount + env.b.connectionCount).toBe(0);
  });

  it("RSTs for closed ports are limited stack-wide to resetLimit a second, the rest counted", () => {
    const clock = new VirtualClock(0);
    let sent = 0;
    const link: Link = { mtu: 1500, send: () => void sent++, onReceive: null, close() {} };
    const stack = new IpStack({ address: "10.0.0.2", link, clock, tcp: { resetLimit: 50 }, isnKey: key(1) });
    for (let i = 0; i < 200; i++) {
      stack.input(
        buildPacket({ src: PEER + (i % 7), dst: ME, srcPort: 1000 + i, dstPort: 9, seq: i, flags: SYN, window: 0 }),
      );
    }
    expect(sent).toBe(50);
    expect(stack.counters.drops["reset-rate-limit"]).toBe(150);
    clock.advance(1000);
    stack.input(buildPacket({ src: PEER, dst: ME, srcPort: 1, dstPort: 9, seq: 1, flags: SYN, window: 0 }));
    expect(sent).toBe(51);
  });
});
