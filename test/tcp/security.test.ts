import { describe, expect, it } from "vitest";
import { ACK, FIN, L, R, RST, SYN, established } from "./fixture.js";

describe("RST acceptance (RFC 5961 §3.2)", () => {
  it("an RST at exactly RCV.NXT resets an ESTABLISHED connection", () => {
    const f = established();
    f.recv({ seq: R(1), flags: RST });
    expect(f.conn.state).toBe("CLOSED");
    expect(f.errors).toEqual(["reset"]);
    f.expectNothingSent();
  });

  it("an RST inside the window but not at RCV.NXT gets a challenge ACK and changes nothing", () => {
    const f = established();
    f.recv({ seq: R(100), flags: RST });
    expect(f.conn.state).toBe("ESTABLISHED");
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    expect(f.traces.some((t) => t.endsWith("challenge ACK"))).toBe(true);
  });

  it("an RST outside the window is dropped silently", () => {
    const f = established();
    f.recv({ seq: R(100_000), flags: RST });
    f.recv({ seq: R(-10), flags: RST });
    expect(f.conn.state).toBe("ESTABLISHED");
    f.expectNothingSent();
    expect(f.drops).toEqual(["unacceptable-segment", "unacceptable-segment"]);
  });

  it("an RST in CLOSE-WAIT resets; in LAST-ACK it just closes", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: FIN | ACK });
    f.recv({ seq: R(2), flags: RST });
    expect(f.errors).toEqual(["reset"]);
    const g = established();
    g.recv({ seq: R(1), ack: L(1), flags: FIN | ACK });
    g.conn.shutdown();
    g.recv({ seq: R(2), flags: RST });
    expect(g.conn.state).toBe("CLOSED");
    expect(g.errors).toEqual([]);
  });
});

describe("SYN on a synchronized connection (RFC 5961 §4)", () => {
  it("gets a challenge ACK whatever its sequence number, and the connection stays", () => {
    const f = established();
    f.recv({ seq: R(10), flags: SYN });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    f.recv({ seq: R(-5000), flags: SYN });
    expect(f.conn.state).toBe("ESTABLISHED");
  });

  it("challenge ACKs are rate-limited: past the limit the segment is only counted", () => {
    const f = established();
    f.limitChallengeAcks(1);
    f.recv({ seq: R(10), flags: SYN });
    f.recv({ seq: R(20), flags: SYN });
    f.recv({ seq: R(30), flags: RST });
    expect(f.sent.length).toBe(1);
    expect(f.drops.filter((d) => d === "challenge-ack-limit").length).toBe(2);
  });
});

describe("ACK acceptability (RFC 5961 §5.2)", () => {
  it("an ACK for data never sent gets a challenge ACK and the segment is dropped", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(500), flags: ACK, payload: "x" });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    expect(f.conn.readableLength).toBe(0);
    expect(f.drops).toContain("ack-out-of-window");
  });

  it("an ACK older than SND.UNA - MAX.SND.WND gets a challenge ACK", () => {
    const f = established({}, 1000);
    f.recv({ seq: R(1), ack: L(-5000), flags: ACK, payload: "x" });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    expect(f.conn.readableLength).toBe(0);
  });

  it("a merely old ACK (within MAX.SND.WND) is accepted with its data", () => {
    const f = established({}, 1000);
    f.recv({ seq: R(1), ack: L(-10), flags: ACK, payload: "x" });
    expect(f.conn.readableLength).toBe(1);
  });
});

