import type { CaptureSink } from "./sink.js";
import { nanosHiLo, splitTime } from "./timestamp.js";
import { linkTypeCode, type LinkType } from "./pcap-writer.js";
import type { BlockAllocator } from "./block-allocator.js";
import {
  BaseWriter,
  originalLength,
  type CaptureWriter,
  type Direction,
  type PacketRecord,
  type WriterOptions,
} from "./writer.js";

const SHB_TYPE = 0x0a0d0d0a;
const IDB_TYPE = 0x00000001;
const EPB_TYPE = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_MACADDR = 6;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;

/**
 * epb_flags values (a little-endian 32-bit word) whose bits 0-1 give the direction: 01 inbound, 10 outbound
 * (draft-ietf-opsawg-pcapng, "Enhanced Packet Block Flags Word"). Shared constants: no allocation per packet.
 */
const DIRECTION_FLAGS: Record<Direction, Uint8Array> = {
  inbound: Uint8Array.of(0b01, 0, 0, 0),
  outbound: Uint8Array.of(0b10, 0, 0, 0),
};

/** An option value can hold at most 65535 bytes (its length field is 16 bits). */
const MAX_OPTION_LENGTH = 0xffff;

const encoder = new TextEncoder();

interface Option {
  code: number;
  value: Uint8Array;
}

/** What an interface description block says of an interface besides its name. */
export interface InterfaceDescription {
  /** What its packets are (default "raw": IPv4 packets; "ethernet": frames). */
  linkType?: LinkType;
  /** if_MACaddr: the interface's MAC address, as a 48-bit number (wire/mac-address.ts). */
  mac?: number;
}

/** Options of `PcapngWriter`: the common ones, interface 0's description and the section's metadata. */
export interface PcapngWriterOptions extends WriterOptions, InterfaceDescription {
  /** if_name of interface 0 (default "wirestate0"); `linkType` and `mac` describe it too. */
  interfaceName?: string;
  /** shb_userappl: the application that wrote the file (default "wirestate"). */
  application?: string;
}

/**
 * pcapng, little-endian, one section of unknown length (so it streams), interfaces with LINKTYPE_RAW (or
 * LINKTYPE_ETHERNET, with the interface's MAC address in if_MACaddr) and
 * if_tsresol = 9 (timestamps in nanoseconds), enhanced packet blocks carrying the direction in epb_flags
 * and each comment as its own opt_comment. The section header and interface 0 are written at
 * construction, so even an empty capture is a valid file.
 */
export class PcapngWriter extends BaseWriter implements CaptureWriter {
  readonly supportsComments = true;
  readonly mediaType = "application/x-pcapng";
  #interfaces = 0;

  constructor(sink: CaptureSink, options: PcapngWriterOptions = {}) {
    super(sink, options);
    const at = allocBlock(this.blocks, SHB_TYPE, 16, [
      { code: SHB_USERAPPL, value: encoder.encode(options.application ?? "wirestate") },
    ]);
    const view = this.blocks.view;
    view.setUint32(at + 8, BYTE_ORDER_MAGIC, true);
    view.setUint16(at + 12, 1, true); // version 1.0
    view.setUint16(at + 14, 0, true);
    view.setInt32(at + 16, -1, true); // section length: unknown (-1), since we stream
    view.setInt32(at + 20, -1, true);
    this.sink.write(blockAt(this.blocks, at));
    this.addInterface(options.interfaceName ?? "wirestate0", options);
  }

  /**
   * Describe another interface (e.g. the other link of a router, each Ethernet interface of a stack);
   * returns the id for `PacketRecord.interfaceId`.
   */
  addInterface(name: string, description: InterfaceDescription = {}): number {
    this.ensureOpen();
    const options: Option[] = [{ code: IF_NAME, value: utf8Option(name) }];
    if (description.mac !== undefined) options.push({ code: IF_MACADDR, value: macBytes(description.mac) });
    options.push({ code: IF_TSRESOL, value: Uint8Array.of(9) });
    const at = allocBlock(this.blocks, IDB_TYPE, 8, options);
    const view = this.blocks.view;
    view.setUint16(at + 8, linkTypeCode(description.linkType), true);
    view.setUint32(at + 12, this.snaplen, true);
    this.sink.write(blockAt(this.blocks, at));
    return this.#interfaces++;
  }

