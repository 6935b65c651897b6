/** TCP over IPv6 at the stack: the closed-port RST, RFC 6528 ISNs over the 16-byte addresses, SYN cookies. */
import { describe, expect, it } from "vitest";
import { TcpFlags, buildPacket, parseIpv6 } from "../../src/wire/index.js";
import { PEER, US, host6, peer, us } from "./host6.js";

const { SYN, ACK, RST } = TcpFlags;
const syn = (src: Uint8Array, srcPort: number, seq = 1000) =>
  buildPacket(
    { src: 0, dst: 0, srcPort, dstPort: 80, seq, flags: SYN, window: 65535, options: { mss: 1440 } },
    { src, dst: us },
  );

describe("TCP over IPv6", () => {
  it("a SYN to a closed port is answered with RST|ACK from our address to the sender (RFC 9293 §3.10.7.1)", () => {
    const h = host6();
    h.stack.input(syn(peer, 4000, 77));
    const [rst] = h.take();
    expect(rst).toMatchObject({
      src: US,
      dst: PEER,
      tcp: { srcPort: 80, dstPort: 4000, seq: 0, ack: 78, flags: RST | ACK },
    });
  });

  it("the ISN of a SYN-ACK depends on the peer's full IPv6 address (RFC 6528)", () => {
    const h = host6();
    h.stack.listen(80);
    const isns = ["fd00::2", "fd00::3", "fd00:1::2", "fd00::2:0:0:2"].map((a) => {
      h.stack.input(syn(parseIpv6(a), 4000));
      return h.take()[0].tcp!.seq;
    });
    expect(new Set(isns).size).toBe(4);
  });

  it("past a full SYN queue, a cookie SYN-ACK; the cookie's ACK makes the connection (RFC 4987 §3.6)", () => {
    const h = host6({ tcp: { synBacklog: 1 } });
    const listener = h.stack.listen(80);
    h.stack.input(syn(parseIpv6("fd00::77"), 5000));
    h.take();
    h.stack.input(syn(peer, 4000, 500));
    const [cookie] = h.take();
    expect(cookie.tcp).toMatchObject({ flags: SYN | ACK, ack: 501, mss: 1440 });
    expect(h.stack.counters.synCookiesSent).toBe(1);
    h.stack.input(
      buildPacket(
        {
          src: 0,
          dst: 0,
          srcPort: 4000,
          dstPort: 80,
          seq: 501,
          ack: (cookie.tcp!.seq + 1) >>> 0,
          flags: ACK,
          window: 65535,
        },
        { src: peer, dst: us },
      ),
    );
    expect(h.stack.counters.synCookiesAccepted).toBe(1);
    const conn = listener.accept();
    expect(conn?.remoteAddress).toBe(PEER);
    expect(conn?.state).toBe("ESTABLISHED");
    // The cookie came back from another address: not ours.
    h.stack.input(syn(parseIpv6("fd00::78"), 4001, 900));
    const [other] = h.take();
    h.stack.input(
      buildPacket(
        {
          src: 0,
          dst: 0,
          srcPort: 4001,
          dstPort: 80,
          seq: 901,
          ack: (other.tcp!.seq + 1) >>> 0,
          flags: ACK,
          window: 65535,
        },
        { src: parseIpv6("fd00::79"), dst: us },
      ),
    );
    expect(h.stack.counters.synCookiesAccepted).toBe(1);
  });
});
