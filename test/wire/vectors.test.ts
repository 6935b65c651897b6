import { readFileSync, readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { describeWith } from "../helpers/tools.js";
import { readPcap } from "../helpers/pcap-reader.js";
import { parsePacket } from "../../src/wire/index.js";
import { refParsePacket } from "./reference/index.js";
import { rowOf, tsharkFields } from "./tshark-fields.js";

// Copies of ../shared/vectors, so a fresh clone (CI) has them.
const DIR = new URL("./vectors/", import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".pcap"))
  .sort();

describeWith(["tshark"], "real Linux traffic (test/wire/vectors)", () => {
  it("finds the three vector captures", () => {
    expect(files).toEqual(["linux-closed-port.pcap", "linux-http-clean.pcap", "linux-http-loss.pcap"]);
  });

  for (const name of files) {
    it(`${name}: every packet parses ok and agrees with tshark field by field`, () => {
      const path = new URL(name, DIR);
      const pcap = readPcap(readFileSync(path));
      expect(pcap.linkType).toBe(101);
      const rows = tsharkFields(path.pathname);
      expect(rows.length).toBe(pcap.records.length);
      pcap.records.forEach((record, i) => {
        const p = parsePacket(record.data);
        if (!p.ok) throw new Error(`${name} packet ${i + 1}: ${p.reason}`);
        expect({ frame: i + 1, ...rowOf(p) }).toEqual({ frame: i + 1, ...rows[i] });
        expect({ ...refParsePacket(record.data), payload: undefined }).toEqual({ ...p, payload: undefined });
      });
    });
  }

  it("the vectors cover the options and flags the parser must handle", () => {
    const all = files.flatMap((f) => readPcap(readFileSync(new URL(f, DIR))).records.map((r) => parsePacket(r.data)));
    const ok = all.flatMap((p) => (p.ok ? [p] : []));
    expect(
      ok.some((p) => p.tcp.options.mss === 1460 && p.tcp.options.windowScale === 10 && p.tcp.options.sackPermitted),
    ).toBe(true);
    expect(ok.filter((p) => (p.tcp.options.sackBlocks?.length ?? 0) > 0).length).toBe(58);
    expect(ok.some((p) => (p.tcp.flags & 0x04) !== 0)).toBe(true);
    expect(ok.some((p) => (p.tcp.flags & 0x01) !== 0)).toBe(true);
  });
});
