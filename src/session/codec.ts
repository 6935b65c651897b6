import { ByteReader, ByteWriter } from "./bytes.js";
import { DecodeError, EncodeError } from "./errors.js";

/**
 * How values of type T cross the wire. `name` describes the encoding's structure: it goes into the
 * protocol fingerprint (two peers agree only if their codec names agree) and into error messages.
 * `write` must be self-delimiting so codecs compose; `read` throws DecodeError (or any error, which the
 * session reports as a DecodeError) on bytes it rejects.
 */
export interface Codec<T> {
  readonly name: string;
  /** Encode `value` into `out`. */
  write(out: ByteWriter, value: T): void;
  /** Decode one value; throws `DecodeError` on bad input. */
  read(input: ByteReader): T;
}

/** The value type a codec carries. */
export type CodecValue<C> = C extends Codec<infer T> ? T : never;

/** Encodes one value as a standalone payload. */
export function encode<T>(codec: Codec<T>, value: T): Uint8Array {
  const w = new ByteWriter();
  codec.write(w, value);
  return w.bytes().slice();
}

/** Decodes a standalone payload; bytes left over mean the peer used another encoding. */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new ByteReader(bytes);
  let value: T;
  try {
    value = codec.read(r);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`${codec.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (r.remaining !== 0) {
    throw new DecodeError(`${codec.name}: ${r.remaining} trailing bytes after the value`);
  }
  return value;
}

function integer(
  name: string,
  min: number,
  max: number,
  put: (w: ByteWriter, x: number) => void,
  get: (r: ByteReader) => number,
): Codec<number> {
  return {
    name,
    write(w, x) {
      if (!Number.isInteger(x) || x < min || x > max)
        throw new EncodeError(`${name}: ${String(x)} is not an integer in [${min}, ${max}]`);
      put(w, x);
    },
    read: get,
  };
}

/** Codec for 0..255. */
export const u8: Codec<number> = integer(
  "u8",
  0,
  0xff,
  (w, x) => w.u8(x),
  (r) => r.u8(),
);
/** Codec for 0..65535. */
export const u16: Codec<number> = integer(
  "u16",
  0,
  0xffff,
  (w, x) => w.u16(x),
  (r) => r.u16(),
);
/** Codec for 0..2^32-1. */
export const u32: Codec<number> = integer(
  "u32",
  0,
  0xffffffff,
  (w, x) => w.u32(x),
  (r) => r.u32(),
);
/** Codec for -2^31..2^31-1. */
export const i32: Codec<number> = integer(
  "i32",
  -0x80000000,
  0x7fffffff,
  (w, x) => w.i32(x),
  (r) => r.i32(),
);

/** Codec for a bigint 0..2^64-1. */
export const u64: Codec<bigint> = {
  name: "u64",
  write(w, x) {
    if (typeof x !== "bigint" || x < 0n || x > 0xffffffffffffffffn)
      throw new EncodeError(`u64: ${String(x)} is not a bigint in [0, 2^64)`);
    w.u64(x);
  },
  read: (r) => r.u64(),
};

/** Codec for any number (IEEE 754 double). */
export const f64: Codec<number> = {
  name: "f64",
  write(w, x) {
    if (typeof x !== "number") throw new EncodeError(`f64: ${String(x)} is not a number`);
    w.f64(x);
  },
  read: (r) => r.f64(),
};

/** Codec for true or false, one byte. */
export const bool: Codec<boolean> = {
  name: "bool",
  write(w, x) {
    if (typeof x !== "boolean") throw new EncodeError(`bool: ${String(x)} is not a boolean`);
    w.u8(x ? 1 : 0);
  },
  read(r) {
    const b = r.u8();
    if (b > 1) throw new DecodeError(`bool: byte ${b} is neither 0 nor 1`);
    return b === 1;
  },
};

/** Codec for a byte string, length-prefixed. */
export const bytes: Codec<Uint8Array> = {
  name: "bytes",
  write(w, x) {
    if (!(x instanceof Uint8Array)) throw new EncodeError("bytes: value is not a Uint8Array");
    w.u32(x.length);
    w.raw(x);
  },
  read: (r) => r.raw(r.u32()),
};

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Codec for a string as length-prefixed UTF-8 (bad UTF-8 is a DecodeError). */
export const utf8: Codec<string> = {
  name: "utf8",
  write(w, x) {
    if (typeof x !== "string") throw new EncodeError(`utf8: ${String(x)} is not a string`);
    const b = utf8Encoder.encode(x);
    w.u32(b.length);
    w.raw(b);
  },
  read(r) {
    const b = r.raw(r.u32());
    try {
      return utf8Decoder.decode(b);
    } catch {
      throw new DecodeError("utf8: invalid UTF-8");
    }
  },
};

/** Any JSON value, as UTF-8 text. The static type is `unknown`: check what arrives before trusting it. */
export const json: Codec<unknown> = {
  name: "json",
  write(w, x) {
    let text: string | undefined;
    try {
      text = JSON.stringify(x);
    } catch (e) {
      throw new EncodeError(`json: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (text === undefined) throw new EncodeError(`json: ${typeof x} has no JSON form`);
    utf8.write(w, text);
  },
  read(r) {
    const text = utf8.read(r);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new DecodeError("json: payload is not valid JSON");
    }
  },
};

