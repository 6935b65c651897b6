// ARP for IPv4 over Ethernet (RFC 826): the 28-byte packet after an Ethernet header, parsed into and
// built from the record's A_ slots. Only the one format this host speaks is accepted; what to do with
// a request or reply is the neighbour cache's policy (src/neighbor/).
import { be16, be32, put16, put32 } from "./byte-order";
import { fail } from "./ethernet";
import { setSlot, getSlot } from "./linear-memory";
import {
  OK, ARP_LENGTH, A_OPERATION, A_SHA_HI, A_SHA_LO, A_SPA, A_THA_HI, A_THA_LO, A_TPA, R_STATUS,
  LINK_E_TRUNCATED_ARP, LINK_E_BAD_ARP_FORMAT, LINK_E_BAD_ARP_OPERATION,
} from "./layout";

/** Parses the ARP packet of `len` bytes at `ptr` (the Ethernet payload); returns the status in slot 0. */
export function parseArp(ptr: usize, len: usize): i32 {
  if (len < <usize>ARP_LENGTH) return fail(LINK_E_TRUNCATED_ARP);
  // htype 1 (Ethernet), ptype 0x0800 (IPv4), hlen 6, plen 4, as one word and one half-word.
  if (be32(ptr) != 0x00010800 || be16(ptr + 4) != 0x0604) return fail(LINK_E_BAD_ARP_FORMAT);
  const op = be16(ptr + 6);
  if (op != 1 && op != 2) return fail(LINK_E_BAD_ARP_OPERATION);
  setSlot(A_OPERATION, op);
  setSlot(A_SHA_HI, be16(ptr + 8));
  setSlot(A_SHA_LO, be32(ptr + 10));
  setSlot(A_SPA, be32(ptr + 14));
  setSlot(A_THA_HI, be16(ptr + 18));
  setSlot(A_THA_LO, be32(ptr + 20));
  setSlot(A_TPA, be32(ptr + 24));
  setSlot(R_STATUS, OK);
  return OK;
}

/** Writes the 28-byte ARP packet at `ptr` from the A_ slots. */
export function buildArp(ptr: usize): void {
  put32(ptr, 0x00010800);
  put16(ptr + 4, 0x0604);
  put16(ptr + 6, getSlot(A_OPERATION));
  put16(ptr + 8, getSlot(A_SHA_HI));
  put32(ptr + 10, getSlot(A_SHA_LO));
  put32(ptr + 14, getSlot(A_SPA));
  put16(ptr + 18, getSlot(A_THA_HI));
  put32(ptr + 20, getSlot(A_THA_LO));
  put32(ptr + 24, getSlot(A_TPA));
}
