/**
 * Out-of-window bare segments are answered at most once per 500 ms (arrives.ts outOfWindowAckAllowed, as
 * Linux's tcp_oow_rate_limited), so two ends that disagree on the sequence space cannot ACK each other forever.
 */
import { describe, expect, it } from "vitest";
import { ACK, L, R, established } from "./fixture.js";

describe("out-of-window ACKs are rate-limited", () => {
  it("bare ACKs outside the window draw one ACK per 500 ms; the rest are dropped and counted", () => {
    const f = established();
    const far = R(1 + 0x4000_0000);
    f.recv({ seq: far, ack: L(1), flags: ACK });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    for (let i = 0; i < 5; i++) f.recv({ seq: far, ack: L(1), flags: ACK });
    f.expectNothingSent();
    expect(f.drops.filter((d) => d === "unacceptable-segment")).toHaveLength(6);
    f.clock.advance(499);
    f.recv({ seq: far, ack: L(1), flags: ACK });
    f.expectNothingSent();
    f.clock.advance(1);
    f.recv({ seq: far, ack: L(1), flags: ACK });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
  });

  it("a segment with data outside the window is always answered (its ACK reports the duplicate)", () => {
    const f = established();
    const far = R(1 + 0x4000_0000);
    f.recv({ seq: far, ack: L(1), flags: ACK });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
    f.recv({ seq: far, ack: L(1), flags: ACK, payload: "old" });
    f.expectSent([{ seq: L(1), ack: R(1), flags: ACK }]);
  });
});
