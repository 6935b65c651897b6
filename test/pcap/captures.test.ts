import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { captureFiles, generateCaptures } from "../../scripts/capture-scenarios.mjs";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, LOSS_WARNINGS, tsharkFields } from "../helpers/tshark.js";
import { sourceLibrary as lib } from "./source-library.js";

const committed = (name: string) => fileURLToPath(new URL(`../../captures/${name}`, import.meta.url));

describe("captures/ (npm run captures)", () => {
  it("still holds exactly what the script produces", async () => {
    const files = captureFiles(await generateCaptures(lib));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const stale = `captures/${file.name} is stale: run \`npm run captures\` and commit the result`;
      expect(Buffer.from(file.bytes).equals(readFileSync(committed(file.name))), stale).toBe(true);
    }
  });

  it("gives the same bytes on every run", async () => {
    const [first, second] = [await generateCaptures(lib), await generateCaptures(lib)];
    expect(second.map((c) => Buffer.from(c.bytes).toString("base64"))).toEqual(
      first.map((c) => Buffer.from(c.bytes).toString("base64")),
    );
  });
});

describeWith(["tshark"], "captures/, judged by Wireshark", () => {
  it("every example is clean", async () => {
    // The lossy transfer drops packets on purpose: its loss warnings are allowed by name (ARCHITECTURE.md,
    // "Test methods"), e.g. RACK's fast retransmit after one duplicate ACK, which tshark calls out-of-order.
    for (const capture of await generateCaptures(lib)) {
      assertCleanCapture(committed(capture.name), capture.name.includes("loss") ? [...LOSS_WARNINGS] : []);
    }
  });

  it("the scripted exchange shows comments on the client's segments and both directions", () => {
    const rows = tsharkFields(committed("scripted-exchange.pcapng"), [
      "frame.packet_flags_direction",
      "frame.comment",
      "tcp.flags.str",
    ]);
    expect(rows.length).toBe(8);
    expect(rows[0][1]).toMatch(/SYN-SENT/);
    expect(rows[2][1]).toBe("SYN-SENT -> ESTABLISHED");
    expect(rows.filter((r) => Number(r[0]) === 1).length).toBe(3);
  });

  it("the stack transfers carry the engine's own trace as comments, from open to TIME-WAIT", () => {
    for (const name of ["stack-transfer.pcapng", "stack-transfer-loss.pcapng"]) {
      const rows = tsharkFields(committed(name), [
        "frame.packet_flags_direction",
        "frame.comment",
        "tcp.flags.syn",
        "tcp.analysis.retransmission",
      ]);
      const comments = rows.map((r) => r[1]).filter((c) => c !== "");
      expect(rows[0][2]).toBe("1"); // the SYN comes first, with the reason it was sent
      expect(rows[0][1]).toMatch(/CLOSED -> SYN-SENT/);
      expect(comments.join("\n")).toMatch(/SYN-SENT -> ESTABLISHED/);
      expect(comments.join("\n")).toMatch(/-> TIME-WAIT/);
      expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(["0x00000001", "0x00000002"]));
      if (name.includes("loss")) {
        expect(comments.join("\n")).toMatch(/fast retransmit/);
        expect(rows.filter((r) => r[3] !== "").length).toBeGreaterThan(0);
      }
    }
  });
});
