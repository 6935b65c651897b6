import { internetChecksum } from "../wire/checksum.js";

/**
 * Finishes the IPv4 header at the start of `packet` (`headerLength` bytes) after its data changed, as
 * fragmenting and reassembling do: the total length is the packet's, the flags-and-offset word is
 * `fragmentField`, and the header checksum is computed again.
 */
export function sealHeader(packet: Uint8Array, headerLength: number, fragmentField: number): void {
  packet[2] = packet.length >> 8;
  packet[3] = packet.length & 0xff;
  packet[6] = fragmentField >> 8;
  packet[7] = fragmentField & 0xff;
  packet[10] = 0;
  packet[11] = 0;
  const sum = internetChecksum(packet.subarray(0, headerLength));
  packet[10] = sum >> 8;
  packet[11] = sum & 0xff;
}
