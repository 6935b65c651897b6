/**
 * Header prediction (arrives.ts `predicted`): the next in-order data segment of a flow that sends nothing
 * back skips the checks it would pass anyway, but still does what every accepted segment does: it moves
 * SND.WL1 and SND.WL2, restarts keep-alive, and records TS.Recent.
 */
import { describe, expect, it } from "vitest";
import { ACK, L, R, established } from "./fixture.js";

const data = (n: number) => new Uint8Array(n).fill(7);

describe("header prediction", () => {
  it("in-order data moves SND.WL1: an older, overlapping segment's window is not taken", () => {
    const f = established();
    f.recv({ seq: R(1), ack: L(1), flags: ACK, window: 65535, payload: data(1000) });
    f.recv({ seq: R(1001), ack: L(1), flags: ACK, window: 65535, payload: data(1000) });
    f.expectSent([{ seq: L(1), ack: R(2001), flags: ACK }]);
    // Half old, half new: acceptable, but it started before the last segment that set the window
    // (RFC 9293 §3.10.7.4: SND.WL1 < SEG.SEQ fails), so its window of 1000 is not SND.WND.
    f.recv({ seq: R(501), ack: L(1), flags: ACK, window: 1000, payload: data(2000) });
    f.sent.length = 0;
    f.conn.write(data(4 * 1460));
    // The window is still 65535: all four segments go (with a window of 1000 none would, SWS avoidance).
    expect(f.sent.filter((s) => s.payload.length > 0).map((s) => s.payload.length)).toEqual([1460, 1460, 1460, 1460]);
  });

  it("in-order data restarts the keep-alive idle time", () => {
    const f = established({ keepAlive: true, keepAliveIdle: 10_000, keepAliveInterval: 1000 });
    f.clock.advance(6000);
    f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(100) });
    f.clock.advance(500);
    f.expectSent([{ seq: L(1), ack: R(101), flags: ACK }]);
    // Idle since 6 s: no probe at 10 s, one at 16 s (RFC 1122 §4.2.3.6), with the byte before SND.UNA.
    f.clock.advance(9000);
    f.expectNothingSent();
    f.clock.advance(1000);
    f.expectSentLoosely([{ seq: L(0), ack: R(101), flags: ACK }]);
  });
});
