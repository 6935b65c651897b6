// The wire core's WebAssembly exports. src/wire/wasm.ts is the only consumer.
export { onesSum, pseudoHeaderSum, checksumUpdate } from "./checksum";
export { parsePacket } from "./parse";
export { buildPacket, optionsLength } from "./build";
// Every layout constant, as an immutable global: scripts/generate-layout.mjs reads them to write the TS side
// (src/wire/layout.generated.ts), and test/wire/layout.test.ts checks the two still agree.
export * from "./layout";
import { recordBase, scratchBase, freeBase } from "./linear-memory";

export function recordPtr(): usize {
  return recordBase();
}
export function scratchPtr(): usize {
  return scratchBase();
}
export function freePtr(): usize {
  return freeBase();
}
export { parseDatagram, parseTransport } from "./datagram";
export { buildIpv4Header } from "./ipv4";
export { buildUdp } from "./udp";
export { buildIcmp } from "./icmp";
export { parseEthernet, buildEthernet } from "./ethernet";
export { parseArp, buildArp } from "./arp";
export { parseIpv6, buildTcp6, buildUdp6, buildFragment6 } from "./ipv6-packet";
export { buildIcmp6 } from "./icmpv6";
