import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  array,
  bool,
  bytes,
  type Codec,
  decode,
  DecodeError,
  dual,
  encode,
  EncodeError,
  end,
  f64,
  i32,
  json,
  optional,
  recv,
  send,
  session,
  struct,
  tuple,
  u8,
  u16,
  u32,
  u64,
  utf8,
} from "../../src/session/index.js";
import { byteStreamPair } from "./pairs.js";

const roundTrip = <T>(c: Codec<T>, x: T) => decode(c, encode(c, x));

describe("codecs", () => {
  it("round-trip every value in their domain", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.double(),
        fc.string({ unit: "grapheme" }),
        fc.uint8Array(),
        (a, b, c, d, e, f, s, by) => {
          expect(roundTrip(u8, a)).toBe(a);
          expect(roundTrip(u16, b)).toBe(b);
          expect(roundTrip(u32, c)).toBe(c);
          expect(roundTrip(u64, d)).toBe(d);
          expect(roundTrip(i32, e)).toBe(e);
          expect(Object.is(roundTrip(f64, f), f)).toBe(true);
          expect(roundTrip(utf8, s)).toBe(s);
          expect(roundTrip(bytes, by)).toEqual(by);
        },
      ),
    );
  });

  it("compose: struct, tuple, array, optional, json", () => {
    const Person = struct({ name: utf8, age: u8, tags: array(utf8), email: optional(utf8), extra: json });
    const v = {
      name: "Ada",
      age: 36,
      tags: ["math", "engines"],
      email: undefined,
      extra: { born: 1815, list: [1, null] },
    };
    expect(roundTrip(Person, v)).toEqual(v);
    expect(roundTrip(tuple([bool, i32, utf8]), [true, -5, "x"])).toEqual([true, -5, "x"]);
    expect(Person.name).toBe('struct{"name":utf8,"age":u8,"tags":array<utf8>,"email":optional<utf8>,"extra":json}');
  });

  it("refuse values outside their domain with EncodeError", () => {
    expect(() => encode(u8, 256)).toThrow(EncodeError);
    expect(() => encode(u32, -1)).toThrow("u32: -1 is not an integer in [0, 4294967295]");
    expect(() => encode(i32, 1.5)).toThrow(EncodeError);
    expect(() => encode(u64, 2n ** 64n)).toThrow(EncodeError);
    expect(() => encode(json, 1n)).toThrow(EncodeError);
    expect(() => encode(json, undefined)).toThrow("json: undefined has no JSON form");
    expect(() => encode(array(struct({})), [{}, {}])).toThrow("must encode to at least one byte");
  });

  it("refuse malformed payloads with DecodeError, never another error", () => {
    expect(() => decode(array(u32), new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(
      "array: count 4294967295 exceeds the 0 bytes left",
    );
    expect(() => decode(optional(u8), new Uint8Array([2]))).toThrow("presence byte 2");
    expect(() => decode(json, new Uint8Array([0, 0, 0, 1, 0x7b]))).toThrow("json: payload is not valid JSON");
    const all: Codec<unknown>[] = [
      u8,
      u16,
      u32,
      u64,
      i32,
      f64,
      bool,
      utf8,
      bytes,
      json,
      array(utf8),
      optional(u16),
      struct({ a: utf8, b: u8 }),
      tuple([bool, utf8]),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.uint8Array({ maxLength: 40 }), (c, b) => {
        try {
          decode(c, b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });

  it("a user-defined Codec<T> works in a session and names itself in the fingerprint", async () => {
    const date: Codec<Date> = {
      name: "date-ms",
      write: (w, d) => w.f64(d.getTime()),
      read: (r) => new Date(r.f64()),
    };
    const P = send(date, recv(date, end));
    const [a, b] = byteStreamPair();
    const [c, s] = await Promise.all([session(P, a), session(dual(P), b)]);
    const when = new Date(Date.UTC(2026, 10, 21));
    const waiting = c.send(when);
    const [got, reply] = await s.recv();
    expect(got).toEqual(when);
    const fin = reply.send(new Date(got.getTime() + 1000));
    const [back, done] = await waiting.recv();
    expect(back.getTime() - when.getTime()).toBe(1000);
    await Promise.all([done.close(), fin.close()]);
  });
});