describe("sequence acceptability and trimming (RFC 9293 §3.10.7.4 first step)", () => {
  it("a segment wholly before RCV.NXT is answered with an ACK and not delivered", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "abcd" });
    f.sent.length = 0;
    f.conn.read();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "abcd" });
    f.expectSent([{ seq: L(1), ack: R(5), flags: ACK }]);
    expect(f.conn.readableLength).toBe(0);
  });

  it("a segment overlapping RCV.NXT is trimmed at the front and its new bytes delivered", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "abcd" });
    f.recv({ seq: R(3), ack: L(1), flags: ACK, payload: "cdefg" });
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("abcdefg");
  });

  it("a segment running past the window is trimmed at the tail (and its FIN dropped)", () => {
    const f = established({ receiveBufferSize: 10 });
    // Our SYN offered a 10-byte window.
    f.recv({ seq: R(1), ack: L(1), flags: ACK | FIN, payload: "0123456789ABCDEF" });
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("0123456789");
    expect(f.conn.state).toBe("ESTABLISHED");
    expect(f.conn.readEnded).toBe(false);
  });

  it("with a zero window, data is not taken but the ACK in it is", () => {
    const f = established({ receiveBufferSize: 4, noDelay: true });
    f.conn.write(new TextEncoder().encode("out"));
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "full" });
    expect(f.conn.info().receiveWindow).toBe(0);
    f.sent.length = 0;
    f.recv({ seq: R(5), ack: L(4), flags: ACK, payload: "more" });
    expect(f.conn.info().bytesInFlight).toBe(0);
    expect(f.conn.readableLength).toBe(4);
  });

  it("a zero-window probe is answered at once with an ACK showing the window still shut (RFC 1122 §4.2.2.17)", () => {
    // Found by a packetdrill script: the probe byte was trimmed away and nothing answered it.
    const f = established({ receiveBufferSize: 4 });
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "full" });
    f.clock.advance(200);
    f.sent.length = 0;
    f.recv({ seq: R(5), ack: L(1), flags: ACK, payload: "x" });
    expect(f.sent.map((s) => [s.seq, s.ack, s.flags, s.window, s.payload.length])).toEqual([[L(1), R(5), ACK, 0, 0]]);
    expect(f.conn.readableLength).toBe(4);
  });

  it("data past the right edge of an open window is trimmed and acknowledged at once", () => {
    const f = established({ receiveBufferSize: 10 });
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "0123456789ABCDEF" });
    expect(f.sent.map((s) => [s.ack, s.flags])).toEqual([[R(11), ACK]]);
  });

  it("out-of-order data is held, answered with a duplicate ACK, and delivered when the hole fills", () => {
    const f = established();
    f.recv({ seq: R(5), ack: L(1), flags: ACK, payload: "efgh" });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    expect(f.conn.readableLength).toBe(0);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "abcd" });
    f.expectSent([{ seq: L(1), ack: R(9), flags: ACK }]);
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("abcdefgh");
  });

  it("a FIN beyond a hole takes effect when the hole fills", () => {
    const f = established();
    f.recv({ seq: R(3), ack: L(1), flags: ACK | FIN, payload: "cd" });
    expect(f.conn.state).toBe("ESTABLISHED");
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: "ab" });
    expect(f.conn.state).toBe("CLOSE-WAIT");
    expect(new TextDecoder().decode(f.conn.read()!)).toBe("abcd");
    expect(f.conn.readEnded).toBe(true);
  });

  it("the reassembly queue is bounded: past the range limit out-of-order segments are dropped", () => {
    const f = established({ maxReassemblyRanges: 2 });
    f.recv({ seq: R(11), ack: L(1), flags: ACK, payload: "x" });
    f.recv({ seq: R(21), ack: L(1), flags: ACK, payload: "y" });
    f.recv({ seq: R(31), ack: L(1), flags: ACK, payload: "z" });
    expect(f.drops).toContain("reassembly-full");
    // Extending an existing range is still fine.
    f.recv({ seq: R(12), ack: L(1), flags: ACK, payload: "x" });
    expect(f.drops.filter((d) => d === "reassembly-full").length).toBe(1);
  });
});

describe("RST in every synchronized state (RFC 9293 §3.10.7.4 second check)", () => {
  type Setup = (f: ReturnType<typeof established>) => void;
  const cases: Array<[string, Setup, string, string[]]> = [
    ["ESTABLISHED", () => {}, "CLOSED", ["reset"]],
    ["FIN-WAIT-1", (f) => f.conn.shutdown(), "CLOSED", ["reset"]],
    ["FIN-WAIT-2", (f) => (f.conn.shutdown(), f.recv({ seq: R(1), ack: L(2), flags: ACK })), "CLOSED", ["reset"]],
    ["CLOSE-WAIT", (f) => f.recv({ seq: R(1), ack: L(1), flags: FIN | ACK }), "CLOSED", ["reset"]],
    ["CLOSING", (f) => (f.conn.shutdown(), f.recv({ seq: R(1), ack: L(1), flags: FIN | ACK })), "CLOSED", []],
    ["LAST-ACK", (f) => (f.recv({ seq: R(1), ack: L(1), flags: FIN | ACK }), f.conn.shutdown()), "CLOSED", []],
    ["TIME-WAIT", (f) => (f.conn.shutdown(), f.recv({ seq: R(1), ack: L(2), flags: FIN | ACK })), "CLOSED", []],
  ];
  for (const [state, setup, after, errors] of cases) {
    it(`${state}: an RST at RCV.NXT -> ${after}${errors.length ? " with a reset error" : ""}; off by one -> challenge ACK`, () => {
      const f = established();
      setup(f);
      expect(f.conn.state).toBe(state);
      const rcvNxt = f.conn.tcb.rcvNxt;
      f.sent.length = 0;
      if (state !== "TIME-WAIT") {
        f.recv({ seq: rcvNxt + 1, flags: RST });
        expect(f.conn.state).toBe(state);
        expect(f.sent.length).toBe(1);
        expect(f.sent[0].flags).toBe(ACK);
      }
      f.recv({ seq: rcvNxt, flags: RST });
      expect(f.conn.state).toBe(after);
      expect(f.errors).toEqual(errors);
      expect(f.released).toBe(true);
    });
  }
});
