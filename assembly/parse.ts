// One call per packet: IPv4 + TCP parse, validation in RFC order, both checksums, options. Every read is
// bounded by `len`; the result goes to the record (layout.ts), never to an allocation.
import { fold, onesSumInline } from "./checksum";
import { setSlot } from "./linear-memory";
import {
  OK, E_TRUNCATED_IP_HEADER, E_BAD_IP_VERSION, E_BAD_IHL, E_BAD_TOTAL_LENGTH, E_BAD_IP_CHECKSUM,
  E_FRAGMENT, E_NOT_TCP, E_TRUNCATED_TCP_HEADER, E_BAD_DATA_OFFSET, E_BAD_TCP_CHECKSUM, E_BAD_OPTION_LENGTH,
  E_BAD_OPTION_VALUE, R_STATUS, P_SRC, P_DST, P_SEQ, P_ACK, P_TSVAL, P_TSECR, P_PORTS, P_SEGMENT, P_PAYLOAD,
  P_OPTIONS, P_SACK_COUNT, P_SACK, P_IP_FIELDS, P_IP_LENGTH, P_CHECKSUMS, P_MISC, OPT_MSS, OPT_WINDOW_SCALE,
  OPT_SACK_PERMITTED, OPT_TIMESTAMPS, OPT_SACK,
} from "./layout";

@inline function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

@inline function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

@inline function fail(code: i32): i32 {
  setSlot(R_STATUS, code);
  return code;
}

/** Walks the option bytes [p, end); returns OK or the rejecting code. Writes P_OPTIONS and the options' slots. */
function parseOptions(p: usize, end: usize): i32 {
  let mask: u32 = 0;
  let mss: u32 = 0;
  let wscale: u32 = 0;
  while (p < end) {
    const kind = load<u8>(p);
    if (kind == 0) break; // EOL: the rest is padding
    if (kind == 1) {
      p++;
      continue;
    }
    if (end - p < 2) return E_BAD_OPTION_LENGTH;
    const olen = <usize>load<u8>(p, 1);
    if (olen < 2 || olen > end - p) return E_BAD_OPTION_LENGTH;
    switch (kind) {
      case 2: // MSS (RFC 9293 §3.2)
        if (olen != 4) return E_BAD_OPTION_VALUE;
        mask |= OPT_MSS;
        mss = be16(p + 2);
        break;
      case 3: // window scale (RFC 7323 §2.2)
        if (olen != 3) return E_BAD_OPTION_VALUE;
        mask |= OPT_WINDOW_SCALE;
        wscale = <u32>load<u8>(p, 2);
        break;
      case 4: // SACK-permitted (RFC 2018 §2)
        if (olen != 2) return E_BAD_OPTION_VALUE;
        mask |= OPT_SACK_PERMITTED;
        break;
      case 5: {
        // SACK blocks (RFC 2018 §3): 2 + 8n bytes, n in 1..4
        const body = olen - 2;
        if (body == 0 || body > 32 || (body & 7) != 0) return E_BAD_OPTION_VALUE;
        const n = <i32>(body >> 3);
        mask |= OPT_SACK;
        setSlot(P_SACK_COUNT, n);
        for (let i = 0; i < n; i++) {
          setSlot(P_SACK + 2 * i, be32(p + 2 + 8 * i));
          setSlot(P_SACK + 2 * i + 1, be32(p + 6 + 8 * i));
        }
        break;
      }
      case 8: // timestamps (RFC 7323 §3.2)
        if (olen != 10) return E_BAD_OPTION_VALUE;
        mask |= OPT_TIMESTAMPS;
        setSlot(P_TSVAL, be32(p + 2));
        setSlot(P_TSECR, be32(p + 6));
        break;
      default: // unknown: skipped by its length
        break;
    }
    p += olen;
  }
  setSlot(P_OPTIONS, (mss << 16) | (wscale << 8) | mask);
  return OK;
}

/** NOP, NOP, timestamps (kind 8, length 10) as a little-endian word: the options of almost every segment. */
const NOP_NOP_TIMESTAMPS: u32 = 0x0a080101;

/**
 * The TCP header and payload, `tcpLen` bytes at `t` that start `headerLength` bytes into the packet,
 * validated with its checksum over `pseudo` (the pseudo-header's sum, IPv4's or IPv6's); writes the TCP
 * slots but the ones packed with IP fields (P_CHECKSUMS, P_MISC). Returns OK or the rejecting code.
 */
