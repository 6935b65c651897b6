import {
  D_IHL,
  D_TOS,
  D_TOTAL_LENGTH,
  D_ID,
  D_FRAG,
  D_TTL,
  D_PROTOCOL,
  D_IP_CHECKSUM,
  D_SRC,
  D_DST,
  D_TRANSPORT,
  D_PAYLOAD_OFFSET,
  D_PAYLOAD_LENGTH,
  D_SRC_PORT,
  D_DST_PORT,
  D_UDP_LENGTH,
  D_CHECKSUM,
  D_ICMP_TYPE,
  D_ICMP_CODE,
  D_ICMP_REST,
  D_Q_FRAG,
  D_Q_PROTOCOL,
  D_Q_SRC,
  D_Q_DST,
  D_Q_TOTAL_LENGTH,
  D_Q_WORD0,
  D_Q_WORD1,
} from "./layout.generated.js";

/**
 * A reusable parse result for non-TCP packets (`parseDatagramInto`, `parseIpv6Into`), the datagram twin
 * of ParsedRecord. `transport` says which transport fields are valid: 1 the ICMP ones (and the quote's,
 * for an error type), 58 ICMPv6's (the same fields), 17 the UDP ones, 0 none (a fragment awaiting reassembly, or another protocol). Valid only until
 * the next parse into it.
 */
export class DatagramRecord {
  ihl = 0;
  tos = 0;
  totalLength = 0;
  id = 0;
  /** The flags and fragment offset word as received. */
  fragment = 0;
  ttl = 0;
  protocol = 0;
  ipChecksum = 0;
  src = 0;
  dst = 0;
  transport = 0;
  payloadOffset = 0;
  payloadLength = 0;
  srcPort = 0;
  dstPort = 0;
  udpLength = 0;
  checksum = 0;
  icmpType = 0;
  icmpCode = 0;
  icmpRest = 0;
  quotedFragment = 0;
  quotedProtocol = 0;
  quotedSrc = 0;
  quotedDst = 0;
  quotedTotalLength = 0;
  quotedWord0 = 0;
  quotedWord1 = 0;

  get dontFragment(): boolean {
    return (this.fragment & 0x4000) !== 0;
  }
  get moreFragments(): boolean {
    return (this.fragment & 0x2000) !== 0;
  }
  /** In bytes (the header counts 8-byte units). */
  get fragmentOffset(): number {
    return (this.fragment & 0x1fff) * 8;
  }

  /** Copies the IPv4 slots of a successful parseDatagram. */
  loadIpv4(r: Uint32Array): void {
    this.ihl = r[D_IHL];
    this.tos = r[D_TOS];
    this.totalLength = r[D_TOTAL_LENGTH];
    this.id = r[D_ID];
    this.fragment = r[D_FRAG];
    this.ttl = r[D_TTL];
    this.protocol = r[D_PROTOCOL];
    this.ipChecksum = r[D_IP_CHECKSUM];
    this.src = r[D_SRC];
    this.dst = r[D_DST];
  }

  /** Copies the transport slots of a successful parseDatagram or parseTransport. */
  loadTransport(r: Uint32Array): void {
    const t = r[D_TRANSPORT];
    this.transport = t;
    this.payloadOffset = r[D_PAYLOAD_OFFSET];
    this.payloadLength = r[D_PAYLOAD_LENGTH];
    if (t === 17) {
      this.srcPort = r[D_SRC_PORT];
      this.dstPort = r[D_DST_PORT];
      this.udpLength = r[D_UDP_LENGTH];
      this.checksum = r[D_CHECKSUM];
    } else if (t === 1 || t === 58) {
      // ICMP, or ICMPv6 (same header layout; an ICMPv6 quote's addresses are its bytes, not copied)
      this.checksum = r[D_CHECKSUM];
      this.icmpType = r[D_ICMP_TYPE];
      this.icmpCode = r[D_ICMP_CODE];
      this.icmpRest = r[D_ICMP_REST];
      this.quotedFragment = r[D_Q_FRAG];
      this.quotedProtocol = r[D_Q_PROTOCOL];
      this.quotedSrc = r[D_Q_SRC];
      this.quotedDst = r[D_Q_DST];
      this.quotedTotalLength = r[D_Q_TOTAL_LENGTH];
      this.quotedWord0 = r[D_Q_WORD0];
      this.quotedWord1 = r[D_Q_WORD1];
    }
  }
}
