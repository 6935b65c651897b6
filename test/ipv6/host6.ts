import type { IpStackOptions } from "../../src/stack/ip-stack.js";
import { host } from "../icmp/host.js";
import {
  DatagramRecord,
  Ipv6Record,
  ParsedRecord,
  ipv6ToString,
  parseIpv6,
  parseIpv6Into,
} from "../../src/wire/index.js";

export const US = "fd00::1";
export const PEER = "fd00::2";
export const ROUTER = "fd00:9::1";
export const us = parseIpv6(US);
export const peer = parseIpv6(PEER);
export const router = parseIpv6(ROUTER);
export const ALL_NODES = parseIpv6("ff02::1");

/** What one IPv6 packet the stack sent says: the header's, and its TCP, UDP or ICMPv6 header's fields. */
export interface Sent6 {
  bytes: Uint8Array;
  src: string;
  dst: string;
  hopLimit: number;
  upper: number;
  tcp?: { srcPort: number; dstPort: number; seq: number; ack: number; flags: number; mss?: number };
  udp?: { srcPort: number; dstPort: number; payload: Uint8Array };
  icmp?: { type: number; code: number; rest: number; body: Uint8Array };
  fragment?: { offset: number; more: boolean; id: number };
}

/** Parses a packet the stack sent; throws when the wire core would not take it. */
export function parseSent6(bytes: Uint8Array): Sent6 {
  const v6 = new Ipv6Record();
  const t = new ParsedRecord();
  const d = new DatagramRecord();
  const reason = parseIpv6Into(bytes, v6, t, d);
  if (reason !== null) throw new Error(`the stack sent a bad IPv6 packet: ${reason}`);
  const out: Sent6 = {
    bytes,
    src: ipv6ToString(bytes.subarray(8, 24)),
    dst: ipv6ToString(bytes.subarray(24, 40)),
    hopLimit: v6.hopLimit,
    upper: v6.upper,
  };
  if (v6.fragmentAt !== 0) out.fragment = { offset: v6.fragmentOffset, more: v6.moreFragments, id: v6.fragmentId };
  if (v6.parsed === 6) {
    out.tcp = { srcPort: t.srcPort, dstPort: t.dstPort, seq: t.seq, ack: t.ack, flags: t.flags, mss: t.options.mss };
  } else if (v6.parsed === 17) {
    out.udp = {
      srcPort: d.srcPort,
      dstPort: d.dstPort,
      payload: bytes.slice(d.payloadOffset, d.payloadOffset + d.payloadLength),
    };
  } else if (v6.parsed === 58) {
    const body = bytes.slice(d.payloadOffset, d.payloadOffset + d.payloadLength);
    out.icmp = { type: d.icmpType, code: d.icmpCode, rest: d.icmpRest, body };
  }
  return out;
}

/** test/icmp/host.ts's IpStack (10.0.0.1) with fd00::1/64 too; `take()` parses what it sent as IPv6. */
export function host6(options: Partial<IpStackOptions> = {}, mtu = 1500) {
  const h = host({ ipv6: [`${US}/64`], ...options }, mtu);
  return {
    clock: h.clock,
    stack: h.stack,
    sent: h.sent,
    /** Everything sent since the last call, parsed. */
    take(): Sent6[] {
      return h.sent.splice(0).map(parseSent6);
    },
  };
}

/**
 * `packet` with an extension header of `type` inserted after the fixed header: `body` is its bytes after
 * the next-header byte (a multiple of 8 less one). The upper layer's checksum does not cover extension
 * headers (RFC 8200 §8.1), so it stays right.
 */
export function withExtension(packet: Uint8Array, type: number, body: number[]): Uint8Array {
  const ext = [packet[6], ...body];
  const out = new Uint8Array(packet.length + ext.length);
  out.set(packet.subarray(0, 40));
  out.set(ext, 40);
  out.set(packet.subarray(40), 40 + ext.length);
  out[6] = type;
  const payload = out.length - 40;
  out[4] = payload >> 8;
  out[5] = payload & 255;
  return out;
}

/** Destination options with one option of `type` and two data bytes, padded to 8 bytes. */
export function destinationOption(type: number): number[] {
  return [0, type, 2, 0xaa, 0xbb, 1, 0];
}
