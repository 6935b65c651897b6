// One call per packet: IPv4 + TCP parse, validation in RFC order, both checksums, options. Every read is
// bounded by `len`; the result goes to the record (layout.ts), never to an allocation.
import { onesSumSwappedInline } from "./checksum";
import { setSlot, slotPtr } from "./linear-memory";
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
 * validated with its checksum over `pseudo`, the pseudo-header's sum (IPv4's or IPv6's) in the byte-swapped
 * domain (checksum.ts `swapped`); writes the TCP slots but the ones packed with IP fields (P_CHECKSUMS, P_MISC).
 * Returns OK or the rejecting code.
 */
@inline export function tcpAt(t: usize, tcpLen: usize, headerLength: usize, pseudo: u32): i32 {
  if (tcpLen < 20) return E_TRUNCATED_TCP_HEADER;
  const doff = <usize>((<u32>load<u8>(t, 12) >> 4) << 2);
  if (doff < 20 || doff > tcpLen) return E_BAD_DATA_OFFSET;
  if (onesSumSwappedInline(t, tcpLen, pseudo) != 0xffff) return E_BAD_TCP_CHECKSUM;

  const payload = (<u32>(tcpLen - doff) << 16) | <u32>(headerLength + doff);
  setSlot(P_SACK_COUNT, 0);
  if (doff == 32 && load<u32>(t, 20) == NOP_NOP_TIMESTAMPS) {
    // P_TSVAL, P_TSECR, P_PAYLOAD, P_OPTIONS in one store: TSval and TSecr swapped out of header bytes 24..31.
    const tail = v128.load(t, 16);
    let words = i8x16.shuffle(tail, tail, 11, 10, 9, 8, 15, 14, 13, 12, 0, 0, 0, 0, 0, 0, 0, 0);
    words = i32x4.replace_lane(words, 2, payload);
    v128.store(slotPtr(P_TSVAL), i32x4.replace_lane(words, 3, OPT_TIMESTAMPS));
  } else {
    if (doff == 20) {
      setSlot(P_OPTIONS, 0);
    } else {
      const code = parseOptions(t + 20, t + doff);
      if (code != OK) return code;
    }
    setSlot(P_PAYLOAD, payload);
  }
  // P_PORTS, P_SEQ, P_ACK, P_SEGMENT: the first 16 header bytes byte-swapped into their slots by one shuffle
  // (a constant pshufb) and one store, in place of scalar loads, swaps, shifts and stores (with the other
  // shuffles here, 35 -> 29 ns for a 64-byte packet's parse on Node 20).
  const head = v128.load(t);
  v128.store(slotPtr(P_PORTS), i8x16.shuffle(head, head, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 13, 12, 15, 14));
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
  // The header verifies when its one's complement sum is 0xffff (RFC 1071 §3), that is when the plain sum is a
  // nonzero multiple of 0xffff (2^16 = 1 modulo 0xffff, so a fold keeps the residue); never zero, as the
  // version byte is not. V8 turns the remainder by a constant into a multiply, shorter than the fold.
  if (ipSum % 0xffff != 0) return fail(E_BAD_IP_CHECKSUM);
  const frag = be16(ptr + 6);
  if ((frag & 0x3fff) != 0) return fail(E_FRAGMENT); // MF or a fragment offset
  const protocol = <u32>load<u8>(ptr, 9);
  if (protocol != 6) return fail(E_NOT_TCP);
  const tcpLen = total - ihl;
  const t = ptr + ihl;
  const srcLE = load<u32>(ptr, 12);
  const dstLE = load<u32>(ptr, 16);
  // The pseudo-header's six 16-bit words (RFC 9293 §3.1) as tcpAt takes them, byte-swapped: the addresses
  // as read, protocol 6 and the length swapped. No fold: their sum fits 19 bits.
  const pseudo =
    (srcLE >> 16) + (srcLE & 0xffff) + (dstLE >> 16) + (dstLE & 0xffff) + 0x600 +
    (((<u32>tcpLen & 0xff) << 8) | (<u32>tcpLen >> 8));
  const code = tcpAt(t, tcpLen, ihl, pseudo);
  if (code != OK) return fail(code);
  // P_SRC, P_DST: the addresses byte-swapped by a shuffle of IP bytes 4..19 and stored as one 64-bit lane
  // (two scalar swaps cost five instructions each in V8's code, which does not emit bswap).
  const addresses = v128.load(ptr, 4);
  v128.store64_lane(
    slotPtr(P_SRC),
    i8x16.shuffle(addresses, addresses, 11, 10, 9, 8, 15, 14, 13, 12, 0, 0, 0, 0, 0, 0, 0, 0),
    0,
  );
  // P_IP_FIELDS, P_IP_LENGTH, P_CHECKSUMS, P_MISC in one shuffle of IP bytes 0..15 and TCP bytes 4..19 (lanes
  // 16..31; both loads lie within the 40 bytes checked above), the IHL nibble masked out of the version byte.
  const fields = i8x16.shuffle(
    v128.load(ptr),
    v128.load(t, 4),
    5, 4, 1, 8, // identification, TOS, TTL
    3, 2, 7, 6, // total length, flags and fragment offset
    29, 28, 11, 10, // TCP checksum, IPv4 checksum
    0, 9, 31, 30, // version and IHL, protocol, urgent pointer
  );
  v128.store(slotPtr(P_IP_FIELDS), v128.and(fields, i32x4(-1, -1, -1, <i32>0xffffff0f)));
  setSlot(R_STATUS, OK);
  return OK;
}
