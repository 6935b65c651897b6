import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemorySink, PcapngWriter, PcapWriter, type CaptureWriter, type PacketRecord } from "../../src/pcap/index.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, tsharkFields } from "../helpers/tshark.js";
import { conversation } from "./packets.js";

/**
 * Byte-exact golden captures of a fixed input, so any change to the file format shows as a diff. The input
 * (packets as hex, times, directions, comments) is itself committed, so a change in how the wire core
 * builds packets cannot move these files. To accept a deliberate format change:
 *   UPDATE_GOLDEN=1 npx vitest run test/pcap/golden.test.ts   (then review `git diff --stat`)
 */
const here = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";

interface InputRow {
  timestampMs: number;
  direction: "inbound" | "outbound";
  comments: string[];
  hex: string;
}

function freshInput(): InputRow[] {
  const times = [
    1_763_700_000_000, 1_763_700_000_000.25, 1_763_700_000_000.5, 1_763_700_000_001, 1_763_700_000_003.125,
    1_763_700_000_010, 1_763_700_000_012, 1_763_700_000_012,
  ];
  const comments = [
    ["SYN-SENT"],
    [],
    ["SYN-SENT -> ESTABLISHED"],
    [],
    ["RTO fired, rto=200ms", "cwnd 10 -> 1"],
    ["ESTABLISHED -> FIN-WAIT-1"],
    [],
    ["FIN-WAIT-2 -> TIME-WAIT · ü"],
  ];
  return conversation(301).map((p, i) => ({
    timestampMs: times[i],
    direction: i % 2 === 0 ? "outbound" : "inbound",
    comments: comments[i],
    hex: Buffer.from(p).toString("hex"),
  }));
}

function input(): PacketRecord[] {
  const path = here("input.json");
  if (update) writeFileSync(path, `${JSON.stringify(freshInput(), null, 1)}\n`);
  const rows = JSON.parse(readFileSync(path, "utf8")) as InputRow[];
  return rows.map((r) => ({ ...r, data: new Uint8Array(Buffer.from(r.hex, "hex")) }));
}

const formats: Array<[string, (sink: MemorySink) => CaptureWriter]> = [
  ["conversation.pcapng", (sink) => new PcapngWriter(sink, { interfaceName: "golden0" })],
  ["conversation-us.pcap", (sink) => new PcapWriter(sink)],
  ["conversation-ns.pcap", (sink) => new PcapWriter(sink, { resolution: "ns", snaplen: 65535 })],
];

async function render(make: (sink: MemorySink) => CaptureWriter): Promise<Uint8Array> {
  const sink = new MemorySink();
  const writer = make(sink);
  for (const packet of input()) writer.writePacket(packet);
  await writer.close();
  return sink.bytes();
}

describe("golden captures", () => {
  for (const [name, make] of formats) {
    it(`${name} is byte-for-byte what the writer produces`, async () => {
      const bytes = await render(make);
      if (update) writeFileSync(here(name), bytes);
      const golden = readFileSync(here(name));
      expect(Buffer.from(bytes).toString("hex")).toBe(golden.toString("hex"));
    });
  }
});

describeWith(["tshark"], "golden captures, judged by Wireshark", () => {
  it("are clean and carry the input's comments and times", () => {
    const rows = input();
    for (const [name] of formats) assertCleanCapture(here(name));
    const fields = tsharkFields(here("conversation.pcapng"), ["frame.comment", "frame.time_relative"]);
    expect(fields.map((f) => f[0])).toEqual(rows.map((r) => (r.comments ?? []).join("|")));
    expect(fields.map((f) => f[1])).toEqual(rows.map((r) => ((r.timestampMs - rows[0].timestampMs) / 1000).toFixed(9)));
  });
});
