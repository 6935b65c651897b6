/**
 * One ACK per run of a link's burst (connection.ts runEnded, arrives.ts processText): the in-order segments
 * of a flow that arrive together are acknowledged together, as Linux acknowledges a GRO aggregate, while
 * everything RFC 5681 §4.2 wants at once still goes at once.
 */
import { describe, expect, it } from "vitest";
import { ACK, FIN, L, MSS, R, REMOTE_ISS, SYN, established, synSent } from "./fixture.js";

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 255);

describe("ACK per burst run", () => {
  it("ten in-order segments of one run draw one ACK at the run's end, with the window the reader reopened", () => {
    const f = established();
    let read = 0;
    f.conn.events!.onReadable = () => {
      for (let c = f.conn.read(); c !== null; c = f.conn.read()) read += c.length;
    };
    f.burst(() => {
      for (let i = 0; i < 10; i++) f.recv({ seq: R(1 + i * MSS), ack: L(1), flags: ACK, payload: data(MSS) });
      // Not one ACK inside the run, though every second segment would have drawn one outside a burst.
      f.expectNothingSent();
    });
    expect(read).toBe(10 * MSS);
    f.expectSent([{ seq: L(1), ack: R(1 + 10 * MSS), flags: ACK, window: 65535 }]);
    // Nothing is left for the delayed-ACK timer.
    f.clock.advance(100);
    f.expectNothingSent();
  });

  it("a run of more than 45 segments (GRO's 64 KiB at MTU 1500) is acknowledged inside it, at the 45th", () => {
    // Window scaling agreed; 1000-byte segments, so the run of 50 fits the first 64 KiB window.
    const f = synSent({ receiveBufferSize: 1 << 20 });
    f.recv({ seq: REMOTE_ISS, ack: L(1), flags: SYN | ACK, window: 65535, options: { mss: MSS, windowScale: 7 } });
    f.expectSentLoosely([{ seq: L(1), ack: R(1), flags: ACK }]);
    f.conn.events!.onReadable = () => {
      while (f.conn.read() !== null);
    };
    f.burst(() => {
      for (let i = 0; i < 50; i++) {
        f.recv({ seq: R(1 + i * 1000), ack: L(1), flags: ACK, payload: data(1000) });
        if (i === 43) f.expectNothingSent();
        if (i === 44) f.expectSentLoosely([{ seq: L(1), ack: R(1 + 45 * 1000), flags: ACK }]);
      }
    });
    // The run's last five: one ACK at its end.
    f.expectSentLoosely([{ seq: L(1), ack: R(1 + 50 * 1000), flags: ACK }]);
  });

  it("one segment alone in its run waits for the delayed-ACK timer, as outside a burst", () => {
    const f = established();
    f.burst(() => f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(MSS) }));
    f.expectNothingSent();
    f.clock.advance(40);
    f.expectSent([{ seq: L(1), ack: R(1 + MSS), flags: ACK }]);
  });

  it("an out-of-order segment inside a run is acknowledged at once, with its SACK block", () => {
    const f = established({}, 65535);
    f.burst(() => {
      f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(MSS) });
      f.expectNothingSent();
      // Segment 1 lost: 2 arrives above the hole.
      f.recv({ seq: R(1 + 2 * MSS), ack: L(1), flags: ACK, payload: data(MSS) });
      f.expectSentLoosely([{ seq: L(1), ack: R(1 + MSS), flags: ACK }]);
    });
  });

  it("a FIN inside a run is acknowledged at once", () => {
    const f = established();
    f.burst(() => {
      f.recv({ seq: R(1), ack: L(1), flags: ACK, payload: data(MSS) });
      f.recv({ seq: R(1 + MSS), ack: L(1), flags: ACK | FIN, payload: data(100) });
      f.expectSentLoosely([{ seq: L(1), ack: R(2 + MSS + 100), flags: ACK }]);
    });
    f.expectNothingSent();
  });
});