@inline export function tcpAt(t: usize, tcpLen: usize, headerLength: usize, pseudo: u32): i32 {
  if (tcpLen < 20) return E_TRUNCATED_TCP_HEADER;
  const doff = <usize>((<u32>load<u8>(t, 12) >> 4) << 2);
  if (doff < 20 || doff > tcpLen) return E_BAD_DATA_OFFSET;
  if (onesSumInline(t, tcpLen, pseudo) != 0xffff) return E_BAD_TCP_CHECKSUM;

  setSlot(P_SACK_COUNT, 0);
  if (doff == 32 && load<u32>(t, 20) == NOP_NOP_TIMESTAMPS) {
    setSlot(P_OPTIONS, OPT_TIMESTAMPS);
    setSlot(P_TSVAL, be32(t + 24));
    setSlot(P_TSECR, be32(t + 28));
  } else if (doff == 20) {
    setSlot(P_OPTIONS, 0);
  } else {
    const code = parseOptions(t + 20, t + doff);
    if (code != OK) return code;
  }
  setSlot(P_SEQ, be32(t + 4));
  setSlot(P_ACK, be32(t + 8));
  setSlot(P_PORTS, be32(t));
  setSlot(P_SEGMENT, (be16(t + 14) << 16) | (<u32>(doff >> 2) << 8) | <u32>load<u8>(t, 13));
  setSlot(P_PAYLOAD, (<u32>(tcpLen - doff) << 16) | <u32>(headerLength + doff));
  return OK;
}

/**
 * Parses and validates the IPv4+TCP packet of `len` bytes at `ptr`; returns the status written to slot 0.
 * The payload is read once (the TCP checksum); the headers are read where their fields are, and the IPv4
 * header's sum is taken from its words here rather than by a second call into the vector loop.
 */
export function parsePacket(ptr: usize, len: usize): i32 {
  if (len < 20) return fail(E_TRUNCATED_IP_HEADER);
  const vihl = <u32>load<u8>(ptr);
  if (vihl >> 4 != 4) return fail(E_BAD_IP_VERSION);
  const ihl = <usize>((vihl & 15) << 2);
  if (ihl < 20 || ihl > len) return fail(E_BAD_IHL);
  const total = <usize>be16(ptr + 2);
  if (total < ihl || total > len) return fail(E_BAD_TOTAL_LENGTH);
  // 5 to 15 little-endian words; one's complement sums do not care for byte order (RFC 1071 §2(B)). The
  // five words of a header without options are summed unrolled: almost every packet has none.
  let ipSum: u64 =
    <u64>load<u32>(ptr) + <u64>load<u32>(ptr, 4) + <u64>load<u32>(ptr, 8) + <u64>load<u32>(ptr, 12) + <u64>load<u32>(ptr, 16);
  for (let i: usize = 20; i < ihl; i += 4) ipSum += <u64>load<u32>(ptr + i);
  if (fold(ipSum) != 0xffff) return fail(E_BAD_IP_CHECKSUM);
  const frag = be16(ptr + 6);
  if ((frag & 0x3fff) != 0) return fail(E_FRAGMENT); // MF or a fragment offset
  const protocol = <u32>load<u8>(ptr, 9);
  if (protocol != 6) return fail(E_NOT_TCP);
  const tcpLen = total - ihl;
  const t = ptr + ihl;
  const src = be32(ptr + 12);
  const dst = be32(ptr + 16);
  // The pseudo-header's six 16-bit words (RFC 9293 §3.1) need no fold: their sum fits 19 bits, and onesSum
  // takes any 32-bit initial value.
  const pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + <u32>tcpLen;
  const code = tcpAt(t, tcpLen, ihl, pseudo);
  if (code != OK) return fail(code);
  setSlot(P_SRC, src);
  setSlot(P_DST, dst);
  setSlot(P_IP_FIELDS, (<u32>load<u8>(ptr, 8) << 24) | (<u32>load<u8>(ptr, 1) << 16) | be16(ptr + 4));
  setSlot(P_IP_LENGTH, (frag << 16) | <u32>total);
  setSlot(P_CHECKSUMS, (be16(ptr + 10) << 16) | be16(t + 16));
  setSlot(P_MISC, (be16(t + 18) << 16) | (protocol << 8) | <u32>(ihl >> 2));
  setSlot(R_STATUS, OK);
  return OK;
}
