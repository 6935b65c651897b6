import { VirtualClock } from "../../src/clock/virtual-clock.js";
import type { Link } from "../../src/link/link.js";
import { IpStack, type IpStackOptions } from "../../src/stack/ip-stack.js";
import { parseDatagram, parsePacket, parseIpv4, type ParsedDatagram, type ParsedPacket } from "../../src/wire/index.js";

export const US = "10.0.0.1";
export const PEER = "10.0.0.2";
export const ROUTER = "10.0.9.1";
export const us = parseIpv4(US);
export const peer = parseIpv4(PEER);
export const router = parseIpv4(ROUTER);

/**
 * One IpStack on a VirtualClock whose link records what it sends: feed it packets built by hand, assert
 * on what comes out (smoltcp-style fixtures for the IP layer).
 */
export function host(options: Partial<IpStackOptions> = {}, mtu = 1500, start = 1_000_000) {
  const clock = new VirtualClock(start);
  const sent: Uint8Array[] = [];
  const link: Link = {
    mtu,
    send: (p) => void sent.push(p.slice()),
    onReceive: null,
    close() {},
  };
  const stack = new IpStack({
    address: US,
    link,
    clock,
    isnKey: new Uint8Array(16).fill(7),
    ...options,
  });
  return {
    clock,
    stack,
    sent,
    /** Everything sent since the last call, as datagrams (ICMP, UDP). */
    takeDatagrams(): ParsedDatagram[] {
      return sent.splice(0).map((p) => {
        const d = parseDatagram(p);
        if (!d.ok) throw new Error(`the stack sent a bad datagram: ${d.reason}`);
        return d;
      });
    },
    /** Everything sent since the last call, as TCP segments. */
    takeSegments(): ParsedPacket[] {
      return sent.splice(0).map((p) => {
        const s = parsePacket(p);
        if (!s.ok) throw new Error(`the stack sent a bad segment: ${s.reason}`);
        return s;
      });
    },
  };
}
