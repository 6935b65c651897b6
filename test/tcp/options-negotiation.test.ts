import { describe, expect, it } from "vitest";
import { memoryLinkPair } from "../../src/link/memory.js";
import { IpStack } from "../../src/stack/ip-stack.js";
import { ACK, L, LOCAL_ISS, MSS, PSH, R, REMOTE_ISS, SYN, fixture, synSent } from "./fixture.js";
import { PEER_TS, establishedWith, linuxOffer, peerTs } from "./options-helpers.js";
import { INITIAL_RECEIVE_WINDOW } from "../../src/tcp/receive-tuning.js";

const MiB = 1 << 20;
/** Our TSval at virtual time t: the fixture's ISS is the per-connection offset. */
const ourTs = (t: number) => LOCAL_ISS + t;

describe("RFC 7323 / RFC 2018 option negotiation, active side", () => {
  it("the SYN offers MSS, window scale from the receive buffer, SACK-permitted and timestamps; its window is not scaled", () => {
    const f = fixture({ receiveBufferSize: MiB });
    f.conn.openActive();
    f.expectSent([
      {
        seq: LOCAL_ISS,
        flags: SYN,
        window: 65535,
        // 1 MiB >> 4 = 65536 does not fit the field; >> 5 does.
        options: { mss: MSS, windowScale: 5, sackPermitted: true, timestamps: { tsval: ourTs(0), tsecr: 0 } },
      },
    ]);
  });

  it("a SYN-ACK with every option agrees on all of them; the final ACK echoes the peer's TSval and scales our window", () => {
    const f = synSent({ receiveBufferSize: MiB });
    f.clock.advance(20);
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK, window: 29200, options: linuxOffer(ourTs(0)) });
    f.expectSent([
      {
        seq: L(1),
        ack: R(1),
        flags: ACK,
        // The shift is chosen for the 1 MiB maximum; the window autotuning opens first is 64 KiB.
        window: INITIAL_RECEIVE_WINDOW >> 5,
        options: { timestamps: { tsval: ourTs(20), tsecr: PEER_TS } },
      },
    ]);
    const i = f.conn.info();
    expect(i.windowScale).toEqual({ send: 7, receive: 5 });
    expect(i.timestamps).toBe(true);
    expect(i.sack).toBe(true);
    // RFC 6691: the 12 timestamp bytes on every segment come off the MSS.
    expect(i.mss).toBe(MSS - 12);
    // The SYN-ACK's window is never scaled; the RTT came from the echoed TSval.
    expect(i.sendWindow).toBe(29200);
    expect(i.srtt).toBe(20);
  });

  it("windows after the handshake are scaled by the peer's shift, ours by our own", () => {
    const f = establishedWith({ receiveBufferSize: MiB, noDelay: true }, linuxOffer(ourTs(0), 3), 1000);
    expect(f.conn.info().sendWindow).toBe(1000);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 1000, options: peerTs(f, ourTs(0)) });
    expect(f.conn.info().sendWindow).toBe(8000);
    f.conn.write(new Uint8Array(100));
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK | PSH, window: INITIAL_RECEIVE_WINDOW >> 5, payload: 100 }]);
  });

  it("without the peer's window scale option neither side scales, and our window stops at 65535", () => {
    const f = establishedWith({ receiveBufferSize: MiB, noDelay: true }, { mss: MSS, sackPermitted: true }, 1000);
    expect(f.conn.info().windowScale).toEqual({ send: 0, receive: 0 });
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 1000 });
    expect(f.conn.info().sendWindow).toBe(1000);
    f.conn.write(new Uint8Array(10));
    expect(f.sent[0].options, "no timestamps were agreed, no SACK blocks are due").toBeUndefined();
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK | PSH, window: 65535, payload: 10 }]);
    expect(f.conn.info().sack).toBe(true);
    expect(f.conn.info().timestamps).toBe(false);
    expect(f.conn.info().mss).toBe(MSS);
  });

  it("a shift above 14 is taken as 14", () => {
    const f = establishedWith({ receiveBufferSize: 65535 }, { mss: MSS, windowScale: 15 });
    expect(f.conn.info().windowScale).toEqual({ send: 14, receive: 0 });
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 2 });
    expect(f.conn.info().sendWindow).toBe(2 << 14);
  });

  it("with every option off in our config the SYN carries only the MSS, and a full offer agrees on nothing", () => {
    const f = fixture({ windowScale: false, timestamps: false, sack: false, receiveBufferSize: MiB });
    f.conn.openActive();
    f.expectSent([{ seq: LOCAL_ISS, flags: SYN, window: 65535, options: { mss: MSS } }]);
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK, window: 1000, options: linuxOffer(0) });
    expect(f.sent[0].options).toBeUndefined();
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, window: 65535 }]);
    expect(f.conn.info()).toMatchObject({
      windowScale: { send: 0, receive: 0 },
      timestamps: false,
      sack: false,
      mss: MSS,
    });
  });

  for (const off of ["windowScale", "timestamps", "sack"] as const) {
    it(`with only ${off} off on our side, the others are still agreed`, () => {
      const f = fixture({ [off]: false, receiveBufferSize: MiB });
      f.conn.openActive();
      const syn = f.sent.splice(0)[0].options!;
      expect(syn.windowScale !== undefined).toBe(off !== "windowScale");
      expect(syn.timestamps !== undefined).toBe(off !== "timestamps");
      expect(syn.sackPermitted === true).toBe(off !== "sack");
      f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK, window: 1000, options: linuxOffer(ourTs(0)) });
      const i = f.conn.info();
      expect(i.windowScale!.send > 0).toBe(off !== "windowScale");
      expect(i.timestamps).toBe(off !== "timestamps");
      expect(i.sack).toBe(off !== "sack");
    });
  }
});

