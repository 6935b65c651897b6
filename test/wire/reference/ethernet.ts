// A pure-TS reading of Ethernet II and ARP (IEEE 802.3, RFC 826), written apart from assembly/ethernet.ts
// and assembly/arp.ts, for differential tests only.
import type { ArpRepr, EthernetRepr, LinkParseErrorReason } from "../../../src/wire/index.js";

const mac = (b: Uint8Array, at: number): number => {
  let n = 0;
  for (let i = 0; i < 6; i++) n = n * 256 + b[at + i];
  return n;
};

export function refParseEthernet(
  b: Uint8Array,
): { ok: true; repr: EthernetRepr } | { ok: false; reason: LinkParseErrorReason } {
  if (b.length < 14) return { ok: false, reason: "truncated-frame" };
  const etherType = (b[12] << 8) | b[13];
  if (etherType < 1536) return { ok: false, reason: "not-ethernet-ii" };
  if ([0x8100, 0x88a8, 0x9100].includes(etherType)) return { ok: false, reason: "vlan-tagged" };
  if (b[6] & 1) return { ok: false, reason: "multicast-source" };
  return { ok: true, repr: { dst: mac(b, 0), src: mac(b, 6), etherType, vlanTci: 0 } };
}

export function refParseArp(b: Uint8Array): { ok: true; repr: ArpRepr } | { ok: false; reason: LinkParseErrorReason } {
  const a = b.subarray(14);
  if (a.length < 28) return { ok: false, reason: "truncated-arp" };
  const v = new DataView(a.buffer, a.byteOffset, a.length);
  if (v.getUint16(0) !== 1 || v.getUint16(2) !== 0x0800 || a[4] !== 6 || a[5] !== 4)
    return { ok: false, reason: "bad-arp-format" };
  const operation = v.getUint16(6);
  if (operation !== 1 && operation !== 2) return { ok: false, reason: "bad-arp-operation" };
  return {
    ok: true,
    repr: {
      operation,
      senderMac: mac(a, 8),
      senderIp: v.getUint32(14),
      targetMac: mac(a, 18),
      targetIp: v.getUint32(24),
    },
  };
}
