/**
 * How a link gives back the memory of a packet it drops. A packet built in the WASM packet arena
 * (wire/packet-arena.ts, the layer above) holds its slot until someone releases it; the arena registers
 * its release here when it loads, so links return slots without importing the WASM core, and a bundle of
 * links alone carries none. Without an arena every packet is memory of its own, with nothing to give back.
 */
let release: (packet: Uint8Array) => void = () => {};

/** A link dropped `packet`: give back the memory that holds it. */
export function releaseDropped(packet: Uint8Array): void {
  release(packet);
}

/** Set by the packet arena as it loads: how a dropped packet's slot goes back. */
export function onPacketRelease(releaseFn: (packet: Uint8Array) => void): void {
  release = releaseFn;
}
