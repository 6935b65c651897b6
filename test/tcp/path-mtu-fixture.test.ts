import { describe, expect, it } from "vitest";
import { pathMtuReduced } from "../../src/tcp/path-mtu.js";
import { ACK, L, MSS, PSH, R, established } from "./fixture.js";

const data = (n: number) => new Uint8Array(n).map((_, i) => i & 0xff);

describe("path MTU fixtures (RFC 1191, RFC 4821): the exact segments", () => {
  it("frag-needed: the flight goes again at once in segments that fit, cwnd untouched", () => {
    const f = established({ noDelay: true });
    f.conn.write(data(3000));
    f.expectSent([
      { seq: L(1), ack: R(1), flags: ACK, payload: MSS },
      { seq: L(1 + MSS), ack: R(1), flags: ACK, payload: MSS },
      { seq: L(1 + 2 * MSS), ack: R(1), flags: ACK | PSH, payload: 3000 - 2 * MSS },
    ]);
    const cwnd = f.conn.info().cwnd;
    expect(pathMtuReduced(f.conn, L(1 + MSS), 1000)).toBe("lowered");
    f.expectSent([
      { seq: L(1), ack: R(1), flags: ACK, payload: 960 },
      { seq: L(961), ack: R(1), flags: ACK, payload: 960 },
      { seq: L(1921), ack: R(1), flags: ACK, payload: 960 },
      { seq: L(2881), ack: R(1), flags: ACK | PSH, payload: 120 },
    ]);
    expect(f.conn.info()).toMatchObject({ mss: 960, cwnd, timeouts: 0 });
    expect(f.traces).toContain(`${f.conn.id} path MTU 1500 -> 1000 (ICMP fragmentation needed), mss 1460 -> 960`);
    // New data is cut to the new size too.
    f.recv({ seq: R(1), ack: L(3001), flags: ACK });
    f.conn.write(data(1000));
    f.expectSent([
      { seq: L(3001), ack: R(1), flags: ACK, payload: 960 },
      { seq: L(3961), ack: R(1), flags: ACK | PSH, payload: 40 },
    ]);
  });

  it("a quoted sequence number outside SND.UNA..SND.NXT, or an MTU not lower, changes nothing", () => {
    const f = established({ noDelay: true });
    f.conn.write(data(1000));
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK | PSH, payload: 1000 }]);
    expect(pathMtuReduced(f.conn, L(1001), 1000)).toBe("out-of-window");
    expect(pathMtuReduced(f.conn, L(0), 1000)).toBe("out-of-window");
    expect(pathMtuReduced(f.conn, L(1), 1500)).toBe("not-lower");
    f.expectNothingSent();
    expect(f.conn.info().mss).toBe(MSS);
  });

  it("black hole: the third timeout in a row of a full-sized segment retransmits it at 1024 bytes", () => {
    const f = established({ noDelay: true, minRto: 300 });
    f.conn.write(data(3000));
    f.sent.length = 0;
    f.clock.advance(300);
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: MSS }]);
    f.clock.advance(600);
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: MSS }]);
    f.clock.advance(1200);
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK, payload: 1024 }]);
    expect(f.traces).toContain(
      `${f.conn.id} path MTU 1500 -> 1064 (black hole: 3 timeouts of full-sized segments), mss 1460 -> 1024`,
    );
    // It got through: go-back-N continues at the new size.
    f.recv({ seq: R(1), ack: L(1025), flags: ACK });
    expect(f.sent.map((s) => s.payload.length)).toEqual([1024, 952]);
  });

  it("timeouts of a segment shorter than the MSS are not a black hole", () => {
    const f = established({ noDelay: true, minRto: 300 });
    f.conn.write(data(500));
    f.sent.length = 0;
    for (const ms of [300, 600, 1200, 2400]) f.clock.advance(ms);
    expect(f.sent.map((s) => s.payload.length)).toEqual([500, 500, 500, 500]);
    expect(f.conn.info().mss).toBe(MSS);
  });
});
