// One call per packet: IPv4 + TCP parse, validation in RFC order, both checksums, options. Every read is
// bounded by `len`; the result goes to the record (layout.ts), never to an allocation.
import { onesSum, pseudoHeaderSum } from "./checksum";
import { setSlot } from "./linear-memory";
import {
  OK, E_TRUNCATED_IP_HEADER, E_BAD_IP_VERSION, E_BAD_IHL, E_BAD_TOTAL_LENGTH, E_BAD_IP_CHECKSUM,
  E_FRAGMENT, E_NOT_TCP, E_TRUNCATED_TCP_HEADER, E_BAD_DATA_OFFSET, E_BAD_TCP_CHECKSUM, E_BAD_OPTION_LENGTH,
  E_BAD_OPTION_VALUE, R_STATUS, R_IHL, R_TOS, R_TOTAL_LENGTH, R_ID, R_FRAG, R_TTL, R_PROTOCOL, R_IP_CHECKSUM,
  R_SRC, R_DST, R_SRC_PORT, R_DST_PORT, R_SEQ, R_ACK, R_DATA_OFFSET, R_FLAGS, R_WINDOW, R_TCP_CHECKSUM,
  R_URGENT, R_OPT_MASK, R_MSS, R_WSCALE, R_TSVAL, R_TSECR, R_SACK_COUNT, R_SACK, R_PAYLOAD_OFFSET,
  R_PAYLOAD_LENGTH, OPT_MSS, OPT_WINDOW_SCALE, OPT_SACK_PERMITTED, OPT_TIMESTAMPS, OPT_SACK,
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

/** Walks the option bytes [p, end); returns OK or the rejecting code. */
function parseOptions(p: usize, end: usize): i32 {
  let mask: u32 = 0;
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
        setSlot(R_MSS, be16(p + 2));
        break;
      case 3: // window scale (RFC 7323 §2.2)
        if (olen != 3) return E_BAD_OPTION_VALUE;
        mask |= OPT_WINDOW_SCALE;
        setSlot(R_WSCALE, load<u8>(p, 2));
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
        setSlot(R_SACK_COUNT, n);
        for (let i = 0; i < n; i++) {
          setSlot(R_SACK + 2 * i, be32(p + 2 + 8 * i));
          setSlot(R_SACK + 2 * i + 1, be32(p + 6 + 8 * i));
        }
        break;
      }
      case 8: // timestamps (RFC 7323 §3.2)
        if (olen != 10) return E_BAD_OPTION_VALUE;
        mask |= OPT_TIMESTAMPS;
        setSlot(R_TSVAL, be32(p + 2));
        setSlot(R_TSECR, be32(p + 6));
        break;
      default: // unknown: skipped by its length
        break;
    }
    p += olen;
  }
  setSlot(R_OPT_MASK, mask);
  return OK;
}

/** Parses and validates the IPv4+TCP packet of `len` bytes at `ptr`; returns the status written to slot 0. */
export function parsePacket(ptr: usize, len: usize): i32 {
  if (len < 20) return fail(E_TRUNCATED_IP_HEADER);
  const vihl = <u32>load<u8>(ptr);
  if (vihl >> 4 != 4) return fail(E_BAD_IP_VERSION);
  const ihl = <usize>((vihl & 15) << 2);
  if (ihl < 20 || ihl > len) return fail(E_BAD_IHL);
  const total = <usize>be16(ptr + 2);
  if (total < ihl || total > len) return fail(E_BAD_TOTAL_LENGTH);
  if (onesSum(ptr, ihl, 0) != 0xffff) return fail(E_BAD_IP_CHECKSUM);
  const frag = be16(ptr + 6);
  if ((frag & 0x3fff) != 0) return fail(E_FRAGMENT); // MF or a fragment offset
  const protocol = <u32>load<u8>(ptr, 9);
  if (protocol != 6) return fail(E_NOT_TCP);
  const tcpLen = total - ihl;
  if (tcpLen < 20) return fail(E_TRUNCATED_TCP_HEADER);
  const t = ptr + ihl;
  const doff = <usize>((<u32>load<u8>(t, 12) >> 4) << 2);
  if (doff < 20 || doff > tcpLen) return fail(E_BAD_DATA_OFFSET);
  const src = be32(ptr + 12);
  const dst = be32(ptr + 16);
  if (onesSum(t, tcpLen, pseudoHeaderSum(src, dst, 6, <u32>tcpLen)) != 0xffff) return fail(E_BAD_TCP_CHECKSUM);

  setSlot(R_OPT_MASK, 0);
  setSlot(R_SACK_COUNT, 0);
  if (doff > 20) {
    const code = parseOptions(t + 20, t + doff);
    if (code != OK) return fail(code);
  }
  setSlot(R_IHL, <u32>(ihl >> 2));
  setSlot(R_TOS, load<u8>(ptr, 1));
  setSlot(R_TOTAL_LENGTH, <u32>total);
  setSlot(R_ID, be16(ptr + 4));
  setSlot(R_FRAG, frag);
  setSlot(R_TTL, load<u8>(ptr, 8));
  setSlot(R_PROTOCOL, protocol);
  setSlot(R_IP_CHECKSUM, be16(ptr + 10));
  setSlot(R_SRC, src);
  setSlot(R_DST, dst);
  setSlot(R_SRC_PORT, be16(t));
  setSlot(R_DST_PORT, be16(t + 2));
  setSlot(R_SEQ, be32(t + 4));
  setSlot(R_ACK, be32(t + 8));
  setSlot(R_DATA_OFFSET, <u32>(doff >> 2));
  setSlot(R_FLAGS, load<u8>(t, 13));
  setSlot(R_WINDOW, be16(t + 14));
  setSlot(R_TCP_CHECKSUM, be16(t + 16));
  setSlot(R_URGENT, be16(t + 18));
  setSlot(R_PAYLOAD_OFFSET, <u32>(ihl + doff));
  setSlot(R_PAYLOAD_LENGTH, <u32>(tcpLen - doff));
  setSlot(R_STATUS, OK);
  return OK;
}
