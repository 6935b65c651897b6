import { wasm, mem8, record, SCRATCH, inWasm } from "./wasm.js";
import { roomBefore } from "./packet-arena.js";
import {
  ARP_LENGTH,
  ETHERNET_HEADER,
  LINK_REASONS,
  LINK_E_TRUNCATED_FRAME,
  LINK_E_VLAN_TAGGED,
  L_DST_HI,
  L_DST_LO,
  L_SRC_HI,
  L_SRC_LO,
  L_ETHERTYPE,
  L_VLAN_TCI,
  A_OPERATION,
  A_SHA_HI,
  A_SHA_LO,
  A_SPA,
  A_THA_HI,
  A_THA_LO,
  A_TPA,
  type LinkParseErrorReason,
} from "./layout.generated.js";
import { macFromParts, macHigh, macLow, type MacAddress } from "./mac-address.js";

/** EtherTypes this host speaks (IANA ieee-802-numbers). */
export const EtherType = { IPV4: 0x0800, ARP: 0x0806, IPV6: 0x86dd, VLAN: 0x8100 } as const;

/** ARP operation codes (RFC 826). */
export const ArpOperation = { REQUEST: 1, REPLY: 2 } as const;

/** The Ethernet II header; the payload is `frame.subarray(ETHERNET_HEADER)`. */
export interface EthernetRepr {
  dst: MacAddress;
  src: MacAddress;
  etherType: number;
  /** For a VLAN-tagged frame (rejected as "vlan-tagged"): the tag control information. */
  vlanTci: number;
}

/** An ARP packet for IPv4 over Ethernet. */
export interface ArpRepr {
  operation: number;
  senderMac: MacAddress;
  senderIp: number;
  targetMac: MacAddress;
  targetIp: number;
}

/** Only the headers go to linear memory: the parsers never read past them, and payloads stay where they are. */
const HEADERS = ETHERNET_HEADER + ARP_LENGTH;

/** Where the wire core reads `frame`'s headers: in place when it lives in linear memory, else a copy in scratch. */
function headersAt(frame: Uint8Array): number {
  if (inWasm(frame)) return frame.byteOffset;
  mem8.set(frame.length <= HEADERS ? frame : frame.subarray(0, HEADERS), SCRATCH);
  return SCRATCH;
}

/**
 * Parses the Ethernet II header of `frame` into `out` (reused: no allocation). Returns null, or the reason
 * the frame is refused; on "vlan-tagged" and "not-ethernet-ii" the addresses and type are still filled, so
 * the drop can be traced.
 */
export function parseEthernetInto(frame: Uint8Array, out: EthernetRepr): LinkParseErrorReason | null {
  const status = wasm.parseEthernet(headersAt(frame), Math.min(frame.length, HEADERS));
  if (status !== LINK_E_TRUNCATED_FRAME) {
    out.dst = macFromParts(record[L_DST_HI], record[L_DST_LO]);
    out.src = macFromParts(record[L_SRC_HI], record[L_SRC_LO]);
    out.etherType = record[L_ETHERTYPE];
    out.vlanTci = status === LINK_E_VLAN_TAGGED ? record[L_VLAN_TCI] : 0;
  }
  return status === 0 ? null : (LINK_REASONS[status] as LinkParseErrorReason);
}

/** Parses the ARP packet that follows the Ethernet header of `frame` into `out`. */
export function parseArpInto(frame: Uint8Array, out: ArpRepr): LinkParseErrorReason | null {
  const n = Math.min(frame.length, HEADERS);
  const status = wasm.parseArp(headersAt(frame) + ETHERNET_HEADER, Math.max(0, n - ETHERNET_HEADER));
  if (status !== 0) return LINK_REASONS[status] as LinkParseErrorReason;
  out.operation = record[A_OPERATION];
  out.senderMac = macFromParts(record[A_SHA_HI], record[A_SHA_LO]);
  out.senderIp = record[A_SPA];
  out.targetMac = macFromParts(record[A_THA_HI], record[A_THA_LO]);
  out.targetIp = record[A_TPA];
  return null;
}

function setHeaderSlots(dst: MacAddress, src: MacAddress, etherType: number): void {
  record[L_DST_HI] = macHigh(dst);
  record[L_DST_LO] = macLow(dst);
  record[L_SRC_HI] = macHigh(src);
  record[L_SRC_LO] = macLow(src);
  record[L_ETHERTYPE] = etherType & 0xffff;
}

/** A new frame holding `payload` (copied once) after room for the header, which is left zero. */
export function newEthernetFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER + payload.length);
  frame.set(payload, ETHERNET_HEADER);
  return frame;
}

/**
 * A frame around `payload` with room for the header: in place when `payload` is a packet in the arena
 * with 14 bytes of its slot before it (so a frame, like a packet, is born, carried and parsed in linear
 * memory, and the receiving stack frees the slot), else a copy (`newEthernetFrame`). `copied` says which.
 */
export function ethernetFrameAround(payload: Uint8Array): { frame: Uint8Array; copied: boolean } {
  if (roomBefore(payload) < ETHERNET_HEADER) return { frame: newEthernetFrame(payload), copied: true };
  const start = payload.byteOffset - ETHERNET_HEADER;
  return { frame: mem8.subarray(start, start + ETHERNET_HEADER + payload.length), copied: false };
}

/** Writes the 14-byte header of `frame`: by the wire core in place in linear memory, else copied in. */
export function writeEthernetHeader(frame: Uint8Array, dst: MacAddress, src: MacAddress, etherType: number): void {
  setHeaderSlots(dst, src, etherType);
  if (inWasm(frame)) {
    wasm.buildEthernet(frame.byteOffset);
    return;
  }
  wasm.buildEthernet(SCRATCH);
  frame.set(mem8.subarray(SCRATCH, SCRATCH + ETHERNET_HEADER));
}

/** A new frame: the header, then `payload` (copied once). The caller owns the result (a link may keep it). */
export function buildEthernetFrame(
  dst: MacAddress,
  src: MacAddress,
  etherType: number,
  payload: Uint8Array,
): Uint8Array {
  const frame = newEthernetFrame(payload);
  writeEthernetHeader(frame, dst, src, etherType);
  return frame;
}

/** A new 42-byte ARP frame from `src` to `dst` carrying `arp`. */
export function buildArpFrame(dst: MacAddress, src: MacAddress, arp: ArpRepr): Uint8Array {
  setHeaderSlots(dst, src, EtherType.ARP);
  record[A_OPERATION] = arp.operation & 0xffff;
  record[A_SHA_HI] = macHigh(arp.senderMac);
  record[A_SHA_LO] = macLow(arp.senderMac);
  record[A_SPA] = arp.senderIp >>> 0;
  record[A_THA_HI] = macHigh(arp.targetMac);
  record[A_THA_LO] = macLow(arp.targetMac);
  record[A_TPA] = arp.targetIp >>> 0;
  wasm.buildEthernet(SCRATCH);
  wasm.buildArp(SCRATCH + ETHERNET_HEADER);
  return mem8.slice(SCRATCH, SCRATCH + HEADERS);
}

/** A fresh repr to parse into. */
export function newEthernetRepr(): EthernetRepr {
  return { dst: 0, src: 0, etherType: 0, vlanTci: 0 };
}

/** A zeroed ARP packet representation, to fill in and build. */
export function newArpRepr(): ArpRepr {
  return { operation: 0, senderMac: 0, senderIp: 0, targetMac: 0, targetIp: 0 };
}