  writePacket(packet: PacketRecord): boolean {
    const stored = this.admit(packet);
    const interfaceId = packet.interfaceId ?? 0;
    if (!Number.isInteger(interfaceId) || interfaceId < 0 || interfaceId >= this.#interfaces) {
      throw new RangeError(`no interface ${interfaceId} in this capture (it has ${this.#interfaces})`);
    }
    const { hi, lo } = nanosHiLo(splitTime(packet.timestampMs));
    const options: Option[] = [];
    for (const comment of packet.comments ?? []) options.push({ code: OPT_COMMENT, value: utf8Option(comment) });
    if (packet.direction !== undefined) options.push({ code: EPB_FLAGS, value: DIRECTION_FLAGS[packet.direction] });
    const at = allocBlock(this.blocks, EPB_TYPE, 20 + pad4(stored), options);
    const view = this.blocks.view;
    view.setUint32(at + 8, interfaceId, true);
    view.setUint32(at + 12, hi, true);
    view.setUint32(at + 16, lo, true);
    view.setUint32(at + 20, stored, true);
    view.setUint32(at + 24, originalLength(packet), true);
    this.blocks.bytes.set(packet.data.subarray(0, stored), at + 28);
    return this.emit(blockAt(this.blocks, at));
  }
}

/** A 48-bit MAC address as its 6 bytes, most significant first. */
function macBytes(mac: number): Uint8Array {
  if (!(Number.isInteger(mac) && mac >= 0 && mac < 2 ** 48)) throw new RangeError(`not a MAC address: ${mac}`);
  const bytes = new Uint8Array(6);
  for (let i = 5, m = mac; i >= 0; i--, m = Math.floor(m / 256)) bytes[i] = m % 256;
  return bytes;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * A UTF-8 option value. Text longer than an option can hold is cut at a character boundary rather than
 * refused: a comment is for a human reader, and losing its tail is better than losing the packet.
 */
function utf8Option(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length <= MAX_OPTION_LENGTH) return bytes;
  let end = MAX_OPTION_LENGTH;
  while ((bytes[end] & 0xc0) === 0x80) end--; // back up to the first byte of a character
  return bytes.subarray(0, end);
}

/**
 * Reserve a block in `blocks` and fill in its type, both total lengths and its options (ending in
 * opt_endofopt); the caller writes its fixed body (32-bit aligned, `bodyLength` bytes) from offset 8.
 * Returns the block's offset in `blocks.bytes`.
 */
function allocBlock(blocks: BlockAllocator, type: number, bodyLength: number, options: readonly Option[]): number {
  let optionsLength = 0;
  for (const option of options) optionsLength += 4 + pad4(option.value.length);
  if (options.length > 0) optionsLength += 4; // opt_endofopt
  const total = 12 + bodyLength + optionsLength;
  const start = blocks.alloc(total);
  const { bytes, view } = blocks;
  view.setUint32(start, type, true);
  view.setUint32(start + 4, total, true);
  let at = start + 8 + bodyLength;
  for (const option of options) {
    view.setUint16(at, option.code, true);
    view.setUint16(at + 2, option.value.length, true);
    bytes.set(option.value, at + 4);
    at += 4 + pad4(option.value.length);
  }
  // opt_endofopt is code 0, length 0: the slab's fresh zeroed bytes already hold it, and the padding.
  if (options.length > 0) at += 4;
  view.setUint32(at, total, true);
  return start;
}

/** The block at `at` as its own view, ready to hand to the sink. */
function blockAt(blocks: BlockAllocator, at: number): Uint8Array {
  return blocks.bytes.subarray(at, at + blocks.view.getUint32(at + 4, true));
}