type Fields = Record<string, Codec<any>>;

/**
 * An object with the given fields, written in the order the fields are listed. (The value type is spelled
 * out in the signature, not named, so editors and errors show `{ token: string; ... }`.)
 */
export function struct<F extends Fields>(fields: F): Codec<{ [K in keyof F]: CodecValue<F[K]> }> {
  type StructValue = { [K in keyof F]: CodecValue<F[K]> };
  const entries = Object.entries(fields);
  return {
    name: `struct{${entries.map(([k, c]) => `${JSON.stringify(k)}:${c.name}`).join(",")}}`,
    write(w, x) {
      if (typeof x !== "object" || x === null) throw new EncodeError("struct: value is not an object");
      for (const [k, c] of entries) c.write(w, (x as Record<string, unknown>)[k]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [k, c] of entries) out[k] = c.read(r);
      return out as StructValue;
    },
  };
}

/** A fixed-length array whose positions have their own codecs. */
export function tuple<const C extends readonly Codec<any>[]>(
  codecs: C,
): Codec<{ -readonly [K in keyof C]: CodecValue<C[K]> }> {
  type TupleValue = { -readonly [K in keyof C]: CodecValue<C[K]> };
  return {
    name: `tuple[${codecs.map((c) => c.name).join(",")}]`,
    write(w, x) {
      if (!Array.isArray(x) || x.length !== codecs.length)
        throw new EncodeError(`tuple: value is not an array of ${codecs.length}`);
      codecs.forEach((c, i) => c.write(w, x[i]));
    },
    read: (r) => codecs.map((c) => c.read(r)) as TupleValue,
  };
}

/**
 * A list of values. A count above the bytes left in the payload is refused before anything is allocated,
 * so elements must encode to at least one byte each.
 */
export function array<T>(codec: Codec<T>): Codec<T[]> {
  return {
    name: `array<${codec.name}>`,
    write(w, x) {
      if (!Array.isArray(x)) throw new EncodeError("array: value is not an array");
      const start = w.length;
      w.u32(x.length);
      for (const item of x) codec.write(w, item);
      if (w.length - start - 4 < x.length)
        throw new EncodeError(`array: elements of ${codec.name} must encode to at least one byte`);
    },
    read(r) {
      const n = r.u32();
      if (n > r.remaining) throw new DecodeError(`array: count ${n} exceeds the ${r.remaining} bytes left`);
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(codec.read(r));
      return out;
    },
  };
}

/** A value or `undefined`, as a presence byte then the value. */
export function optional<T>(codec: Codec<T>): Codec<T | undefined> {
  return {
    name: `optional<${codec.name}>`,
    write(w, x) {
      w.u8(x === undefined ? 0 : 1);
      if (x !== undefined) codec.write(w, x);
    },
    read(r) {
      const present = r.u8();
      if (present > 1) throw new DecodeError(`optional: presence byte ${present} is neither 0 nor 1`);
      return present === 1 ? codec.read(r) : undefined;
    },
  };
}
