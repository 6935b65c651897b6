/**
 * A pure-TS reference implementation of the wire core, used only by tests (differential testing against
 * the WASM module). Written independently of src/wire/*.ts: byte loops and DataView, no shared code.
 */
export { refOnesComplementSum, refInternetChecksum, refPseudoHeaderSum, refChecksumUpdate } from "./checksum.js";
export { refSeqLt, refSeqLe, refSeqGt, refSeqGe, refSeqAdd, refSeqDiff, refSeqInWindow } from "./seq.js";
export { refParsePacket } from "./parse.js";
export { refBuildPacket } from "./build.js";
export { refParseDatagram, refBuildUdpPacket, refBuildIcmpPacket } from "./datagram.js";
export { refParseEthernet, refParseArp } from "./ethernet.js";
export { refParseIpv6, type RefIpv6 } from "./ipv6.js";
