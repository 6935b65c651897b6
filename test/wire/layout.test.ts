import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as layout from "../../src/wire/layout.generated.js";
import { record, wasm } from "../../src/wire/wasm.js";

/** The module's exported globals by name: assembly/index.ts exports every constant of assembly/layout.ts. */
const globals = Object.fromEntries(
  Object.entries(wasm as unknown as Record<string, unknown>).flatMap(([name, value]) =>
    value instanceof WebAssembly.Global ? [[name, value.value as number]] : [],
  ),
);
const generated = Object.fromEntries(Object.entries(layout).filter(([, value]) => typeof value === "number"));

describe("the WASM memory layout has one source (assembly/layout.ts)", () => {
  it("every generated TS constant has the value the loaded WASM module exports for it", () => {
    expect(Object.keys(generated).length).toBeGreaterThan(60);
    for (const [name, value] of Object.entries(generated)) expect(globals[name], name).toBe(value);
  });

  it("every constant the module exports is on the TS side", () => {
    expect(Object.keys(globals).sort()).toEqual(Object.keys(generated).sort());
  });

  it("the generated file is current: it has every constant assembly/layout.ts declares", () => {
    const source = readFileSync(new URL("../../assembly/layout.ts", import.meta.url), "utf8");
    const declared = [...source.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual(Object.keys(generated).sort());
  });

  it("the module's own addresses agree with the record and scratch sizes", () => {
    expect(record.length).toBe(layout.RECORD_SLOTS);
    expect(wasm.scratchPtr() - wasm.recordPtr()).toBe(layout.RECORD_SLOTS * 4);
    expect(wasm.freePtr() - wasm.scratchPtr()).toBeGreaterThanOrEqual(layout.SCRATCH_SIZE);
    expect(layout.SCRATCH_SIZE).toBeGreaterThanOrEqual(layout.HEADROOM + layout.MAX_PACKET);
    expect(layout.B_BASE).toBeGreaterThan(layout.R_PAYLOAD_LENGTH);
    expect(layout.B_SACK + 8).toBeLessThanOrEqual(layout.RECORD_SLOTS);
  });

  it("names each parse status code after its E_ constant, in code order", () => {
    expect(layout.REASONS[layout.OK]).toBeUndefined();
    expect(layout.REASONS[layout.E_TRUNCATED_IP_HEADER]).toBe("truncated-ip-header");
    expect(layout.REASONS[layout.E_BAD_OPTION_VALUE]).toBe("bad-option-value");
    expect(layout.REASONS.length).toBe(layout.E_MISSING_UDP_CHECKSUM + 1);
    expect(layout.OptionBits.WINDOW_SCALE).toBe(layout.OPT_WINDOW_SCALE);
  });
});
