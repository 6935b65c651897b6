/** The command line's conventions: one unit for --loss, no stray arguments, --version. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseArgs, probabilityFlag } from "../../src/cli/args.js";
import { run } from "../../src/cli/run.js";
import { testIo } from "../interop/cli-io.js";

describe("command-line conventions", () => {
  it("--loss takes the library's unit (0..1) or an explicit percentage", () => {
    const loss = (text: string) =>
      probabilityFlag("demo", parseArgs("demo", ["--loss", text], { values: ["loss"] }), "loss", 0.01);
    expect([loss("0.05"), loss("5%"), loss("0"), loss("1"), loss("0.5%"), loss("100%")]).toEqual([
      0.05, 0.05, 0, 1, 0.005, 1,
    ]);
    for (const bad of ["2", "5 %", "-0.1", "x", "101%", ""]) expect(() => loss(bad), bad).toThrow(/--loss must be/);
    expect(probabilityFlag("demo", parseArgs("demo", [], { values: ["loss"] }), "loss", 0.01)).toBe(0.01);
  });

  it("extra positional arguments are usage errors, for every command", async () => {
    for (const [argv, message] of [
      [["http", "--tunnel", "a=b", "somewhere"], 'wirestate: http: unexpected argument "somewhere"'],
      [["fetch", "http://10.0.0.2/", "http://10.0.0.3/"], 'wirestate: fetch: unexpected argument "http://10.0.0.3/"'],
      [["demo", "now"], 'wirestate: demo: unexpected argument "now"'],
      [["ping", "10.0.0.1", "10.0.0.2"], 'wirestate: ping: unexpected argument "10.0.0.2"'],
      [["nc", "10.0.0.1", "80", "90"], 'wirestate: nc: unexpected argument "90"'],
    ] as const) {
      const io = testIo();
      expect(await run(argv, io), argv.join(" ")).toBe(2);
      expect(io.err()).toMatch(message);
    }
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const io = testIo();
      expect(await run([flag], io)).toBe(0);
      expect(io.out().toString()).toBe(`wirestate ${version}\n`);
    }
  });
});
