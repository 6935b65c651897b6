import {
  V_CLASS_FLOW,
  V_HOP_LIMIT,
  V_TOTAL_LENGTH,
  V_UPPER,
  V_UPPER_OFFSET,
  V_UPPER_POINTER,
  V_FRAGMENT_AT,
  V_FRAGMENT,
  V_FRAGMENT_ID,
  V_PROBLEM,
  V_PARSED,
  V_Q_UPPER_OFFSET,
} from "./layout.generated.js";

/**
 * What `parseIpv6Into` found in an IPv6 packet's headers (RFC 8200 §3, §4): the fields beyond those the
 * TCP and datagram records hold. The addresses are not copied: they are bytes 8..23 and 24..39 of the
 * packet. Valid until the next parse into it.
 */
export class Ipv6Record {
  trafficClass = 0;
  flowLabel = 0;
  hopLimit = 0;
  /** 40 plus the payload length: the packet's IPv6 bytes. */
  totalLength = 0;
  /** The upper-layer protocol at the end of the header chain (a fragment's: the one its header names). */
  upper = 0;
  /** Where the upper-layer header (a fragment's data) starts in the packet. */
  upperOffset = 0;
  /** The offset of the Next Header field that named `upper` (a code-1 parameter problem points there). */
  upperPointer = 0;
  /** Where the fragment header starts; 0 when the packet is no fragment (an atomic fragment is none). */
  fragmentAt = 0;
  /** The fragment's offset in bytes. */
  fragmentOffset = 0;
  /** The fragment header's M flag. */
  moreFragments = false;
  fragmentId = 0;
  /** Which record the transport header went to: 6 the TCP record, 17 or 58 the datagram record, 0 neither. */
  parsed = 0;
  /** For "ipv6-parameter-problem": the ICMPv6 code, the pointer, and whether a multicast destination mutes it. */
  problemCode = 0;
  problemPointer = 0;
  problemUnlessMulticast = false;
  /** ICMPv6 errors: where the quoted packet's upper-layer header starts, from the quote's start. */
  quotedUpperOffset = 0;

  /** Copies the V_ slots of a parseIpv6 call (its status is `status`). */
  load(r: Uint32Array, status: "ok" | "problem"): void {
    if (status === "problem") {
      const p = r[V_PROBLEM];
      this.problemCode = p >>> 24;
      this.problemPointer = p & 0x7fffff;
      this.problemUnlessMulticast = (p & 0x800000) !== 0;
      return;
    }
    const cf = r[V_CLASS_FLOW];
    this.trafficClass = cf >>> 20;
    this.flowLabel = cf & 0xfffff;
    this.hopLimit = r[V_HOP_LIMIT];
    this.totalLength = r[V_TOTAL_LENGTH];
    this.upper = r[V_UPPER];
    this.upperOffset = r[V_UPPER_OFFSET];
    this.upperPointer = r[V_UPPER_POINTER];
    this.fragmentAt = r[V_FRAGMENT_AT];
    const f = r[V_FRAGMENT];
    this.fragmentOffset = f & 0xfff8;
    this.moreFragments = (f & 1) !== 0;
    this.fragmentId = r[V_FRAGMENT_ID];
    this.parsed = r[V_PARSED];
    this.quotedUpperOffset = r[V_Q_UPPER_OFFSET];
  }
}
