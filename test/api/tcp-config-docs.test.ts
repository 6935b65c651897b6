/** The defaults TcpConfig's doc comments state (what the API reference shows) are the ones the engine uses. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultTcpConfig } from "../../src/tcp/config.js";

describe("TcpConfig's documented defaults", () => {
  it("every field states its default, and each is defaultTcpConfig's", () => {
    const source = readFileSync("src/tcp/config.ts", "utf8");
    const body = source.slice(
      source.indexOf("export interface TcpConfig {"),
      source.indexOf("export const defaultTcpConfig"),
    );
    const documented: Record<string, unknown> = {};
    for (const m of body.matchAll(/@defaultValue (\S+?)\s*(?:\*\/)?\n\s*(?:\*\/\n\s*)?(\w+):/g)) {
      documented[m[2]] = JSON.parse(m[1]);
    }
    expect(documented).toEqual({ ...defaultTcpConfig });
  });
});
