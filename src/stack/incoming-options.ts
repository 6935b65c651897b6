import { OptionBits } from "../wire/layout.generated.js";
import type { ParsedRecord } from "../wire/record.js";
import type { SackBlock, TcpOptions } from "../wire/types.js";

/**
 * The timestamps and SACK blocks of a segment past the handshake, as the engine reads them, rewritten in
 * place for each segment (no allocation on the bulk path). The engine must not keep the record or its
 * parts beyond the segment.
 */
export class IncomingOptions {
  readonly options: TcpOptions = {};
  readonly #timestamps = { tsval: 0, tsecr: 0 };
  readonly #pool: SackBlock[] = [0, 1, 2, 3].map(() => ({ left: 0, right: 0 }));
  readonly #blocks: SackBlock[] = [];

  read(r: ParsedRecord): TcpOptions {
    const o = this.options;
    if (r.options & OptionBits.TIMESTAMPS) {
      this.#timestamps.tsval = r.tsval;
      this.#timestamps.tsecr = r.tsecr;
      o.timestamps = this.#timestamps;
    } else {
      o.timestamps = undefined;
    }
    if (r.options & OptionBits.SACK) {
      const blocks = this.#blocks;
      blocks.length = r.sackCount;
      for (let i = 0; i < r.sackCount; i++) {
        const b = this.#pool[i];
        b.left = r.sack[2 * i];
        b.right = r.sack[2 * i + 1];
        blocks[i] = b;
      }
      o.sackBlocks = blocks;
    } else {
      o.sackBlocks = undefined;
    }
    return o;
  }
}