describe("RFC 7323 / RFC 2018 option negotiation, passive side", () => {
  it("a SYN with every option gets a SYN-ACK answering each, echoing its TSval, with an unscaled window", () => {
    const f = fixture({ receiveBufferSize: 256 * 1024 });
    f.clock.advance(5);
    f.conn.openPassive({ seq: REMOTE_ISS, ack: 0, flags: SYN, window: 64240, options: linuxOffer(0) });
    f.expectSent([
      {
        seq: LOCAL_ISS,
        ack: R(1),
        flags: SYN | ACK,
        window: 65535,
        options: { mss: MSS, windowScale: 3, sackPermitted: true, timestamps: { tsval: ourTs(5), tsecr: PEER_TS } },
      },
    ]);
    // The handshake's ACK is not a SYN: its window is scaled by the peer's shift.
    f.clock.advance(10);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 500, options: peerTs(f, ourTs(5)) });
    expect(f.conn.state).toBe("ESTABLISHED");
    expect(f.conn.info()).toMatchObject({ sendWindow: 500 << 7, windowScale: { send: 7, receive: 3 }, srtt: 10 });
  });

  it("a SYN without options gets only our MSS back (nothing is offered that the SYN did not offer)", () => {
    const f = fixture({ receiveBufferSize: 256 * 1024 });
    f.conn.openPassive({ seq: REMOTE_ISS, ack: 0, flags: SYN, window: 64240, options: {} });
    f.expectSent([{ seq: LOCAL_ISS, ack: R(1), flags: SYN | ACK, window: 65535, options: { mss: MSS } }]);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 500 });
    expect(f.conn.info()).toMatchObject({
      sendWindow: 500,
      windowScale: { send: 0, receive: 0 },
      timestamps: false,
      sack: false,
      mss: 536,
    });
  });

  it("a SYN offering only SACK and timestamps gets exactly those", () => {
    const f = fixture();
    f.conn.openPassive({
      seq: REMOTE_ISS,
      ack: 0,
      flags: SYN,
      window: 64240,
      options: { mss: 1400, sackPermitted: true, timestamps: { tsval: 9, tsecr: 0 } },
    });
    f.expectSent([
      {
        seq: LOCAL_ISS,
        ack: R(1),
        flags: SYN | ACK,
        window: 65535,
        options: { mss: MSS, sackPermitted: true, timestamps: { tsval: ourTs(0), tsecr: 9 } },
      },
    ]);
  });

  it("with our options off a full offer is answered with the MSS only", () => {
    const f = fixture({ windowScale: false, timestamps: false, sack: false });
    f.conn.openPassive({ seq: REMOTE_ISS, ack: 0, flags: SYN, window: 64240, options: linuxOffer(0) });
    f.expectSent([{ seq: LOCAL_ISS, ack: R(1), flags: SYN | ACK, window: 65535, options: { mss: MSS } }]);
  });
});

describe("RFC 7323 §2.3 window field with a shift", () => {
  it("the field is the free space shifted right, rounded down; the remembered right edge never moves left", () => {
    // A fixed buffer (no autotuning), so the free space is the whole 1 MiB less what is held.
    const f = establishedWith({ receiveBufferSize: MiB, receiveBufferAutotune: false }, linuxOffer(ourTs(0)));
    // 100 bytes arrive unread: free = 1 MiB - 100, which is not a multiple of 32.
    f.recv({ seq: R(1), ack: L(1), flags: ACK | PSH, payload: new Uint8Array(100), options: peerTs(f, ourTs(0)) });
    f.clock.advance(40);
    f.expectSent([{ seq: L(1), ack: R(101), flags: ACK, window: (MiB - 100) >> 5 }]);
    // The peer may still fill the edge offered before (RCV.NXT + 1 MiB - 100 rounded down never passed it).
    expect(f.conn.info().receiveWindow).toBeGreaterThanOrEqual(((MiB - 100) >> 5) << 5);
    expect(f.conn.info().receiveWindow).toBeLessThanOrEqual(MiB - 100);
  });
});

describe("configuration", () => {
  it("rejects option switches that are not booleans, and unknown algorithms, with a RangeError", () => {
    const [link] = memoryLinkPair();
    const make = (tcp: object) => () => new IpStack({ address: "10.0.0.1", link, tcp });
    expect(make({ sack: "yes" })).toThrow(/tcp.sack must be true or false/);
    expect(make({ timestamps: 1 })).toThrow(RangeError);
    expect(make({ congestionControl: "bbr" })).toThrow(/unknown congestion control "bbr"/);
    expect(make({ windowScale: false, congestionControl: "newreno" })).not.toThrow();
  });
});
