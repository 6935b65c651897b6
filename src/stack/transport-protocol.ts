import type { DatagramRecord } from "../wire/datagram-record.js";
import type { ParsedRecord } from "../wire/record.js";

/**
 * A protocol above IPv4 that takes the TCP parser's record (TCP), as the stack dispatches to it: one
 * instance per stack, chosen by the IPv4 protocol field. Adding one is a line in `IpStack`'s table.
 */
export interface TransportProtocol {
  /** The IPv4 protocol number it takes (IANA "Assigned Internet Protocol Numbers": TCP 6). */
  readonly protocol: number;
  /** One packet for our address, parsed and checked; `packet` holds its bytes. Neither is kept. */
  arrives(r: ParsedRecord, packet: Uint8Array): void;
  /** The stack closes: end everything (a protocol may still send through the stack during this call). */
  close(): void;
}

/**
 * A protocol the datagram parser serves (UDP, ICMP): the IPv4 packet parsed with its transport header,
 * chosen by the protocol the parser recognised (`DatagramRecord.transport`).
 */
export interface DatagramProtocol {
  readonly protocol: number;
  /**
   * One packet for our address, or for the broadcast address (`broadcast`), checksums verified; the
   * record's offsets are from the start of `packet`, an IPv4 packet. Neither is kept.
   */
  arrives(r: DatagramRecord, packet: Uint8Array, broadcast: boolean): void;
  close(): void;
}
