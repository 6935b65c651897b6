// Ethernet II framing (IEEE 802.3 clause 3.2.6 with an EtherType): one call parses the 14-byte header
// into the record's L_ slots, one writes it from them. The payload is never touched, so callers copy
// only the header bytes into linear memory.
import { be16, be32, put16, put32 } from "./byte-order";
import { setSlot, getSlot } from "./linear-memory";
import {
  OK, ETHERNET_HEADER, L_DST_HI, L_DST_LO, L_SRC_HI, L_SRC_LO, L_ETHERTYPE, L_VLAN_TCI, R_STATUS,
  LINK_E_TRUNCATED_FRAME, LINK_E_NOT_ETHERNET_II, LINK_E_VLAN_TAGGED, LINK_E_MULTICAST_SOURCE,
} from "./layout";

/** Records a rejection: `code` to the status slot, and returned. */
@inline export function fail(code: i32): i32 {
  setSlot(R_STATUS, code);
  return code;
}

/** Parses the Ethernet II header of the `len` bytes at `ptr`; returns the status written to slot 0. */
export function parseEthernet(ptr: usize, len: usize): i32 {
  if (len < <usize>ETHERNET_HEADER) return fail(LINK_E_TRUNCATED_FRAME);
  setSlot(L_DST_HI, be16(ptr));
  setSlot(L_DST_LO, be32(ptr + 2));
  setSlot(L_SRC_HI, be16(ptr + 6));
  setSlot(L_SRC_LO, be32(ptr + 8));
  const type = be16(ptr + 12);
  setSlot(L_ETHERTYPE, type);
  if (type < 0x0600) return fail(LINK_E_NOT_ETHERNET_II);
  if (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
    // The tag is parsed so the drop can say which VLAN the frame was for.
    setSlot(L_VLAN_TCI, len >= 16 ? be16(ptr + 14) : 0);
    return fail(LINK_E_VLAN_TAGGED);
  }
  if ((load<u8>(ptr, 6) & 1) != 0) return fail(LINK_E_MULTICAST_SOURCE);
  setSlot(R_STATUS, OK);
  return OK;
}

/** Writes the 14-byte header at `ptr` from the L_DST, L_SRC and L_ETHERTYPE slots. */
export function buildEthernet(ptr: usize): void {
  put16(ptr, getSlot(L_DST_HI));
  put32(ptr + 2, getSlot(L_DST_LO));
  put16(ptr + 6, getSlot(L_SRC_HI));
  put32(ptr + 8, getSlot(L_SRC_LO));
  put16(ptr + 12, getSlot(L_ETHERTYPE));
}
